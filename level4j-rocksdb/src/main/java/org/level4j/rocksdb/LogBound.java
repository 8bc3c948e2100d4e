package org.level4j.rocksdb;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.FlushOptions;
import org.rocksdb.MemTableInfo;
import org.rocksdb.DBOptionsInterface;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * Keeps the write-ahead log that a crash leaves to replay short ({@link
 * RocksOptions#flushAfter()}): a write buffer that has held at least {@link #MIN_ENTRIES} entries
 * for longer than the limit is flushed, without waiting for the flush, from a shared daemon
 * thread.
 *
 * <p>Why: RocksDB replays every unflushed entry when it opens after a crash, about a microsecond
 * each on the machines measured, and a RaveLevel follower that takes over from a killed leader
 * does that before it answers anyone. Small puts at a few followers' pace fill a 2 MiB buffer in
 * about a second, so a takeover replayed up to 14,000 entries; with RaveLevel's limit of 40 ms
 * it replays a few thousand at most. A smaller buffer would bound the replay too, but costs bulk
 * writers (measured: 1 MiB cost a leader's batch_put_1000 about 15%). Their buffers fill faster
 * than the limit and are flushed when full, as before: a buffer's age counts from when RocksDB
 * sealed the one before it (a listener on {@code onMemTableSealed}), so a buffer younger than the
 * limit is never flushed early.
 *
 * <p>Threads: the listener runs on RocksDB's threads, the check on {@link TimedWork}'s timer
 * thread, under the engine's release lock.
 */
final class LogBound extends TimedWork implements AutoCloseable {
  /** Fewer unflushed entries than this replay in under a millisecond: not worth a table file. */
  static final long MIN_ENTRIES = 1000;

  private final long limitNanos;
  private final FlushOptions flush = new FlushOptions().setWaitForFlush(false)
      .setAllowWriteStall(true);
  private final Sealed sealed = new Sealed();

  /** {@code release} is the engine's release lock (read side). */
  LogBound(long limitNanos, Lock release) {
    super(release);
    this.limitNanos = limitNanos;
  }

  /** Adds the listener to the options RocksDB will open with. */
  void listenOn(DBOptionsInterface<?> options) {
    options.setListeners(List.of(sealed));
  }

  /** Starts checking {@code db}, opened with the options given to the constructor. */
  void start(RocksDB db) {
    sealed.since = System.nanoTime();
    every(db, Math.max(limitNanos / 4, TimeUnit.MILLISECONDS.toNanos(5)));
  }

  @Override
  void run(RocksDB db) throws RocksDBException {
    if (System.nanoTime() - sealed.since < limitNanos) {
      return;
    }
    if (db.getLongProperty("rocksdb.num-entries-active-mem-table") >= MIN_ENTRIES) {
      sealed.since = System.nanoTime(); // the flush seals the buffer; don't ask twice meanwhile
      db.flush(flush);
    }
    // A failure loses nothing: the buffer is flushed when full, as without a limit.
  }

  /** Frees the native objects; only after the database that used them has closed. */
  @Override
  public void close() {
    stop();
    flush.close();
    sealed.close();
  }

  /** When the default column family's current write buffer began: RocksDB sealed the last. */
  private static final class Sealed extends AbstractEventListener {
    volatile long since = System.nanoTime();

    Sealed() {
      super(EnabledEventCallback.ON_MEMTABLE_SEALED);
    }

    @Override
    public void onMemTableSealed(MemTableInfo info) {
      if ("default".equals(info.getColumnFamilyName())) {
        since = System.nanoTime();
      }
    }
  }
}
