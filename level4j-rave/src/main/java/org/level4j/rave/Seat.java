package org.level4j.rave;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
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
 * <p>Followers queue for {@code LEADER} one at a time. Each first waits for a lock on the {@code
 * STANDBY} file; the one that holds it is the standby, the only follower waiting for {@code
 * LEADER}, so the next leader is known in advance and only that process needs to load and warm
 * up the leader's code ({@link Standby}) instead of every follower. When the standby wins {@code
 * LEADER} and leads, or dies, or closes, the kernel hands {@code STANDBY} to the next follower
 * in line. A standby that is alive but does not run (stopped, or starved of processor time)
 * would hold up a takeover for as long as it does not: a follower that finds no leader for
 * {@link #STANDBY_GRACE_MILLIS} takes {@code LEADER} itself if it is free ({@link
 * #takeOverIfFree}). If the {@code STANDBY} file cannot be opened, a follower waits for {@code
 * LEADER} directly, as a standby.
 *
 * <p>Measured (bench --followers 4, 20,000 puts each, 4 alternated pairs): with every follower
 * running the leader's warm-up, 52.2 to 56.4 thousand puts a second in total; with the standby
 * alone running it, 59.1 to 67.8. Outages in bench --failover did not change.
 *
 * <p>Threads: {@link #waitForLock} blocks on a daemon thread named {@code level4j-seat-...}, and
 * {@code onWin} runs on that thread (or on {@code level4j-seat-takeover-...}, see {@link
 * #takeOverIfFree}); file-system events are read on a daemon thread named {@code
 * level4j-watch-...}. The other methods may be called from any thread.
 */
final class Seat implements AutoCloseable {
  static final String LOCK_FILE = "LEADER";
  static final String STANDBY_FILE = "STANDBY";
  /**
   * How long a follower looks for a leader before it takes a free {@code LEADER} past the
   * standby ({@link #takeOverIfFree}): many times a takeover's usual length (tens of ms), so that
   * it does not race a standby that is merely slow.
   */
  static final long STANDBY_GRACE_MILLIS = 500;
  /**
   * How long a new leader keeps {@code STANDBY} after it published itself, so that the next
   * follower in line becomes the standby (and starts its warm-up) once the takeover is over, not
   * while the followers reconnect to the new leader. Measured (bench --failover 2, 8 kills, runs
   * alternated with the build before the line of followers existed): handing it over at once,
   * the follower that stayed resumed 19.3 and 19.5 ms after the kill (median) against 16.9 and
   * 18.6; after this delay, 14.3 to 16.8 against 14.6 to 15.7 (3 runs each).
   */
  static final long HANDOVER_DELAY_NANOS = 200_000_000;
  /** The pause between tries of a lock whose wait the kernel failed ({@link #lockRetrying}). */
  static final long RETRY_NANOS = 5_000_000;
  private static final System.Logger LOG = System.getLogger("org.level4j.rave");

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
  /** The STANDBY file, opened by the waiting thread; null before, or if it cannot be opened. */
  private volatile FileChannel standbyChannel;
  private volatile FileLock standbyLock;
  /** What {@link #waitForLock} was given, for {@link #takeOverIfFree} too. */
  private volatile Runnable onWin;
  private volatile java.util.function.Consumer<Throwable> onFailure;

  Seat(Path dir) {
    this.dir = dir;
    try {
      OwnerOnly.createDirectories(dir);
      channel = OwnerOnly.openLockFile(dir.resolve(LOCK_FILE));
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

  /** What the thread waiting to lead tells of this JVM's place in the line of followers. */
  interface Line {
    /** Another follower is the standby; this JVM waits behind it. */
    void queued();

    /**
     * This JVM is the standby now, and waits for {@code LEADER}.
     *
     * @param waited whether it waited in line behind another standby first
     */
    void standby(boolean waited);
  }

  /**
   * Starts the thread that waits to lead: first until this JVM is the directory's standby (see
   * the class comment), then until it holds {@code LEADER}, telling {@code line} of each step; it
   * wakes {@link #awaitChange} and runs {@code onWin}. If taking the lock or {@code onWin} fails,
   * this JVM steps down and the failure goes to {@code onFailure} (unless the seat was closed
   * meanwhile). Does nothing if such a thread already waits or the seat is closed.
   */
  synchronized void waitForLock(Line line, Runnable onWin,
      java.util.function.Consumer<Throwable> onFailure) {
    if (waiter != null || closed) {
      return;
    }
    this.onWin = onWin;
    this.onFailure = onFailure;
    waiter = new Thread(() -> {
      try {
        boolean waited = takeStandby(line);
        if (lock != null) {
          return; // this JVM took over past an unresponsive standby (takeOverIfFree)
        }
        line.standby(waited);
        // From here to onWin this thread takes no monitor that another thread may hold: when a
        // leader dies, this JVM's guest wakes at the same moment and takes them to look for the
        // next one. Nor does it stop watching the directory itself (a cancel waits for the JDK's
        // poller thread): the watch thread does, woken by the first file our RocksDB creates.
        lock = lockRetrying(channel);
        waiter = null;
        signal();
        win();
        if (lock != null) {
          java.util.concurrent.locks.LockSupport.parkNanos(HANDOVER_DELAY_NANOS);
        }
      } catch (ClosedChannelException e) {
        // closed while waiting: this JVM is done with the directory
      } catch (OverlappingFileLockException e) {
        // takeOverIfFree won LEADER for this JVM meanwhile, and leads (or tries to) on its thread
      } catch (IOException | RuntimeException | Error e) {
        failed(e);
      } finally {
        releaseStandby(); // the next follower in line becomes the standby
      }
    }, "level4j-seat-" + dir.getFileName());
    waiter.setDaemon(true);
    waiter.start();
  }

  /**
   * Takes {@code LEADER} now if it is free and this JVM waits for it without being the standby,
   * and then leads on a thread of its own as the waiting thread would have. For a follower that
   * found no leader for a while: the standby that should have taken over does not run (stopped,
   * or starved of processor time), and the lock stays free while it does not. True if won.
   */
  boolean takeOverIfFree() {
    synchronized (this) {
      if (closed || lock != null || waiter == null || standby() || !tryTake()) {
        return false;
      }
    }
    // Out of the line at once: a leader waiting for STANDBY while the standby waits for LEADER
    // is a cycle, and the kernel fails the standby's wait when it runs again (see lockRetrying).
    releaseStandby();
    signal();
    Thread t = new Thread(this::win, "level4j-seat-takeover-" + dir.getFileName());
    t.setDaemon(true);
    t.start();
    return true;
  }

  /**
   * Waits for a lock on {@code ch} ({@code LEADER} or {@code STANDBY}). The kernel's deadlock
   * detector counts these locks per process, not per thread, and fails a wait at once (EDEADLK)
   * if the holder waits, directly or along a chain, for a lock this process holds. That is no
   * deadlock here, as every lock is released when its holder stops leading or queueing, or dies;
   * but it happens: two processes that each lead one directory and follow the other
   * (StandbyTest), or the moment between {@link #takeOverIfFree} winning past a stopped standby
   * and giving up its place in the line. So a failed wait is tried again every {@link
   * #RETRY_NANOS} (a poll, in those cases only) until it blocks or wins; only a closed channel
   * ends it. A process that never gets past such a failure does not hold a takeover up: the
   * followers behind it take a free {@code LEADER} after {@link #STANDBY_GRACE_MILLIS}.
   */
  private FileLock lockRetrying(FileChannel ch) throws IOException {
    boolean logged = false;
    while (true) {
      try {
        return ch.lock();
      } catch (ClosedChannelException e) {
        throw e;
      } catch (IOException e) {
        if (!logged && LOG.isLoggable(System.Logger.Level.DEBUG)) {
          LOG.log(System.Logger.Level.DEBUG, "waiting for a lock in " + dir + " failed ("
              + e.getMessage() + "); trying again every " + RETRY_NANOS / 1_000_000 + " ms", e);
        }
        logged = true;
        java.util.concurrent.locks.LockSupport.parkNanos(RETRY_NANOS);
      }
    }
  }

  private void win() {
    try {
      onWin.run();
    } catch (RuntimeException | Error e) {
      failed(e);
    }
  }

  private void failed(Throwable e) {
    // Whatever went wrong (an Error too: a class or native library that cannot load), the lock
    // must not stay with a process that does not lead, or nobody else ever could.
    stepDown();
    if (!closed) {
      onFailure.accept(e);
    }
  }

  /**
   * Waits until this JVM is the directory's standby: the one follower that waits for {@code
   * LEADER}; returns whether it had to wait behind another. If the file cannot be used, this JVM
   * waits for {@code LEADER} as a standby would.
   */
  private boolean takeStandby(Line line) throws IOException {
    FileChannel ch;
    try {
      ch = OwnerOnly.openLockFile(dir.resolve(STANDBY_FILE));
    } catch (IOException e) {
      return false;
    }
    standbyChannel = ch;
    if (closed) {
      ch.close();
      throw new ClosedChannelException();
    }
    FileLock l = ch.tryLock();
    boolean waited = l == null;
    if (waited) {
      line.queued();
      l = lockRetrying(ch);
    }
    standbyLock = l;
    return waited;
  }

  private void releaseStandby() {
    FileChannel ch = standbyChannel;
    standbyChannel = null;
    standbyLock = null;
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing releases the lock anyway
      }
    }
  }

  /** Whether this JVM is the directory's standby now (it waits for LEADER next). */
  boolean standby() {
    return standbyLock != null;
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
    releaseStandby(); // also wakes a waiter blocked in its lock()
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
