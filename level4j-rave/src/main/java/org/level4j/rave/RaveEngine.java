package org.level4j.rave;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.RequestId;
import org.level4j.Supports;
import org.level4j.spi.Databases;
import org.level4j.spi.Engine;
import org.level4j.spi.EngineIterator;
import org.level4j.spi.EngineSnapshot;
import org.level4j.spi.RemoteEngine;

/**
 * The engine behind one {@link RaveLevel} handle: it sends each operation to where the data is
 * now, the leader's RocksDB database when this process leads, else the guest connected to the
 * leader, engine to engine ({@link Databases#engine}: that database's gate, and no second round
 * of codecs, hooks and listeners). The switch is per operation, so a follower promoted to leader
 * runs new operations directly while those it had already sent complete through its guest (which
 * reconnects to its own host in memory).
 */
final class RaveEngine implements RemoteEngine {
  /**
   * Conditional batches and request ids work in both roles: the leader's RocksDB checks and
   * records them, and a follower's guest sends them with a request id of its own, so a batch
   * re-sent to a new leader after a failover is applied once. Explicit snapshots too: the
   * leader's RocksDB holds them, for a follower through its guest.
   */
  private static final Supports SUPPORTS = Supports.all().withSyncWrites(false);
  /**
   * A follower of a leader that holds no snapshots for its guests and has no change feed (a Node
   * rave-level one).
   */
  private static final Supports WITHOUT_SNAPSHOTS =
      SUPPORTS.withExplicitSnapshots(false).withChangeFeed(false);

  private final Presence presence;
  private boolean opened;

  RaveEngine(Presence presence) {
    this.presence = presence;
  }

  @Override
  public void open() {
    if (opened) {
      throw new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED,
          "a RaveLevel cannot be reopened after close(); open a new one with RaveLevel.open(dir)");
    }
    opened = true;
  }

  @Override
  public void close() {
    presence.release();
  }

  @Override
  public Supports supports() {
    Database d;
    try {
      d = presence.target();
    } catch (LevelException closed) {
      return SUPPORTS;
    }
    Supports t = d.supports();
    if (t.explicitSnapshots() == t.changeFeed()) {
      return t.changeFeed() ? SUPPORTS : WITHOUT_SNAPSHOTS;
    }
    return SUPPORTS.withExplicitSnapshots(t.explicitSnapshots()).withChangeFeed(t.changeFeed());
  }

  /** The engine to call now: the target database, seen as an engine. */
  private Engine target() {
    return Databases.engine(presence.target());
  }

  /** The target, seen as an engine; with a snapshot, only while it is the snapshot's database. */
  private Engine target(EngineSnapshot snapshot) {
    Database d = presence.target();
    if (snapshot != null) {
      ((RaveSnapshot) snapshot).checkStill(d);
    }
    return Databases.engine(d);
  }

  private static EngineSnapshot of(EngineSnapshot snapshot) {
    return snapshot == null ? null : ((RaveSnapshot) snapshot).snapshot;
  }

  @Override
  public CompletableFuture<byte[]> getAsync(byte[] key, EngineSnapshot snapshot) {
    try {
      return target(snapshot).getAsync(key, of(snapshot));
    } catch (LevelException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<List<byte[]>> getManyAsync(List<byte[]> keys, EngineSnapshot snapshot) {
    try {
      return target(snapshot).getManyAsync(keys, of(snapshot));
    } catch (LevelException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Void> writeAsync(List<Op<byte[], byte[]>> ops, boolean sync) {
    return target().writeAsync(ops, sync);
  }

  @Override
  public CompletableFuture<Boolean> writeAsync(List<Op<byte[], byte[]>> ops, boolean sync,
      RequestId request) {
    return target().writeAsync(ops, sync, request);
  }

  @Override
  public CompletableFuture<Void> clearAsync(Range<byte[]> range) {
    return target().clearAsync(range);
  }

  @Override
  public EngineIterator iterator(Range<byte[]> range, boolean keys, boolean values,
      EngineSnapshot snapshot) {
    return target(snapshot).iterator(range, keys, values, of(snapshot));
  }

  /**
   * The leader's revision: RocksDB's sequence number, which a new leader continues, since it
   * opens the same RocksDB.
   */
  @Override
  public long revision() {
    return target().revision();
  }

  /**
   * A feed of the current target: the leader's RocksDB in the leader, else the guest's feed,
   * which subscribes again from where it was after every reconnection, to whichever process
   * leads then (this one too, once it took over: its guest then reconnects to its own host).
   */
  @Override
  public org.level4j.ChangeFeed changes(Range<byte[]> range, long fromRevision,
      org.level4j.ChangeListener listener) {
    return target().changes(range, fromRevision, listener);
  }

  /** A snapshot of the current target: the leader's RocksDB, held here or for this guest. */
  @Override
  public EngineSnapshot snapshot() {
    Database d = presence.target();
    return new RaveSnapshot(d, Databases.engine(d).snapshot());
  }
}
