package org.level4j;

/**
 * Which entries an iterator or a {@code clear} visits: bounds ({@code gt}, {@code gte},
 * {@code lt}, {@code lte}), direction and a limit. Immutable: each builder method returns a new
 * range.
 *
 * <pre>{@code
 * db.iterator(Range.<String>all().gte("a").lt("b").reverse().limit(10))
 * }</pre>
 *
 * <p>{@code gt} and {@code gte} are alternatives (setting one drops the other), as are {@code lt}
 * and {@code lte}. A range whose lower bound lies above its upper bound is empty, not an error.
 * Bounds compare as the encoded bytes do (unsigned, lexicographic).
 */
public final class Range<K> {
  private static final Range<?> ALL = new Range<>(null, false, null, false, false, -1);

  private final K lower;
  private final boolean lowerInclusive;
  private final K upper;
  private final boolean upperInclusive;
  private final boolean reverse;
  private final int limit;

  private Range(K lower, boolean lowerInclusive, K upper, boolean upperInclusive, boolean reverse,
      int limit) {
    this.lower = lower;
    this.lowerInclusive = lowerInclusive;
    this.upper = upper;
    this.upperInclusive = upperInclusive;
    this.reverse = reverse;
    this.limit = limit < 0 ? -1 : limit;
  }

  /** Every entry, in key order, without limit. */
  @SuppressWarnings("unchecked")
  public static <K> Range<K> all() {
    return (Range<K>) ALL;
  }

  /** Keys strictly greater than {@code key}. */
  public Range<K> gt(K key) {
    return new Range<>(nonNull(key, "gt"), false, upper, upperInclusive, reverse, limit);
  }

  /** Keys greater than or equal to {@code key}. */
  public Range<K> gte(K key) {
    return new Range<>(nonNull(key, "gte"), true, upper, upperInclusive, reverse, limit);
  }

  /** Keys strictly less than {@code key}. */
  public Range<K> lt(K key) {
    return new Range<>(lower, lowerInclusive, nonNull(key, "lt"), false, reverse, limit);
  }

  /** Keys less than or equal to {@code key}. */
  public Range<K> lte(K key) {
    return new Range<>(lower, lowerInclusive, nonNull(key, "lte"), true, reverse, limit);
  }

  /** Visit entries from the highest key down. */
  public Range<K> reverse() {
    return reverse(true);
  }

  /** Visit entries from the highest key down if {@code reverse}, else from the lowest up. */
  public Range<K> reverse(boolean reverse) {
    return new Range<>(lower, lowerInclusive, upper, upperInclusive, reverse, limit);
  }

  /** Visit at most {@code limit} entries; a negative limit means no limit. */
  public Range<K> limit(int limit) {
    return new Range<>(lower, lowerInclusive, upper, upperInclusive, reverse, limit);
  }

  /** The lower bound, or {@code null} if unbounded below. */
  public K lower() {
    return lower;
  }

  /** Whether the lower bound is {@code gte} (true) or {@code gt} (false). */
  public boolean lowerInclusive() {
    return lowerInclusive;
  }

  /** The upper bound, or {@code null} if unbounded above. */
  public K upper() {
    return upper;
  }

  /** Whether the upper bound is {@code lte} (true) or {@code lt} (false). */
  public boolean upperInclusive() {
    return upperInclusive;
  }

  /** Whether entries are visited from the highest key down. */
  public boolean isReverse() {
    return reverse;
  }

  /** The limit, or -1 for none. */
  public int limit() {
    return limit;
  }

  /** The same range with bounds mapped by {@code f} (used to encode bounds). */
  public <T> Range<T> map(java.util.function.Function<? super K, ? extends T> f) {
    return new Range<>(lower == null ? null : f.apply(lower), lowerInclusive,
        upper == null ? null : f.apply(upper), upperInclusive, reverse, limit);
  }

  /** Builds a range from explicit parts; {@code null} bounds are open. */
  public static <K> Range<K> of(K lower, boolean lowerInclusive, K upper, boolean upperInclusive,
      boolean reverse, int limit) {
    return new Range<>(lower, lowerInclusive, upper, upperInclusive, reverse, limit);
  }

  private static <K> K nonNull(K key, String what) {
    if (key == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "range bound " + what + " is null");
    }
    return key;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Range[");
    if (lower != null) {
      b.append(lowerInclusive ? "gte=" : "gt=").append(show(lower)).append(' ');
    }
    if (upper != null) {
      b.append(upperInclusive ? "lte=" : "lt=").append(show(upper)).append(' ');
    }
    if (reverse) {
      b.append("reverse ");
    }
    if (limit >= 0) {
      b.append("limit=").append(limit).append(' ');
    }
    return b.toString().trim() + "]";
  }

  private static String show(Object o) {
    return o instanceof byte[] ? Bytes.show((byte[]) o) : String.valueOf(o);
  }
}
