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

  /**
   * Every entry, in key order, without limit.
   *
   * @param <K> the key type
   * @return the range of every key
   */
  @SuppressWarnings("unchecked")
  public static <K> Range<K> all() {
    return (Range<K>) ALL;
  }

  /**
   * Keys strictly greater than {@code key}.
   *
   * @param key the exclusive lower bound
   * @return a copy of this range with that bound
   */
  public Range<K> gt(K key) {
    return new Range<>(nonNull(key, "gt"), false, upper, upperInclusive, reverse, limit);
  }

  /**
   * Keys greater than or equal to {@code key}.
   *
   * @param key the inclusive lower bound
   * @return a copy of this range with that bound
   */
  public Range<K> gte(K key) {
    return new Range<>(nonNull(key, "gte"), true, upper, upperInclusive, reverse, limit);
  }

  /**
   * Keys strictly less than {@code key}.
   *
   * @param key the exclusive upper bound
   * @return a copy of this range with that bound
   */
  public Range<K> lt(K key) {
    return new Range<>(lower, lowerInclusive, nonNull(key, "lt"), false, reverse, limit);
  }

  /**
   * Keys less than or equal to {@code key}.
   *
   * @param key the inclusive upper bound
   * @return a copy of this range with that bound
   */
  public Range<K> lte(K key) {
    return new Range<>(lower, lowerInclusive, nonNull(key, "lte"), true, reverse, limit);
  }

  /**
   * Visit entries from the highest key down.
   *
   * @return a copy of this range, reversed
   */
  public Range<K> reverse() {
    return reverse(true);
  }

  /**
   * Visit entries from the highest key down if {@code reverse}, else from the lowest up.
   *
   * @param reverse true for descending key order
   * @return a copy of this range in that direction
   */
  public Range<K> reverse(boolean reverse) {
    return new Range<>(lower, lowerInclusive, upper, upperInclusive, reverse, limit);
  }

  /**
   * Visit at most {@code limit} entries; a negative limit means no limit.
   *
   * @param limit the most entries to visit, or negative for no limit
   * @return a copy of this range with that limit
   */
  public Range<K> limit(int limit) {
    return new Range<>(lower, lowerInclusive, upper, upperInclusive, reverse, limit);
  }

  /**
   * The lower bound, or {@code null} if unbounded below.
   *
   * @return the lower bound, or {@code null}
   */
  public K lower() {
    return lower;
  }

  /**
   * Whether the lower bound is {@code gte} (true) or {@code gt} (false).
   *
   * @return true if the lower bound is included
   */
  public boolean lowerInclusive() {
    return lowerInclusive;
  }

  /**
   * The upper bound, or {@code null} if unbounded above.
   *
   * @return the upper bound, or {@code null}
   */
  public K upper() {
    return upper;
  }

  /**
   * Whether the upper bound is {@code lte} (true) or {@code lt} (false).
   *
   * @return true if the upper bound is included
   */
  public boolean upperInclusive() {
    return upperInclusive;
  }

  /**
   * Whether entries are visited from the highest key down.
   *
   * @return true for descending key order
   */
  public boolean isReverse() {
    return reverse;
  }

  /**
   * The limit, or -1 for none.
   *
   * @return the limit, or -1
   */
  public int limit() {
    return limit;
  }

  /**
   * The same range with bounds mapped by {@code f} (used to encode bounds).
   *
   * @param <T> the new key type
   * @param f maps each bound
   * @return a range over type {@code T} with the same inclusiveness, direction and limit
   */
  public <T> Range<T> map(java.util.function.Function<? super K, ? extends T> f) {
    return new Range<>(lower == null ? null : f.apply(lower), lowerInclusive,
        upper == null ? null : f.apply(upper), upperInclusive, reverse, limit);
  }

  /**
   * Builds a range from explicit parts; {@code null} bounds are open.
   *
   * @param <K> the key type
   * @param lower the lower bound, or {@code null}
   * @param lowerInclusive whether the lower bound is included
   * @param upper the upper bound, or {@code null}
   * @param upperInclusive whether the upper bound is included
   * @param reverse true for descending key order
   * @param limit the most entries to visit, or negative for no limit
   * @return the range
   */
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
