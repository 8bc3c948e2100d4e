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
  CompletableFuture<V> get(K key);

  CompletableFuture<V> get(K key, Snapshot snapshot);

  CompletableFuture<List<V>> getMany(List<K> keys);

  CompletableFuture<Boolean> has(K key);

  CompletableFuture<Void> put(K key, V value);

  CompletableFuture<Void> put(K key, V value, WriteOptions options);

  CompletableFuture<Void> del(K key);

  CompletableFuture<Void> batch(List<Op<K, V>> ops);

  CompletableFuture<Void> batch(List<Op<K, V>> ops, WriteOptions options);

  /**
   * {@link #batch(List, WriteOptions)}, telling whether it wrote: completes with false if {@code
   * options} carry a {@link RequestId} that was applied before (so nothing was written now), else
   * true. Useful to whoever relays writes for others, as a host does.
   */
  CompletableFuture<Boolean> batchOnce(List<Op<K, V>> ops, WriteOptions options);

  CompletableFuture<Void> clear(Range<K> range);
}
