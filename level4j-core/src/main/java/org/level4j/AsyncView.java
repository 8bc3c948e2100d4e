package org.level4j;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The asynchronous face of a {@link View}. Argument errors and a closed database surface as failed
 * futures, never as exceptions thrown by these methods.
 */
final class AsyncView<K, V> implements AsyncLevel<K, V> {
  private final View<K, V> view;

  AsyncView(View<K, V> view) {
    this.view = view;
  }

  @Override
  public CompletableFuture<V> get(K key) {
    return get(key, null);
  }

  @Override
  public CompletableFuture<V> get(K key, Snapshot snapshot) {
    return guard(() -> view.root.readAsync(view.encodeKey(key), snapshot)
        .thenApply(view::decodeValue));
  }

  @Override
  public CompletableFuture<List<V>> getMany(List<K> keys) {
    return getMany(keys, null);
  }

  @Override
  public CompletableFuture<List<V>> getMany(List<K> keys, Snapshot snapshot) {
    return guard(() -> view.root.readManyAsync(view.encodeKeys(keys), snapshot)
        .thenApply(view::decodeValues));
  }

  @Override
  public CompletableFuture<Boolean> has(K key) {
    return guard(() -> view.root.readAsync(view.encodeKey(key), null).thenApply(b -> b != null));
  }

  @Override
  public CompletableFuture<Void> put(K key, V value) {
    return put(key, value, WriteOptions.DEFAULT);
  }

  @Override
  public CompletableFuture<Void> put(K key, V value, WriteOptions options) {
    return guard(() -> view.root.writeAsync(
        List.of(Op.put(view.encodeKey(key), view.encodeValue(value))), options));
  }

  @Override
  public CompletableFuture<Void> del(K key) {
    return guard(() -> view.root.writeAsync(List.of(Op.del(view.encodeKey(key))),
        WriteOptions.DEFAULT));
  }

  @Override
  public CompletableFuture<Void> batch(List<Op<K, V>> ops) {
    return batch(ops, WriteOptions.DEFAULT);
  }

  @Override
  public CompletableFuture<Void> batch(List<Op<K, V>> ops, WriteOptions options) {
    return guard(() -> view.root.writeAsync(new ArrayList<>(view.encodeOps(ops)), options));
  }

  @Override
  public CompletableFuture<Boolean> batchOnce(List<Op<K, V>> ops, WriteOptions options) {
    return guard(() -> view.root.writeOnceAsync(new ArrayList<>(view.encodeOps(ops)), options));
  }

  @Override
  public CompletableFuture<Void> clear(Range<K> range) {
    return guard(() -> view.root.clearAsync(view, range));
  }

  private static <T> CompletableFuture<T> guard(Supplier<CompletableFuture<T>> op) {
    try {
      return op.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
