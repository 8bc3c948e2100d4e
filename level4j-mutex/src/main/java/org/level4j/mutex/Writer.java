package org.level4j.mutex;

/**
 * What a read continuation of a {@link LevelMutex} writes with. Every put and del issued here
 * joins the write phase that follows the read, before any other read of the mutex can run, so a
 * value checked in the continuation is still the stored value when the write is applied.
 *
 * <p>Usable only inside the continuation it was handed to, on the mutex's phase thread; using it
 * afterwards, or from another thread, throws {@link org.level4j.ErrorCode#LEVEL_INVALID_ARGUMENT}.
 * If the continuation throws, everything it wrote here is discarded.
 */
public interface Writer<K, V> {
  /**
   * Queues a put for the coming write phase.
   *
   * @param key the key to write
   * @param value its new value
   * @return this writer
   */
  Writer<K, V> put(K key, V value);

  /**
   * Queues a del for the coming write phase.
   *
   * @param key the key to delete
   * @return this writer
   */
  Writer<K, V> del(K key);

  /**
   * Whether a write to {@code key} is already queued for the coming write phase (by this
   * continuation, an earlier one of the same read phase, or a plain {@link LevelMutex#put} or
   * {@link LevelMutex#del}). A value read in this phase is about to be replaced when this is true:
   * the check that level-mutex users keep by hand in a {@code pending} list. Keys compare by their
   * encoded bytes.
   *
   * @param key the key to look for
   * @return true if a put or del of {@code key} is queued
   */
  boolean pending(K key);
}
