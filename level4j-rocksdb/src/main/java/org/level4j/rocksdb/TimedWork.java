package org.level4j.rocksdb;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * Work that one shared daemon thread ({@code level4j-rocksdb-timer}) does on an open database,
 * later or every so often: {@link LogBound}'s flushes and {@link CompactionHold}'s release.
 *
 * <p>Threads: {@link #run} is called on the timer thread holding the engine's release lock (read
 * side), and never after {@link #stop}, which the engine calls under the write side before it
 * closes RocksDB; so the work never meets a closed database. A failure of the work is passed to
 * {@link #failed} and ends nothing else.
 */
abstract class TimedWork {
  private static final ScheduledExecutorService TIMER = timer("level4j-rocksdb-timer");

  private final Lock release;
  /** Set by once and every, cleared by stop (under the release lock's write side too). */
  private volatile RocksDB db;
  private ScheduledFuture<?> task; // guarded by this

  /** {@code release} is the engine's release lock (read side). */
  TimedWork(Lock release) {
    this.release = release;
  }

  /** The work, on {@code db}, which is open. */
  abstract void run(RocksDB db) throws RocksDBException;

  /** What to do when {@link #run} failed; nothing, unless a subclass says otherwise. */
  void failed(Exception e) {}

  /** Runs the work once on {@code db}, after {@code delayNanos}. */
  final synchronized void once(RocksDB db, long delayNanos) {
    this.db = db;
    task = TIMER.schedule(this::runLocked, delayNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Runs the work once more, after {@code delayNanos}, on the database it last ran on, unless
   * stopped meanwhile. Any thread may call it.
   */
  final synchronized void again(long delayNanos) {
    if (db != null) {
      task = TIMER.schedule(this::runLocked, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Runs the work on {@code db} every {@code periodNanos}, from the end of one run. */
  final synchronized void every(RocksDB db, long periodNanos) {
    this.db = db;
    task = TIMER.scheduleWithFixedDelay(this::runLocked, periodNanos, periodNanos,
        TimeUnit.NANOSECONDS);
  }

  private void runLocked() {
    if (!release.tryLock()) {
      return; // closing
    }
    try {
      RocksDB d = db;
      if (d != null) {
        run(d);
      }
    } catch (RocksDBException | RuntimeException e) {
      failed(e);
    } finally {
      release.unlock();
    }
  }

  /** Stops the work; called under the release lock's write side, before RocksDB closes. */
  final synchronized void stop() {
    db = null;
    if (task != null) {
      task.cancel(false);
    }
  }

  /** A timer of one daemon thread named {@code name}, which forgets cancelled tasks at once. */
  static ScheduledExecutorService timer(String name) {
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
      Thread th = new Thread(r, name);
      th.setDaemon(true);
      return th;
    });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }
}
