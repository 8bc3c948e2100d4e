package org.level4j.rave;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * RocksDB's {@code LOCK} file of a directory, held by the leader from before RocksDB opens until
 * after it has closed, so that a process outside level4j's election finds the directory locked
 * the moment this process has won the election.
 *
 * <p>The process it keeps out is a Node {@code rave-level} follower. When its leader's socket
 * ends, it tries to lead by opening the directory with LevelDB, which locks the same {@code LOCK}
 * file. Had it won that race, LevelDB would read RocksDB's files as its own and fail (the follower
 * dies with {@code LEVEL_CORRUPTION}, changing nothing: see {@link LevelDbGuard}); finding the file
 * locked, it connects to the new leader's
 * socket instead, as rave-level does for any leader. Our election is won in the kernel the moment
 * the old leader dies (see {@link Seat}), and this lock is taken next, without waiting for
 * RocksDB, so a Node follower, which only starts its attempt after it noticed the old leader's
 * socket close, finds it taken.
 *
 * <p>POSIX locks belong to a process, not to a channel: RocksDB's own lock on the same file in
 * this process succeeds, and closing any channel on the file releases both. So this guard is
 * closed only after RocksDB has closed, and nothing else in this JVM opens the file.
 */
final class LockGuard implements AutoCloseable {
  static final String FILE = "LOCK";

  private static final long FIRST_PAUSE_NANOS = 20_000;
  private static final long MAX_PAUSE_NANOS = 1_000_000;

  private final FileChannel channel;

  private LockGuard(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * Takes {@code dir}'s LOCK, trying again while another process holds it, for up to {@code
   * timeoutNanos}; null if it is still held then.
   *
   * <p>Why retry at all: a leader that dies releases its locks one file at a time, so the process
   * that won the election (on {@code LEADER}, see {@link Seat}) finds LOCK still held in about
   * half of all takeovers, for a millisecond or a few. The first retries come after tens of
   * microseconds (a first pause of a millisecond cost those takeovers a millisecond); the pauses
   * double up to {@link #MAX_PAUSE_NANOS}, so LOCK is taken at most that long after it is free
   * (with a cap of 100 ms, as before, a dying process slow to close its files could have cost a
   * takeover up to 100 ms more); a process outside the election that keeps LOCK for the whole
   * wait costs a try a millisecond.
   *
   * <p>Why not wait in the kernel ({@code FileChannel.lock}, {@code F_SETLKW}, with a timer that
   * closes the channel at the deadline): tried, and slower. That code would run for the first
   * time inside a takeover (the warm standby never finds LOCK held): in two runs of {@code bench
   * --failover 2 --kills 12}, the 12 latest of each run's 36 opens took LOCK 0.6 to 3.9 ms after
   * the first try, against 0.4 to 2.3 ms with these retries, alternated (docs/benchmarks.md,
   * session 18).
   */
  static LockGuard take(Path dir, long timeoutNanos) {
    long deadline = System.nanoTime() + timeoutNanos;
    long pauseNanos = FIRST_PAUSE_NANOS;
    while (true) {
      LockGuard guard = tryTake(dir);
      if (guard != null || System.nanoTime() - deadline >= 0) {
        return guard;
      }
      LockSupport.parkNanos(pauseNanos);
      pauseNanos = Math.min(pauseNanos * 2, MAX_PAUSE_NANOS);
    }
  }

  /** Takes {@code dir}'s LOCK without waiting; null if another process holds it. */
  static LockGuard tryTake(Path dir) {
    Path file = dir.resolve(FILE);
    FileChannel c;
    try {
      c = OwnerOnly.openLockFile(file);
    } catch (IOException e) {
      throw new LevelException(ErrorCode.LEVEL_IO_ERROR, "cannot create or open " + file + " ("
          + e.getMessage() + "); check that the directory is writable by this user", e);
    }
    FileLock lock;
    try {
      lock = c.tryLock();
    } catch (IOException | OverlappingFileLockException e) {
      closeQuietly(c);
      throw new LevelException(ErrorCode.LEVEL_IO_ERROR, "cannot lock " + file + ": " + e, e);
    }
    if (lock == null) {
      closeQuietly(c);
      return null;
    }
    return new LockGuard(c);
  }

  /** Releases the lock. Call it only once RocksDB is closed (see the class description). */
  @Override
  public void close() {
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // the lock goes with the channel either way
    }
  }
}
