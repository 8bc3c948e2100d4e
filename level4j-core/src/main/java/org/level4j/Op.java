package org.level4j;

/**
 * One operation of a batch: a put, a del, or a precondition ({@link #expect}) that makes the whole
 * batch conditional.
 *
 * <p>An {@code EXPECT} operation writes nothing: the batch is applied only if, at the moment it is
 * applied, the key holds exactly {@code value} ({@code null}: the key is absent). Otherwise the
 * batch fails with {@link ErrorCode#LEVEL_CONFLICT} and nothing of it is written.
 */
public final class Op<K, V> {
  /** The kind of operation. */
  public enum Type {
    /** Write a value at a key. */
    PUT,
    /** Delete a key. */
    DEL,
    /** A precondition on a key; writes nothing. */
    EXPECT
  }

  private final Type type;
  private final K key;
  private final V value;

  private Op(Type type, K key, V value) {
    this.type = type;
    this.key = key;
    this.value = value;
  }

  /**
   * Write {@code value} at {@code key}.
   *
   * @param <K> the key type
   * @param <V> the value type
   * @param key the key to write
   * @param value its new value
   * @return the operation
   */
  public static <K, V> Op<K, V> put(K key, V value) {
    return new Op<>(Type.PUT, key, value);
  }

  /**
   * Delete {@code key}; deleting an absent key is not an error.
   *
   * @param <K> the key type
   * @param <V> the value type
   * @param key the key to delete
   * @return the operation
   */
  public static <K, V> Op<K, V> del(K key) {
    return new Op<>(Type.DEL, key, null);
  }

  /**
   * Precondition: {@code key} holds {@code value} when the batch is applied.
   *
   * @param <K> the key type
   * @param <V> the value type
   * @param key the key to check
   * @param value the value it must hold, not {@code null}
   * @return the precondition
   */
  public static <K, V> Op<K, V> expect(K key, V value) {
    if (value == null) {
      throw new LevelException(
          ErrorCode.LEVEL_INVALID_VALUE, "expect() needs a value; use expectAbsent(key) for none");
    }
    return new Op<>(Type.EXPECT, key, value);
  }

  /**
   * Precondition: {@code key} is absent when the batch is applied.
   *
   * @param <K> the key type
   * @param <V> the value type
   * @param key the key that must be absent
   * @return the precondition
   */
  public static <K, V> Op<K, V> expectAbsent(K key) {
    return new Op<>(Type.EXPECT, key, null);
  }

  /**
   * Whether this is a put, a del or a precondition.
   *
   * @return the kind of operation
   */
  public Type type() {
    return type;
  }

  /**
   * The key this operation writes, deletes or checks.
   *
   * @return the key
   */
  public K key() {
    return key;
  }

  /**
   * The value of a put or an expect; {@code null} for a del and for expectAbsent.
   *
   * @return the value, or {@code null}
   */
  public V value() {
    return value;
  }

  @Override
  public String toString() {
    return type.name().toLowerCase(java.util.Locale.ROOT) + "(" + show(key)
        + (type == Type.DEL ? "" : ", " + show(value)) + ")";
  }

  private static String show(Object o) {
    return o instanceof byte[] ? Bytes.show((byte[]) o) : String.valueOf(o);
  }
}
