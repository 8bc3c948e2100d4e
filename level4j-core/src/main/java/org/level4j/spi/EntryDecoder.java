package org.level4j.spi;

import org.level4j.Entry;

/**
 * Turns one entry an engine iterator read into what the user's iterator yields: a decoded entry,
 * key or value. The core hands one to {@link EngineIterator#nextv(int, EntryDecoder)}; engines
 * call it once per entry, in order, from the thread that runs that call, and never implement it.
 * A component that copies entries elsewhere may give the core its own, through {@link
 * Databases#iterator}.
 *
 * <p>An engine that reads entries into a buffer of its own passes slices of it, so that the only
 * copy of the bytes is the decoded object; an engine that has arrays passes those.
 */
public interface EntryDecoder<T> {
  /**
   * Decodes an entry from arrays the result may keep.
   *
   * @param entry the stored key and value; a half the iterator was not opened for is null
   * @return what the user's iterator yields for it
   */
  T decode(Entry<byte[], byte[]> entry);

  /**
   * Decodes an entry from slices of arrays that the engine reuses once this returns: the result
   * keeps no reference to them. A half the iterator was not opened for has length -1 (its array
   * and offset mean nothing).
   *
   * @param key holds the stored key
   * @param keyOffset where it starts
   * @param keyLength its length, or -1
   * @param value holds the stored value (may be the same array as {@code key})
   * @param valueOffset where it starts
   * @param valueLength its length, or -1
   * @return what the user's iterator yields for it
   */
  T decode(byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset,
      int valueLength);

  /**
   * The decoder whose results are the stored arrays themselves: each entry given as arrays
   * as it came, each given as slices as an entry of arrays of its own (null for a half the
   * iterator was not opened for). An engine that reads into a buffer of its own implements
   * {@link EngineIterator#nextv(int)} as {@code nextv(max, EntryDecoder.copies())}.
   *
   * @return the one such decoder
   */
  static EntryDecoder<Entry<byte[], byte[]>> copies() {
    return CopyingDecoder.INSTANCE;
  }
}
