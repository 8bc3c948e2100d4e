package org.level4j.rocksdb;

import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * Holds RocksDB's automatic compactions back for the first {@link #HOLD_MILLIS} ms after an
 * open, then lets them run as configured. Manual compactions ({@code compactRange}) are not held.
 *
 * <p>Why: RocksDB starts a compaction as soon as it opens a directory whose newest level holds
 * enough table files, and a RaveLevel leader killed mid-run leaves such directories: it flushes
 * small buffers often ({@link RocksOptions#flushAfter()}). The follower that takes over opens the
 * directory and then answers every waiting follower's first requests; traced with perf on two
 * cores during such takeovers, a compaction started by the open took about 15 ms of processor time
 * within the outage, a processor those first answers needed. A quarter of a second later the
 * followers are served and the compaction costs nobody's wait; the table files that arrive in
 * between are far below RocksDB's thresholds for slowing writes.
 *
 * <p>Not applied when the user's {@link RocksOptions#adjust()} turned automatic compactions off.
 * Threads: {@link #start} schedules the release on {@link LogBound}'s timer thread; the release
 * holds the engine's release lock (read side), and the engine stops this under the write side
 * before it closes RocksDB, so the release never meets a closed database.
 */
final class CompactionHold {
  static final long HOLD_MILLIS = 250;
  /** Off switch, for measuring the difference again: {@code -Dlevel4j.compactionHold=false}. */
  static final String PROPERTY = "level4j.compactionHold";

  private final Lock release;
  private RocksDB db; // set by start, cleared by stop, both under the release lock's write side
  private List<ColumnFamilyHandle> families;
  private ScheduledFuture<?> task;

  private CompactionHold(Lock release) {
    this.release = release;
  }

  /**
   * Turns automatic compactions off in {@code o} if they are on, and returns the hold that turns
   * them back on once {@link #start started}; null if there is nothing to hold. Call it after
   * every other change to {@code o}.
   */
  static CompactionHold before(Options o, Lock release) {
    if (o.disableAutoCompactions() || "false".equals(System.getProperty(PROPERTY))) {
      return null;
    }
    o.setDisableAutoCompactions(true);
    return new CompactionHold(release);
  }

  /** Schedules turning compactions of {@code families} of {@code db} back on. */
  void start(RocksDB db, List<ColumnFamilyHandle> families) {
    this.db = db;
    this.families = families;
    task = LogBound.TIMER.schedule(this::end, HOLD_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void end() {
    if (!release.tryLock()) {
      return; // closing
    }
    try {
      RocksDB d = db;
      if (d != null) {
        d.enableAutoCompaction(families);
      }
    } catch (RocksDBException | RuntimeException e) {
      // Never seen: RocksDB refused to change a live option. Nothing is lost, but table files
      // now pile up (reads slow down) until the next open, so say so.
      System.getLogger("org.level4j.rocksdb").log(System.Logger.Level.WARNING,
          "could not turn RocksDB's automatic compactions back on after opening", e);
    } finally {
      release.unlock();
    }
  }

  /** Cancels the release; called under the release lock's write side, before RocksDB closes. */
  void stop() {
    db = null;
    if (task != null) {
      task.cancel(false);
    }
  }
}
