package org.level4j.rave;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

  /** Takes {@code dir}'s LOCK without waiting; null if another process holds it. */
  static LockGuard tryTake(Path dir) {
    Path file = dir.resolve(FILE);
    FileChannel c;
    try {
      c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
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
