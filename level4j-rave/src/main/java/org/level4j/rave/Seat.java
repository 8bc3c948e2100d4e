package org.level4j.rave;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * The leadership of one directory as seen by this JVM: the {@code LEADER} lock file, the one
 * channel on it (a second lock on the same file in one JVM would throw), and a thread blocked in
 * {@link FileChannel#lock()} that the kernel wakes the moment the current leader dies or steps
 * down. Nothing here polls: the winner is woken by the lock, and waiters in {@link #awaitChange}
 * by file-system events when a new leader publishes its address (a bounded wait is their fallback,
 * for a file system that gives no events).
 *
 * <p>The directory is watched only while someone looks for a leader ({@link #startWatching})
 * and this JVM does not hold the lock: a leader's RocksDB creates files there all the time (a
 * log and a table file per flush, dozens while it opens), and each creation would wake two
 * threads in every process that watched. A JVM that won the lock learns of its own new host from
 * {@link #changed()}, so it stops watching once it wins: at once if it won by {@link #tryTake},
 * else at the first file its RocksDB creates, on the watch thread, so that the winner's way to
 * opening RocksDB waits for no other thread.
 *
 * <p>We elect on a file of our own. RocksDB's {@code LOCK} is taken by the winner only, right after
 * it has won and before it opens RocksDB ({@link LockGuard}, which explains the care a second
 * channel on that file needs): every failed RocksDB open rotates the leader's info log, so no
 * process tries RocksDB before it has won.
 *
 * <p>Threads: {@link #waitForLock} blocks on a daemon thread named {@code level4j-seat-...}, and
 * {@code onWin} runs on that thread; file-system events are read on a daemon thread named {@code
 * level4j-watch-...}. The other methods may be called from any thread.
 */
final class Seat implements AutoCloseable {
  static final String LOCK_FILE = "LEADER";

  private final Path dir;
  private final FileChannel channel;
  private final WatchService watcher;
  /** Guards {@link #seekers} and {@link #key}. */
  private final Object watching = new Object();
  /** Callers between {@link #startWatching} and {@link #stopWatching}; guarded by watching. */
  private int seekers;
  /**
   * The directory's registration while {@link #seekers} is above zero and this JVM does not hold
   * the lock, else null.
   */
  private WatchKey key;
  /** The monitor of {@link #generation}, and what {@link #awaitChange} waits on. */
  private final Object changed = new Object();
  private volatile FileLock lock;
  private volatile boolean closed;
  /**
   * The thread blocked in {@code lock()}, or null; set under this, cleared by that thread once
   * it holds the lock.
   */
  private volatile Thread waiter;
  /** Counts the changes {@link #awaitChange} is woken for; guarded by {@link #changed}. */
  private long generation;

  Seat(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
      channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
          StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED,
          "cannot create or open " + dir.resolve(LOCK_FILE) + " (" + e.getMessage()
              + "); check that the directory is writable by this user", e);
    }
    WatchService w = null;
    try {
      w = FileSystems.getDefault().newWatchService();
    } catch (IOException e) {
      // Without events, followers fall back to short timed waits in awaitChange.
      w = null;
    }
    watcher = w;
    if (watcher != null) {
      Thread watchThread = new Thread(this::watch, "level4j-watch-" + dir.getFileName());
      watchThread.setDaemon(true);
      watchThread.start();
    }
  }

  /** Tries once, without waiting, to become leader; true if this JVM holds the lock now. */
  synchronized boolean tryTake() {
    if (lock != null) {
      return true;
    }
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return false; // our waiter thread is queued for it
    } catch (IOException e) {
      throw new LevelException(ErrorCode.LEVEL_IO_ERROR,
          "cannot lock " + dir.resolve(LOCK_FILE) + ": " + e.getMessage(), e);
    }
    if (lock != null) {
      updateWatch();
      return true;
    }
    return false;
  }

  /**
   * Starts the thread that blocks until this JVM holds the lock, wakes {@link #awaitChange}, then
   * runs {@code onWin}. If taking the lock or {@code onWin} fails, this JVM steps down and the
   * failure goes to {@code onFailure} (unless the seat was closed meanwhile). Does nothing if such
   * a thread already waits or the seat is closed.
   */
  synchronized void waitForLock(Runnable onWin, java.util.function.Consumer<Throwable> onFailure) {
    if (waiter != null || closed) {
      return;
    }
    waiter = new Thread(() -> {
      try {
        // From here to onWin this thread takes no monitor that another thread may hold: when a
        // leader dies, this JVM's guest wakes at the same moment and takes them to look for the
        // next one. Nor does it stop watching the directory itself (a cancel waits for the JDK's
        // poller thread): the watch thread does, woken by the first file our RocksDB creates.
        lock = channel.lock();
        waiter = null;
        signal();
        onWin.run();
      } catch (ClosedChannelException e) {
        // closed while waiting: this JVM is done with the directory
      } catch (IOException | RuntimeException | Error e) {
        // Whatever went wrong (an Error too: a class or native library that cannot load), the
        // lock must not stay with a process that does not lead, or nobody else ever could.
        stepDown();
        if (!closed) {
          onFailure.accept(e);
        }
      }
    }, "level4j-seat-" + dir.getFileName());
    waiter.setDaemon(true);
    waiter.start();
  }

  /**
   * Withdraws this JVM's {@code LEADER} record and releases the lock, if it holds it; keeps the
   * channel, so that this JVM may wait for the lock again ({@link #waitForLock}).
   */
  synchronized void stepDown() {
    FileLock l = lock;
    lock = null;
    if (l != null) {
      LeaderInfo.withdraw(dir);
      try {
        l.release();
      } catch (IOException ignored) {
        // closing the channel releases it anyway
      }
      updateWatch(); // whoever in this JVM still looks for a leader watches again
      signal(); // a guest of this JVM waiting for it to lead looks elsewhere again
    }
  }

  /** Whether this JVM holds the lock: it leads, or is about to (a takeover under way). */
  boolean held() {
    return lock != null;
  }

  /**
   * Starts watching the directory for a new leader's files, for a caller about to look for a
   * leader: call it before reading {@link #generation()} and looking, so that nothing created
   * after the look goes unseen; end with {@link #stopWatching}. Without a watch (a file system
   * that gives no events, or a failed registration) {@link #awaitChange} waits its bounded time.
   * While this JVM holds the lock the directory is not watched: {@link #changed()} and {@link
   * #stepDown()} wake the callers then.
   */
  void startWatching() {
    if (watcher == null) {
      return;
    }
    synchronized (watching) {
      seekers++;
      updateWatchLocked();
    }
  }

  /** Ends what {@link #startWatching} began; the last caller's end removes the watch. */
  void stopWatching() {
    if (watcher == null) {
      return;
    }
    synchronized (watching) {
      seekers--;
      updateWatchLocked();
    }
  }

  private void updateWatch() {
    if (watcher == null) {
      return;
    }
    synchronized (watching) {
      updateWatchLocked();
    }
  }

  /** Registers the directory if someone looks for a leader and this JVM does not lead. */
  private void updateWatchLocked() {
    boolean wanted = seekers > 0 && lock == null && !closed;
    if (wanted && key == null) {
      try {
        // Creations only: a new leader's socket and its LEADER record (written by rename) are
        // creations; a leader's every write modifies RocksDB's log in this directory.
        key = dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
      } catch (IOException | ClosedWatchServiceException e) {
        key = null;
      }
    } else if (!wanted && key != null) {
      key.cancel();
      key = null;
    }
  }

  /** Whether the directory is watched now (someone looks for a leader). */
  boolean watching() {
    synchronized (watching) {
      return key != null;
    }
  }

  /**
   * Waits until something may have changed since {@code seenGeneration} (a value of {@link
   * #generation()}): the lock was won here, this JVM said it leads ({@link #changed()}), a file
   * that may announce a new leader was created in the directory ({@link #watched}), the seat was
   * closed, or {@code maxMillis} passed.
   */
  void awaitChange(long seenGeneration, long maxMillis) throws InterruptedException {
    synchronized (changed) {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
      while (generation == seenGeneration && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(changed, left);
      }
    }
  }

  long generation() {
    synchronized (changed) {
      return generation;
    }
  }

  /** Wakes {@link #awaitChange} waiters: something they look for changed in this JVM. */
  void changed() {
    signal();
  }

  private void signal() {
    synchronized (changed) {
      generation++;
      changed.notifyAll();
    }
  }

  private void watch() {
    try {
      while (!closed) {
        WatchKey taken = watcher.take();
        boolean relevant = false;
        for (java.nio.file.WatchEvent<?> e : taken.pollEvents()) {
          // A new leader's socket or LEADER record, or lost events. Not RocksDB's own files,
          // which a new leader creates by the dozen while it opens, each a useless wake-up.
          Object name = e.context();
          relevant |= e.kind() == StandardWatchEventKinds.OVERFLOW
              || (name instanceof Path p && watched(p.toString()));
        }
        if (lock != null) {
          // This JVM won the lock while the directory was watched, and its own RocksDB woke
          // us. Stop watching until it steps down; its seekers learn of its host from changed().
          updateWatch();
        } else if (relevant) {
          signal();
        }
        taken.reset(); // false once cancelled; a later start registers anew
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closing
    }
  }

  /** Whether a file of this name, created in the directory, may announce a new leader. */
  static boolean watched(String name) {
    return name.equals(LeaderInfo.FILE) || name.equals(SocketPath.NAME);
  }

  @Override
  public void close() {
    closed = true;
    stepDown();
    try {
      channel.close(); // also wakes a waiter blocked in lock()
    } catch (IOException ignored) {
      // nothing left to release
    }
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
    }
    signal();
  }
}
