package org.level4j.spi;

import java.util.Arrays;
import org.level4j.Entry;

/** {@link EntryDecoder#copies()}. */
final class CopyingDecoder implements EntryDecoder<Entry<byte[], byte[]>> {
  static final CopyingDecoder INSTANCE = new CopyingDecoder();

  private CopyingDecoder() {}

  @Override
  public Entry<byte[], byte[]> decode(Entry<byte[], byte[]> entry) {
    return entry;
  }

  @Override
  public Entry<byte[], byte[]> decode(byte[] key, int keyOffset, int keyLength, byte[] value,
      int valueOffset, int valueLength) {
    return new Entry<>(copy(key, keyOffset, keyLength), copy(value, valueOffset, valueLength));
  }

  private static byte[] copy(byte[] b, int offset, int length) {
    return length < 0 ? null : Arrays.copyOfRange(b, offset, offset + length);
  }
}
