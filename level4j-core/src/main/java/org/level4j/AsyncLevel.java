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
  /** {@link Level#get(Object)}: completes with the value at {@code key}, or {@code null}. */
  CompletableFuture<V> get(K key);

  /** {@link Level#get(Object, Snapshot)}: the value at {@code key} as of {@code snapshot}. */
  CompletableFuture<V> get(K key, Snapshot snapshot);

  /** {@link Level#getMany(List)}: the values of {@code keys} in order, {@code null} if absent. */
  CompletableFuture<List<V>> getMany(List<K> keys);

  /** {@link Level#has(Object)}: whether {@code key} is present. */
  CompletableFuture<Boolean> has(K key);

  /** {@link Level#put(Object, Object)}: completes once the write is applied. */
  CompletableFuture<Void> put(K key, V value);

  /** {@link Level#put(Object, Object, WriteOptions)}: completes once the write is applied. */
  CompletableFuture<Void> put(K key, V value, WriteOptions options);

  /** {@link Level#del(Object)}: completes once the delete is applied. */
  CompletableFuture<Void> del(K key);

  /** {@link Level#batch(List)}: completes once all of {@code ops} are applied, or none. */
  CompletableFuture<Void> batch(List<Op<K, V>> ops);

  /** {@link Level#batch(List, WriteOptions)}: all of {@code ops} or none, with {@code options}. */
  CompletableFuture<Void> batch(List<Op<K, V>> ops, WriteOptions options);

  /**
   * {@link #batch(List, WriteOptions)}, telling whether it wrote: completes with false if {@code
   * options} carry a {@link RequestId} that was applied before (so nothing was written now), else
   * true. Useful to whoever relays writes for others, as a host does.
   */
  CompletableFuture<Boolean> batchOnce(List<Op<K, V>> ops, WriteOptions options);

  /** {@link Level#clear(Range)}: completes once the entries {@code range} visits are deleted. */
  CompletableFuture<Void> clear(Range<K> range);
}
