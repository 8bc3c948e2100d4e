package org.level4j;

import java.util.Arrays;

/**
 * Turns keys or values of type {@code T} into the bytes stored, and back. Implement it for your
 * own types; {@link Codecs} has the common ones. For keys, the byte order is the iteration order,
 * so a key codec should keep the order users expect (as {@link Codecs#SORTABLE_LONG} does).
 *
 * <p>Codecs must be thread-safe. {@code decode} may throw any runtime exception on bad input; the
 * caller sees it as {@link ErrorCode#LEVEL_DECODE_ERROR}.
 */
public interface Codec<T> {
  /**
   * A short name for messages, such as {@code "utf8"}.
   *
   * @return the codec's name
   */
  String name();

  /**
   * The bytes stored for {@code value}, never {@code null}.
   *
   * @param value a key or value, not {@code null}
   * @return its bytes
   */
  byte[] encode(T value);

  /**
   * The value stored as {@code bytes}: the inverse of {@link #encode}.
   *
   * @param bytes what {@link #encode} produced
   * @return the key or value
   */
  T decode(byte[] bytes);

  /**
   * The value stored as {@code length} bytes of {@code bytes} from {@code offset}: iterators
   * decode from a buffer they reuse, so the result must not keep {@code bytes}. The default
   * decodes a copy of the slice; override it when the type can be read from a slice directly.
   *
   * @param bytes holds what {@link #encode} produced, lent for this call only
   * @param offset where it starts
   * @param length how many bytes it has
   * @return the key or value
   */
  default T decode(byte[] bytes, int offset, int length) {
    return decode(Arrays.copyOfRange(bytes, offset, offset + length));
  }
}
