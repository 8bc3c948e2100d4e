package org.level4j.rave;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.ErrorCode;
import org.level4j.Level;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.RequestId;
import org.level4j.Snapshot;
import org.level4j.Supports;
import org.level4j.spi.EngineIterator;
import org.level4j.spi.EngineSnapshot;
import org.level4j.spi.RemoteEngine;

/**
 * The engine behind one {@link RaveLevel} handle: it sends each operation to where the data is
 * now, the leader's RocksDB database when this process leads, else the guest connected to the
 * leader. The switch is per operation, so a follower promoted to leader runs new operations
 * directly while those it had already sent complete through its guest (which reconnects to its
 * own host in memory).
 */
final class RaveEngine implements RemoteEngine {
  /**
   * Conditional batches and request ids work in both roles: the leader's RocksDB checks and
   * records them, and a follower's guest sends them with a request id of its own, so a batch
   * re-sent to a new leader after a failover is applied once. Explicit snapshots too: the
   * leader's RocksDB holds them, for a follower through its guest.
   */
  private static final Supports SUPPORTS = Supports.all().withSyncWrites(false);
  /** A follower of a leader that holds no snapshots for its guests (a Node rave-level one). */
  private static final Supports WITHOUT_SNAPSHOTS =
      SUPPORTS.withExplicitSnapshots(false);

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
    return d.supports().explicitSnapshots() ? SUPPORTS : WITHOUT_SNAPSHOTS;
  }

  /** The database to read: {@code snapshot}'s, if it is still the target, else the target. */
  private Level<byte[], byte[]> target(EngineSnapshot snapshot) {
    Database d = presence.target();
    if (snapshot != null) {
      ((RaveSnapshot) snapshot).checkStill(d);
    }
    return d.bytes();
  }

  private static Snapshot of(EngineSnapshot snapshot) {
    return snapshot == null ? null : ((RaveSnapshot) snapshot).snapshot;
  }

  private Level<byte[], byte[]> target() {
    Database d = presence.target();
    return d.bytes();
  }

  @Override
  public byte[] get(byte[] key, EngineSnapshot snapshot) {
    return LevelException.join(getAsync(key, snapshot));
  }

  @Override
  public CompletableFuture<byte[]> getAsync(byte[] key, EngineSnapshot snapshot) {
    try {
      return target(snapshot).async().get(key, of(snapshot));
    } catch (LevelException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<List<byte[]>> getManyAsync(List<byte[]> keys, EngineSnapshot snapshot) {
    try {
      return target(snapshot).async().getMany(keys, of(snapshot));
    } catch (LevelException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void write(List<Op<byte[], byte[]>> ops, boolean sync) {
    LevelException.join(writeAsync(ops, sync));
  }

  @Override
  public CompletableFuture<Void> writeAsync(List<Op<byte[], byte[]>> ops, boolean sync) {
    return target().async().batch(ops, sync ? org.level4j.WriteOptions.SYNC
        : org.level4j.WriteOptions.DEFAULT);
  }

  @Override
  public boolean write(List<Op<byte[], byte[]>> ops, boolean sync, RequestId request) {
    return LevelException.join(writeAsync(ops, sync, request));
  }

  @Override
  public CompletableFuture<Boolean> writeAsync(List<Op<byte[], byte[]>> ops, boolean sync,
      RequestId request) {
    org.level4j.WriteOptions o = sync ? org.level4j.WriteOptions.SYNC
        : org.level4j.WriteOptions.DEFAULT;
    return target().async().batchOnce(ops, o.withRequest(request));
  }

  @Override
  public void clear(Range<byte[]> range) {
    LevelException.join(clearAsync(range));
  }

  @Override
  public CompletableFuture<Void> clearAsync(Range<byte[]> range) {
    return target().async().clear(range);
  }

  @Override
  public EngineIterator iterator(Range<byte[]> range, boolean keys, boolean values,
      EngineSnapshot snapshot) {
    Level<byte[], byte[]> t = target(snapshot);
    Snapshot s = of(snapshot);
    if (keys && !values) {
      LevelIterator<byte[], byte[]> it = t.keys(range, s);
      return new Adapter<>(it, true);
    }
    if (values && !keys) {
      LevelIterator<byte[], byte[]> it = t.values(range, s);
      return new Adapter<>(it, false);
    }
    return new Adapter<>(t.iterator(range, s), true);
  }

  /** A snapshot of the current target: the leader's RocksDB, held here or for this guest. */
  @Override
  public EngineSnapshot snapshot() {
    Database d = presence.target();
    return new RaveSnapshot(d, d.bytes().snapshot());
  }

  /** An iterator of the target database seen as an engine iterator. */
  private static final class Adapter<T> implements EngineIterator {
    private final LevelIterator<byte[], T> it;
    private final boolean isKey;

    Adapter(LevelIterator<byte[], T> it, boolean isKey) {
      this.it = it;
      this.isKey = isKey;
    }

    @Override
    public List<Entry<byte[], byte[]>> nextv(int max) {
      return LevelException.join(nextvAsync(max));
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<List<Entry<byte[], byte[]>>> nextvAsync(int max) {
      return it.nextvAsync(max).thenApply(items -> {
        if (items.isEmpty() || items.get(0) instanceof Entry) {
          return (List<Entry<byte[], byte[]>>) (List<?>) items;
        }
        List<Entry<byte[], byte[]>> out = new java.util.ArrayList<>(items.size());
        for (T t : items) {
          byte[] b = (byte[]) t;
          out.add(isKey ? new Entry<>(b, null) : new Entry<>(null, b));
        }
        return out;
      });
    }

    @Override
    public void seek(byte[] target) {
      it.seek(target);
    }

    @Override
    public void close() {
      it.close();
    }
  }
}
