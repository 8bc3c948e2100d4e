package org.level4j.rocksdb;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
 * <p>Threads: the listener runs on RocksDB's threads, {@link #check} on the shared timer thread;
 * the check holds the engine's release lock (read side) and the engine stops this under the
 * write side before it closes RocksDB, so a check never meets a closed database.
 */
final class LogBound implements AutoCloseable {
  /** Fewer unflushed entries than this replay in under a millisecond: not worth a table file. */
  static final long MIN_ENTRIES = 1000;

  /** The daemon thread that runs these checks, shared with {@link CompactionHold}. */
  static final ScheduledExecutorService TIMER = timer();

  private final long limitNanos;
  private final Lock release;
  private final FlushOptions flush = new FlushOptions().setWaitForFlush(false)
      .setAllowWriteStall(true);
  private final Sealed sealed = new Sealed();
  private RocksDB db; // set by start, cleared by stop, both under the release lock's write side
  private ScheduledFuture<?> task;

  /** {@code release} is the engine's release lock (read side). */
  LogBound(long limitNanos, Lock release) {
    this.limitNanos = limitNanos;
    this.release = release;
  }

  /** Adds the listener to the options RocksDB will open with. */
  void listenOn(DBOptionsInterface<?> options) {
    options.setListeners(List.of(sealed));
  }

  /** Starts checking {@code db}, opened with the options given to the constructor. */
  void start(RocksDB db) {
    this.db = db;
    sealed.since = System.nanoTime();
    long period = Math.max(limitNanos / 4, TimeUnit.MILLISECONDS.toNanos(5));
    task = TIMER.scheduleWithFixedDelay(this::check, period, period, TimeUnit.NANOSECONDS);
  }

  private void check() {
    if (!release.tryLock()) {
      return; // closing
    }
    try {
      RocksDB d = db;
      if (d == null || System.nanoTime() - sealed.since < limitNanos) {
        return;
      }
      if (d.getLongProperty("rocksdb.num-entries-active-mem-table") >= MIN_ENTRIES) {
        sealed.since = System.nanoTime(); // the flush seals the buffer; don't ask twice meanwhile
        d.flush(flush);
      }
    } catch (RocksDBException | RuntimeException e) {
      // Nothing lost: the buffer is flushed when full, as without a limit.
    } finally {
      release.unlock();
    }
  }

  /** Stops checking; called under the release lock's write side, before RocksDB closes. */
  void stop() {
    db = null;
    if (task != null) {
      task.cancel(false);
    }
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

  private static ScheduledExecutorService timer() {
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
      Thread th = new Thread(r, "level4j-rocksdb-flush-after");
      th.setDaemon(true);
      return th;
    });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }
}
