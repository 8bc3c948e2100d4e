package org.level4j.rave;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

  private final FileChannel channel;

  private LockGuard(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * Takes {@code dir}'s LOCK, waiting in the kernel while another process holds it: the wait
   * ends the moment that process lets go (or dies), or after {@code timeoutNanos}, and then this
   * returns null.
   *
   * <p>Why in the kernel: a leader that dies releases its locks one file at a time, so the
   * process that won the election (on {@code LEADER}, see {@link Seat}) finds LOCK still held in
   * about half of all takeovers, for a millisecond or a few. Retrying with pauses that double
   * took LOCK up to one whole pause after it was free, and the pauses reached 100 ms when the
   * dying process was slow to close its files.
   */
  static LockGuard take(Path dir, long timeoutNanos) {
    FileChannel c = open(dir);
    FileLock lock;
    try {
      lock = c.tryLock();
      if (lock == null) {
        lock = await(c, timeoutNanos);
      }
    } catch (IOException | OverlappingFileLockException e) {
      closeQuietly(c);
      throw new LevelException(ErrorCode.LEVEL_IO_ERROR, "cannot lock " + dir.resolve(FILE)
          + ": " + e, e);
    }
    if (lock == null) {
      closeQuietly(c);
      return null;
    }
    return new LockGuard(c);
  }

  private static FileChannel open(Path dir) {
    Path file = dir.resolve(FILE);
    try {
      return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new LevelException(ErrorCode.LEVEL_IO_ERROR, "cannot create or open " + file + " ("
          + e.getMessage() + "); check that the directory is writable by this user", e);
    }
  }

  /**
   * Waits for the lock on {@code c} ({@code fcntl(F_SETLKW)}); at the deadline a timer closes
   * the channel, which ends the wait. Null if the deadline came first.
   */
  private static FileLock await(FileChannel c, long timeoutNanos) throws IOException {
    if (timeoutNanos <= 0) {
      return null;
    }
    AtomicBoolean settled = new AtomicBoolean();
    CompletableFuture.delayedExecutor(timeoutNanos, TimeUnit.NANOSECONDS, Runnable::run)
        .execute(() -> {
          if (settled.compareAndSet(false, true)) {
            closeQuietly(c);
          }
        });
    boolean interrupted = Thread.interrupted(); // an interrupt would close the channel: hold it
    try {
      FileLock lock = c.lock();
      if (settled.compareAndSet(false, true)) {
        return lock;
      }
      return null; // the deadline closed the channel as the lock came: the lock went with it
    } catch (ClosedChannelException e) {
      if (settled.get()) {
        return null; // the deadline closed it
      }
      throw e;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
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
