package org.level4j;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.level4j.spi.EngineIterator;
import org.level4j.spi.EngineSnapshot;
import org.level4j.spi.RemoteEngine;

/**
 * An open database seen as an engine, for an engine that delegates to it (a RaveLevel to the
 * database that is its target now): every call goes through the database's gate straight to its
 * engine, with no codecs, no hooks, no listeners. Its snapshots and iterators are the database's,
 * closed with it. It neither opens nor closes the database: whoever opened it closes it.
 *
 * <p>It is a {@link RemoteEngine}: its sync calls wait on the async ones, which a local engine
 * completes at once, so it serves a remote database (a guest) without waiting under its gate.
 */
final class EngineView implements RemoteEngine {
  /** Stands for a snapshot that is not a database's: the gate refuses it. */
  private static final Snapshot FOREIGN = () -> { };

  private final Root root;

  EngineView(Root root) {
    this.root = root;
  }

  @Override
  public void open() {
    // the database is open already; its owner opened it
  }

  @Override
  public void close() {
    // its owner closes the database
  }

  @Override
  public long revision() {
    return root.revision();
  }

  @Override
  public ChangeFeed changes(Range<byte[]> range, long fromRevision, ChangeListener listener) {
    return root.changes(range, fromRevision, listener);
  }

  @Override
  public Supports supports() {
    return root.engineSupports();
  }

  @Override
  public CompletableFuture<byte[]> getAsync(byte[] key, EngineSnapshot snapshot) {
    try {
      return root.readAsync(key, held(snapshot));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<List<byte[]>> getManyAsync(List<byte[]> keys,
      EngineSnapshot snapshot) {
    try {
      return root.readManyAsync(keys, held(snapshot));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Void> writeAsync(List<Op<byte[], byte[]>> ops, boolean sync) {
    try {
      return root.engineWriteAsync(ops, sync);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Boolean> writeAsync(List<Op<byte[], byte[]>> ops, boolean sync,
      RequestId request) {
    try {
      return root.engineWriteAsync(ops, sync, request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Void> clearAsync(Range<byte[]> range) {
    try {
      return root.clearAsync(range);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public EngineIterator iterator(Range<byte[]> range, boolean keys, boolean values,
      EngineSnapshot snapshot) {
    return root.engineIterator(range, keys, values, held(snapshot));
  }

  /** A snapshot of the database, held by it (and closed with it). */
  @Override
  public EngineSnapshot snapshot() {
    return (HeldSnapshot) root.takeSnapshot();
  }

  /** {@code snapshot} as the database's own; one of another database is refused by the gate. */
  private static Snapshot held(EngineSnapshot snapshot) {
    return snapshot == null ? null : snapshot instanceof Snapshot s ? s : FOREIGN;
  }
}
