package org.level4j;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The asynchronous form of a {@link Level}: the same operations, returning futures, so one thread
 * can keep many in flight. A remote guest sends them pipelined on one connection; in-process
 * engines may complete them before returning.
 *
 * <p>Futures fail with a {@link LevelException} (wrapped in a {@code CompletionException} by
 * {@code join()}). Futures may complete on an I/O thread: do not block inside their callbacks.
 */
public interface AsyncLevel<K, V> {
  /**
   * {@link Level#get(Object)}: completes with the value at {@code key}, or {@code null}.
   *
   * @param key the key to read
   * @return a future of the value
   */
  CompletableFuture<V> get(K key);

  /**
   * {@link Level#get(Object, Snapshot)}: the value at {@code key} as of {@code snapshot}.
   *
   * @param key the key to read
   * @param snapshot from {@link Level#snapshot()} of the same database
   * @return a future of the value
   */
  CompletableFuture<V> get(K key, Snapshot snapshot);

  /**
   * {@link Level#getMany(List)}: the values of {@code keys} in order, {@code null} if absent.
   *
   * @param keys the keys to read
   * @return a future of the values
   */
  CompletableFuture<List<V>> getMany(List<K> keys);

  /**
   * {@link Level#getMany(List, Snapshot)}: the values of {@code keys} as of {@code snapshot}.
   *
   * @param keys the keys to read
   * @param snapshot from {@link Level#snapshot()} of the same database
   * @return a future of the values
   */
  CompletableFuture<List<V>> getMany(List<K> keys, Snapshot snapshot);

  /**
   * {@link Level#has(Object)}: whether {@code key} is present.
   *
   * @param key the key to look up
   * @return a future of whether it is present
   */
  CompletableFuture<Boolean> has(K key);

  /**
   * {@link Level#put(Object, Object)}: completes once the write is applied.
   *
   * @param key the key to write
   * @param value its new value
   * @return a future that completes when the write is applied
   */
  CompletableFuture<Void> put(K key, V value);

  /**
   * {@link Level#put(Object, Object, WriteOptions)}: completes once the write is applied.
   *
   * @param key the key to write
   * @param value its new value
   * @param options how to write
   * @return a future that completes when the write is applied
   */
  CompletableFuture<Void> put(K key, V value, WriteOptions options);

  /**
   * {@link Level#del(Object)}: completes once the delete is applied.
   *
   * @param key the key to delete
   * @return a future that completes when the delete is applied
   */
  CompletableFuture<Void> del(K key);

  /**
   * {@link Level#batch(List)}: completes once all of {@code ops} are applied, or none.
   *
   * @param ops puts, dels and preconditions
   * @return a future that completes when the batch is applied
   */
  CompletableFuture<Void> batch(List<Op<K, V>> ops);

  /**
   * {@link Level#batch(List, WriteOptions)}: all of {@code ops} or none, with {@code options}.
   *
   * @param ops puts, dels and preconditions
   * @param options how to write
   * @return a future that completes when the batch is applied
   */
  CompletableFuture<Void> batch(List<Op<K, V>> ops, WriteOptions options);

  /**
   * {@link #batch(List, WriteOptions)}, telling whether it wrote: completes with false if {@code
   * options} carry a {@link RequestId} that was applied before (so nothing was written now), else
   * true. Useful to whoever relays writes for others, as a host does.
   *
   * @param ops puts, dels and preconditions
   * @param options how to write, with the request id
   * @return a future of whether the batch was written now
   */
  CompletableFuture<Boolean> batchOnce(List<Op<K, V>> ops, WriteOptions options);

  /**
   * {@link Level#clear(Range)}: completes once the entries {@code range} visits are deleted.
   *
   * @param range which entries to delete
   * @return a future that completes when they are deleted
   */
  CompletableFuture<Void> clear(Range<K> range);
}
