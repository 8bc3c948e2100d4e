package org.level4j;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Batch} collecting encoded operations. The same class serves a user's chained batch
 * ({@code sink == null}: {@link #write()} sends it) and the batch a {@link PrewriteHook} adds to
 * ({@code sink} is the write in progress, and {@code write()} is not allowed).
 */
final class ChainedBatch<K, V> implements Batch<K, V> {
  private final View<K, V> view;
  private final List<Op<byte[], byte[]>> sink;
  private List<Op<byte[], byte[]>> ops = new ArrayList<>();
  /** Set by this batch's own thread, or by {@link Root#close} from any thread. */
  private volatile boolean done;

  ChainedBatch(View<K, V> view, List<Op<byte[], byte[]>> sink) {
    this.view = view;
    this.sink = sink;
    if (sink != null) {
      this.ops = sink;
    }
  }

  /** Closed by its database's {@code close()}, as abstract-level closes attached batches. */
  void discard() {
    done = true;
  }

  @Override
  public Batch<K, V> put(K key, V value) {
    return putInto(view, key, value);
  }

  @Override
  public Batch<K, V> del(K key) {
    return delFrom(view, key);
  }

  @Override
  public Batch<K, V> expect(K key, V value) {
    return add(Op.expect(view.encodeKey(key), view.encodeValue(value)));
  }

  @Override
  public Batch<K, V> expectAbsent(K key) {
    return add(Op.expectAbsent(view.encodeKey(key)));
  }

  @Override
  public <K2, V2> Batch<K, V> put(Level<K2, V2> level, K2 key, V2 value) {
    return putInto(sameDatabase(level), key, value);
  }

  @Override
  public <K2, V2> Batch<K, V> del(Level<K2, V2> level, K2 key) {
    return delFrom(sameDatabase(level), key);
  }

  /** A put into {@code target}, this batch's own view or another of its database. */
  private <K2, V2> Batch<K, V> putInto(View<K2, V2> target, K2 key, V2 value) {
    return add(Op.put(target.encodeKey(key), target.encodeValue(value)));
  }

  private <K2, V2> Batch<K, V> delFrom(View<K2, V2> target, K2 key) {
    return add(Op.del(target.encodeKey(key)));
  }

  @Override
  public int length() {
    return ops.size();
  }

  @Override
  public Batch<K, V> clear() {
    checkUsable();
    ops.clear();
    return this;
  }

  @Override
  public void write() {
    write(WriteOptions.DEFAULT);
  }

  @Override
  public void write(WriteOptions options) {
    if (sink != null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "a hook's batch is written with the write that called the hook; do not write() it");
    }
    checkUsable();
    done = true;
    view.root.forget(this);
    view.root.write(ops, options);
  }

  @Override
  public void close() {
    if (sink == null) {
      done = true;
      view.root.forget(this);
    }
  }

  private Batch<K, V> add(Op<byte[], byte[]> op) {
    checkUsable();
    ops.add(op);
    return this;
  }

  private void checkUsable() {
    if (done) {
      throw new LevelException(ErrorCode.LEVEL_BATCH_NOT_OPEN, "this batch was already written "
          + "or closed (or its database was closed); start a new one with batch()");
    }
  }

  private <K2, V2> View<K2, V2> sameDatabase(Level<K2, V2> level) {
    View<K2, V2> other = View.unwrap(level);
    if (other == null || other.root != view.root) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "a batch can only write to sublevels of its own database");
    }
    return other;
  }
}
