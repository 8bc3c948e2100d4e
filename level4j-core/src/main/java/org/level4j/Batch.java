package org.level4j;

/**
 * A chained batch: operations collected and then written atomically by {@link #write()}.
 *
 * <pre>{@code
 * db.batch().put("a", "1").del("b").put(users, "u1", alice).write();
 * }</pre>
 *
 * <p>Not thread-safe. After {@code write()} or {@code close()} the batch cannot be used again;
 * closing an unwritten batch discards it.
 */
public interface Batch<K, V> extends AutoCloseable {
  /**
   * Queues a put of {@code value} at {@code key}; returns this batch.
   *
   * @param key the key to write
   * @param value its new value
   * @return this batch
   */
  Batch<K, V> put(K key, V value);

  /**
   * Queues a delete of {@code key}; returns this batch.
   *
   * @param key the key to delete
   * @return this batch
   */
  Batch<K, V> del(K key);

  /**
   * A precondition: see {@link Op#expect}.
   *
   * @param key the key to check
   * @param value the value it must hold
   * @return this batch
   */
  Batch<K, V> expect(K key, V value);

  /**
   * A precondition: see {@link Op#expectAbsent}.
   *
   * @param key the key that must be absent
   * @return this batch
   */
  Batch<K, V> expectAbsent(K key);

  /**
   * Put into another sublevel (or typed view) of the same database, in the same atomic write.
   *
   * @param <K2> the key type of {@code level}
   * @param <V2> the value type of {@code level}
   * @param level a sublevel or view of this batch's database
   * @param key the key to write, encoded by {@code level}
   * @param value its new value, encoded by {@code level}
   * @return this batch
   */
  <K2, V2> Batch<K, V> put(Level<K2, V2> level, K2 key, V2 value);

  /**
   * Delete from another sublevel (or typed view) of the same database.
   *
   * @param <K2> the key type of {@code level}
   * @param <V2> the value type of {@code level}
   * @param level a sublevel or view of this batch's database
   * @param key the key to delete, encoded by {@code level}
   * @return this batch
   */
  <K2, V2> Batch<K, V> del(Level<K2, V2> level, K2 key);

  /**
   * Number of operations queued.
   *
   * @return the number of operations queued
   */
  int length();

  /**
   * Drops every queued operation; the batch stays usable.
   *
   * @return this batch
   */
  Batch<K, V> clear();

  /** Writes every queued operation atomically. */
  void write();

  /**
   * Writes every queued operation atomically, with {@code options}.
   *
   * @param options how to write, such as {@link WriteOptions#SYNC}
   */
  void write(WriteOptions options);

  /** Discards the batch if it was not written. */
  @Override
  void close();
}
