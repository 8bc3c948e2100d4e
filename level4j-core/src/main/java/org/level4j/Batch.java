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
  /** Queues a put of {@code value} at {@code key}; returns this batch. */
  Batch<K, V> put(K key, V value);

  /** Queues a delete of {@code key}; returns this batch. */
  Batch<K, V> del(K key);

  /** A precondition: see {@link Op#expect}. */
  Batch<K, V> expect(K key, V value);

  /** A precondition: see {@link Op#expectAbsent}. */
  Batch<K, V> expectAbsent(K key);

  /** Put into another sublevel (or typed view) of the same database, in the same atomic write. */
  <K2, V2> Batch<K, V> put(Level<K2, V2> level, K2 key, V2 value);

  /** Delete from another sublevel (or typed view) of the same database. */
  <K2, V2> Batch<K, V> del(Level<K2, V2> level, K2 key);

  /** Number of operations queued. */
  int length();

  /** Drops every queued operation; the batch stays usable. */
  Batch<K, V> clear();

  /** Writes every queued operation atomically. */
  void write();

  /** Writes every queued operation atomically, with {@code options}. */
  void write(WriteOptions options);

  /** Discards the batch if it was not written. */
  @Override
  void close();
}
