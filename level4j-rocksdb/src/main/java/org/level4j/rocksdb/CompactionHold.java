package org.level4j.rocksdb;

import java.util.List;
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
 * The release runs on {@link TimedWork}'s timer thread, under the engine's release lock.
 */
final class CompactionHold extends TimedWork {
  static final long HOLD_MILLIS = 250;
  /** Off switch, for measuring the difference again: {@code -Dlevel4j.compactionHold=false}. */
  static final String PROPERTY = "level4j.compactionHold";

  private List<ColumnFamilyHandle> families;

  private CompactionHold(Lock release) {
    super(release);
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
    this.families = families;
    once(db, TimeUnit.MILLISECONDS.toNanos(HOLD_MILLIS));
  }

  @Override
  void run(RocksDB db) throws RocksDBException {
    db.enableAutoCompaction(families);
  }

  @Override
  void failed(Exception e) {
    // Never seen: RocksDB refused to change a live option. Nothing is lost, but table files now
    // pile up (reads slow down) until the next open, so say so.
    System.getLogger("org.level4j.rocksdb").log(System.Logger.Level.WARNING,
        "could not turn RocksDB's automatic compactions back on after opening", e);
  }
}
