package org.level4j.rocksdb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * <p>When the check runs: while writes arrive, when the current buffer reaches the limit's age
 * (a buffer past it with fewer than {@link #MIN_ENTRIES} entries is looked at again every quarter
 * of the limit, at least 5 ms, until it has them); while none arrive, not at all: a check that
 * finds nothing written since it last decided schedules no other, and the next write wakes it
 * ({@link #written}). It first reads RocksDB's latest sequence number (one cheap native call),
 * and asks for the buffer's entry count only when something was written since it last decided.
 * Measured on an idle {@code level4j serve}, 25 to 35 s after it started, two alternated pairs:
 * its timer thread took 82 and 132 ms of CPU per 10 s checking every 10 ms, 30 and 31 ms checking
 * once per limit when quiet (perf of it: 62% of its samples in the interpreter, which runs the
 * scheduler's code and this check at so low a rate); the whole process 94 and 146 against 46 ms.
 * About 100 µs of CPU a wake, 25 wakes a second at RaveLevel's 40 ms: on a busy machine each
 * took a processor from a thread polling for its peer's answer for that long (traced under
 * FollowerFloor.followerGet, reads only: 44 times in 2 s the leader's timer thread held the
 * follower's processor for over 100 µs, so its poll ran out and it slept). Under a follower's
 * sequential puts, waking at the buffer's deadline instead of every quarter of the limit took
 * the timer thread from 50 to 97 ms of CPU per 100,000 puts (median 65, 9 runs) to 41 to 48 ms
 * (median 44, 8 runs, alternated with those), and it flushes a buffer when it reaches the
 * limit's age rather than up to a quarter of the limit later (measured with {@code level4j
 * serve} and a follower's {@code bench --n 100000 --phases put_seq}, the thread's CPU from
 * /proc). A write after a quiet
 * spell wakes the check at once; the buffer it lands in is already older than the limit, so it is
 * flushed as soon as it holds {@link #MIN_ENTRIES} entries.
 *
 * <p>Threads: the listener runs on RocksDB's threads, the check on {@link TimedWork}'s timer
 * thread, under the engine's release lock; the fields below only on the timer thread, but {@code
 * idle}, which writers read and clear.
 */
final class LogBound extends TimedWork implements AutoCloseable {
  /** Fewer unflushed entries than this replay in under a millisecond: not worth a table file. */
  static final long MIN_ENTRIES = 1000;

  private final long limitNanos;
  /** The time between checks of a buffer past the limit with too few entries to flush. */
  private final long recheckNanos;
  /** RocksDB's latest sequence number when the check last decided; -1 before the first. */
  private long decidedAt = -1;
  private final FlushOptions flush = new FlushOptions().setWaitForFlush(false)
      .setAllowWriteStall(true);
  private final Sealed sealed = new Sealed();
  /** The check sleeps until a write (see sleepUntilWritten); any thread. */
  private volatile boolean idle;
  private volatile long checks; // written by the timer thread only
  private static final VarHandle IDLE;

  static {
    try {
      IDLE = MethodHandles.lookup().findVarHandle(LogBound.class, "idle", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** {@code release} is the engine's release lock (read side). */
  LogBound(long limitNanos, Lock release) {
    super(release);
    this.limitNanos = limitNanos;
    this.recheckNanos = Math.max(limitNanos / 4, TimeUnit.MILLISECONDS.toNanos(5));
  }

  /** Adds the listener to the options RocksDB will open with. */
  void listenOn(DBOptionsInterface<?> options) {
    options.setListeners(List.of(sealed));
  }

  /** Starts checking {@code db}, opened with the options given to the constructor. */
  void start(RocksDB db) {
    sealed.since = System.nanoTime();
    once(db, recheckNanos);
  }

  @Override
  void run(RocksDB db) throws RocksDBException {
    checks++;
    long sequence = db.getLatestSequenceNumber();
    if (sequence == decidedAt) {
      if (sleepUntilWritten(db)) {
        return;
      }
      sequence = db.getLatestSequenceNumber();
    }
    long next = limitNanos; // after a flush: the next buffer's age
    try {
      long age = System.nanoTime() - sealed.since;
      if (age < limitNanos) {
        next = limitNanos - age; // when the current buffer reaches the limit
      } else {
        decidedAt = sequence;
        if (db.getLongProperty("rocksdb.num-entries-active-mem-table") >= MIN_ENTRIES) {
          // The flush seals the buffer: don't ask twice meanwhile.
          sealed.since = System.nanoTime();
          db.flush(flush);
        } else {
          next = recheckNanos; // old but small: look again until it holds enough to flush
        }
      }
      // A failure loses nothing: the buffer is flushed when full, as without a limit.
    } finally {
      once(db, next);
    }
  }

  /**
   * Nothing was written since the check last decided: no check is scheduled until a write
   * ({@link #written}). True if the check sleeps now; false if a write came meanwhile and this
   * thread is to decide at once.
   *
   * <p>Why the handshake is enough: this thread sets {@code idle}, then reads the sequence number;
   * a writer advances the sequence number, then (after a full fence) reads {@code idle}. One of
   * the two sees the other's write, and the compare-and-set lets exactly one act on it.
   */
  private boolean sleepUntilWritten(RocksDB db) {
    idle = true;
    return db.getLatestSequenceNumber() == decidedAt || !IDLE.compareAndSet(this, true, false);
  }

  /**
   * Called after every write to the database: wakes a check that sleeps because nothing was
   * written (a volatile read per write otherwise).
   */
  void written() {
    VarHandle.fullFence(); // the write's sequence number before the read of idle (see above)
    if (idle && IDLE.compareAndSet(this, true, false)) {
      again(0);
    }
  }

  /** How many times the check ran, for tests. */
  long checks() {
    return checks;
  }

  /** Whether the check sleeps until the next write (see sleepUntilWritten), for tests. */
  boolean sleeps() {
    return idle;
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
