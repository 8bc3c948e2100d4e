package org.level4j.rave;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.net.Connection;
import org.level4j.net.ConnectionListener;
import org.level4j.net.Guest;
import org.level4j.net.Host;
import org.level4j.net.Listener;
import org.level4j.rocksdb.RocksLevel;
import org.level4j.rocksdb.RocksOptions;

/*
 * Design. One Presence per directory per JVM, shared by every RaveLevel handle this JVM has open
 * on it (so one LEADER channel, one waiting thread, one connection to the leader).
 *
 * Leader: holds the Seat's lock, the RocksDB database and a Host listening on the directory's
 * socket; its handles run operations directly on the database.
 *
 * Follower: a Guest in retry mode whose Connector is connectToLeader(). When the leader dies the
 * kernel ends the socket (the guest notices at once) and releases the lock (the Seat's waiting
 * thread wins it at once, in exactly one process). The winner opens RocksDB, listens, publishes
 * LEADER, and hands its own guest an in-memory connection to its own host, so operations and
 * iterators that were in flight resume exactly as on any other leader. The others find the new
 * leader's socket when file-system events say the LEADER record changed.
 */
final class Presence {
  private static final System.Logger LOG = System.getLogger("org.level4j.rave");
  private static final Map<Path, Presence> ALL = new ConcurrentHashMap<>();

  private static final long LOCK_RACE_NANOS = 3_000_000_000L;
  /**
   * TEST ONLY, off unless set (MixedFailoverTest): each names a file a process waits for (checked
   * every 10 ms) when it is about to lead, before it takes RocksDB's LOCK ({@code lockGate}: a
   * Node follower then certainly takes the LOCK first) or after it took it and put {@link
   * LevelDbGuard}'s layout in place, before it opens RocksDB ({@code openGate}: a Node follower
   * then certainly finds it locked). A test that sets one also turns the warm standby off, whose
   * scratch leader would wait too. Never set them outside tests.
   */
  static final String LOCK_GATE = "level4j.test.lockGate";
  static final String OPEN_GATE = "level4j.test.openGate";

  private final Path dir;
  private final RaveOptions options;
  /** {@link RaveOptions#rocks()}, with what {@link LevelDbGuard} relies on kept on. */
  private final RocksOptions rocks;
  /** {@link #rocks} for a takeover's open (see {@link #takingOver}). */
  private final RocksOptions takeoverRocks;
  private final Seat seat;
  private final List<Runnable> onLeader = new CopyOnWriteArrayList<>();
  private final List<java.util.function.Consumer<Failover>> onFailover =
      new CopyOnWriteArrayList<>();
  /*
   * The change of leader under way, as far as this process has seen it: when each stage
   * happened (Failover's fields, in that order), guarded by itself. Recorded without lambdas:
   * the takeover path runs once in a process's life, and linking a lambda there costs more than
   * the stage it records.
   */
  private static final int LOST = 0;
  private static final int LOCK_WON = 1;
  private static final int OPENED = 2;
  private static final int LISTENING = 3;
  private static final int PUBLISHED = 4;
  private static final int RECONNECTED = 5;
  private final long[] stages = new long[6];
  private volatile Failover lastFailover;
  private volatile Database local;
  /** RocksDB's LOCK, held while this process leads; closed only after {@link #local} is. */
  private volatile LockGuard lockGuard;
  private volatile Host host;
  /** The socket bound while RocksDB opens (see {@link #bindEarly}); lead()'s thread only. */
  private Listener early;
  private volatile Guest guest;
  private volatile RaveMonitor monitor;
  private volatile boolean closed;
  /**
   * Held by a takeover ({@link #promote}) from its look at {@link #closed} until it leads or has
   * given up, and by {@link #shutdown} while it closes what leading opened: a close that comes
   * during a takeover waits for it, then closes the RocksDB and host it opened. Without it,
   * close() released LEADER and returned while the takeover still opened RocksDB, which it closed
   * itself a few ms later (seconds on a loaded machine): open in a directory its owner took for
   * closed, open at the exit of a process that exits right after close(), and holding LOCK
   * against the next leader (CloseDuringTakeoverTest).
   */
  private final Object takeover = new Object();
  private volatile LevelException failure;
  private int handles;
  private final java.util.concurrent.atomic.AtomicLong failovers =
      new java.util.concurrent.atomic.AtomicLong();

  private Presence(Path dir, RaveOptions options) {
    this.dir = dir;
    this.options = options;
    this.rocks = guarded(options.rocks());
    this.takeoverRocks = takingOver(options.rocks());
    this.seat = new Seat(dir);
  }

  /** The presence for {@code dir}, joining it (as leader or follower) if this JVM had none. */
  static Presence acquire(Path dir, RaveOptions options) {
    Path key = canonical(dir);
    while (true) {
      Presence p = ALL.computeIfAbsent(key, k -> new Presence(k, options));
      synchronized (p) {
        if (p.closed) {
          ALL.remove(key, p);
          continue;
        }
        if (p.handles == 0) {
          try {
            p.start();
          } catch (RuntimeException | Error e) {
            p.shutdown();
            ALL.remove(key, p);
            throw e;
          }
        }
        p.handles++;
        return p;
      }
    }
  }

  private void start() {
    if (seat.tryTake()) {
      lead(false);
      published();
    } else {
      follow();
    }
    if (options.registerMXBean()) {
      monitor = RaveMonitor.register(this);
    }
  }

  /** Called when the last handle of this JVM closes. */
  void release() {
    synchronized (this) {
      if (--handles > 0) {
        return;
      }
      stopMonitor(); // before a new presence of this directory can register its own
      ALL.remove(dir, this);
    }
    shutdown();
  }

  Database target() {
    Database d = local;
    if (d != null) {
      return d;
    }
    Guest g = guest;
    if (g != null) {
      return g;
    }
    LevelException f = failure;
    throw f != null ? f : new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPEN,
        "this RaveLevel is closed");
  }

  boolean isLeader() {
    return local != null;
  }

  Path dir() {
    return dir;
  }

  long failovers() {
    return failovers.get();
  }

  Host host() {
    return host;
  }

  /** While leading: processes connected now, not counting this one's own guest (after a takeover). */
  int followers() {
    Host h = host;
    if (h == null) {
      return 0;
    }
    return Math.max(0, h.connections() - (guest != null ? 1 : 0));
  }

  private void stopMonitor() {
    RaveMonitor m = monitor;
    monitor = null;
    if (m != null) {
      m.unregister();
    }
  }

  void onLeader(Runnable r) {
    onLeader.add(r);
    if (isLeader()) {
      r.run();
    }
  }

  void removeLeaderListener(Runnable r) {
    onLeader.remove(r);
  }

  // ---- leader --------------------------------------------------------------------------------

  /**
   * Opens the database and serves it; the Seat's lock is held. {@code takeover}: this process
   * followed a leader that is gone.
   */
  private void lead(boolean takeover) {
    Database db;
    try {
      db = openRocks(takeover ? takeoverRocks : rocks);
      mark(OPENED);
      haltAfterWriting(db);
    } catch (LevelException e) {
      closeEarly();
      forgetTakeover();
      seat.stepDown();
      if (e.code() == ErrorCode.LEVEL_LOCKED) {
        throw new LevelException(ErrorCode.LEVEL_LOCKED, dir + " is open in a process that does "
            + "not take part in leader election (a plain RocksLevel, or another program); close "
            + "it, or open the directory through RaveLevel everywhere", e);
      }
      throw e;
    } catch (RuntimeException | Error e) {
      closeEarly();
      forgetTakeover();
      seat.stepDown();
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED, "this process cannot open "
          + "RocksDB to lead " + dir + " (" + e + "); it stepped down so another can", e);
    }
    Path socket = null;
    Host h = Host.of(db, options.host());
    Listener bound = early;
    early = null;
    try {
      socket = SocketPath.of(dir); // may refuse a long path's socket directory: see SocketPath
      // This process's calls go to the database directly from now on; its own guest (a
      // follower until now, with operations in flight) reconnects to this host through an
      // in-memory pipe (it waited for it since the lock was won: see connectToLeader). Woken
      // before the host accepts the other followers, whose connections wait in the socket's
      // backlog, so that its re-sent operations are not served after all of theirs.
      host = h;
      local = db;
      seat.changed();
      h.listen(bound != null ? bound : Listener.unix(socket, true));
      mark(LISTENING);
      new LeaderInfo(ProcessHandle.current().pid(), socket).write(dir);
    } catch (IOException | RuntimeException | Error e) {
      local = null;
      host = null;
      h.close();
      db.close(); // before stepping down: the next leader needs RocksDB's own lock free
      releaseLock();
      forgetTakeover();
      seat.stepDown();
      throw new LevelException(ErrorCode.LEVEL_IO_ERROR,
          "cannot listen on " + (socket != null ? socket : "a socket of " + dir)
          + " for followers: " + (e instanceof LevelException le ? le.reason() : e.getMessage()),
          e);
    }
  }

  /**
   * After {@link #lead}, outside {@link #takeover}: marks the takeover's last stage, which may
   * complete a failover and run its listeners, and runs the leader listeners. A listener may
   * close this RaveLevel, on its own thread or another it waits for.
   */
  private void published() {
    mark(PUBLISHED);
    for (Runnable r : onLeader) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a leader listener failed", e);
      }
    }
  }

  /**
   * TEST ONLY, off unless this system property names a key: a leader then halts (no shutdown
   * hook, as a SIGKILL) right after it applied a write of that key, before it answered it, so a
   * test can make "applied but unanswered" happen every time (RaveFaultPointTest). Never set it
   * outside tests.
   */
  static final String HALT_AFTER_WRITING = "level4j.test.haltAfterWriting";
  /** The exit status of a leader halted by {@link #HALT_AFTER_WRITING}. */
  static final int HALTED_AFTER_WRITING = 86;

  /** This thread's processor time so far, for the debug log. */
  private static long threadCpuNanos() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  private static void haltAfterWriting(Database db) {
    String key = System.getProperty(HALT_AFTER_WRITING);
    if (key != null) {
      db.onWrite(ops -> {
        for (org.level4j.Op<String, String> op : ops) {
          if (op.key().equals(key)) {
            Runtime.getRuntime().halt(HALTED_AFTER_WRITING);
          }
        }
      });
    }
  }

  /**
   * Takes RocksDB's LOCK (see {@link LockGuard}), then opens RocksDB. When a leader dies, the
   * kernel releases its locks one file at a time: we may win LEADER a moment before LOCK is free.
   * So a LOCK held elsewhere is retried for a while ({@link LockGuard#take}); one still held
   * after that belongs to a process outside the election (a plain RocksLevel, or a Node process
   * that read the directory as LevelDB and is about to fail).
   */
  private Database openRocks(RocksOptions rocks) {
    awaitTestGate(LOCK_GATE);
    long t0 = System.nanoTime();
    LockGuard guard = LockGuard.take(dir, LOCK_RACE_NANOS);
    if (guard == null) {
      throw new LevelException(ErrorCode.LEVEL_LOCKED, dir.resolve(LockGuard.FILE)
          + " is locked by another process");
    }
    try {
      long locked = System.nanoTime();
      LevelDbGuard.prepare(dir);
      awaitTestGate(OPEN_GATE);
      early = bindEarly();
      long logBytes = LOG.isLoggable(System.Logger.Level.DEBUG) ? logBytes() : -1;
      long cpu0 = logBytes >= 0 ? threadCpuNanos() : 0;
      long open0 = System.nanoTime();
      Database d = RocksLevel.open(dir, rocks);
      lockGuard = guard;
      if (logBytes >= 0) {
        long now = System.nanoTime();
        LOG.log(System.Logger.Level.DEBUG, String.format("RocksDB of %s open after %.1f ms "
            + "(LOCK taken at %.1f, open begun at %.1f), with %d KiB of log to replay; the open "
            + "%.1f ms, %.1f ms of it on this thread's processor",
            dir, (now - t0) / 1e6, (locked - t0) / 1e6, (open0 - t0) / 1e6,
            logBytes >> 10, (now - open0) / 1e6, (threadCpuNanos() - cpu0) / 1e6));
      }
      return d;
    } catch (RuntimeException | Error e) {
      closeEarly();
      guard.close();
      throw e;
    }
  }

  /**
   * The RocksDB options a leader opens with: the user's, and RocksDB's database id written first
   * in every MANIFEST whatever their adjustment says, which is what makes LevelDB's attempt to
   * read the directory fail at once ({@link LevelDbGuard}).
   */
  private static RocksOptions guarded(RocksOptions user) {
    java.util.function.Consumer<org.rocksdb.Options> adjust = user.adjust();
    return user.toBuilder().adjust(o -> {
      adjust.accept(o);
      o.setWriteDbidToManifest(true);
    }).build();
  }

  /**
   * {@link #guarded} for the open of a takeover, which also leaves the table files to RocksDB's
   * {@code open_files_async}: the open reads the MANIFEST and replays the log, and a background
   * thread opens the table files (their footers, indexes and filters), which RocksDB otherwise
   * does on the opening thread before it returns, while every follower waits. A read that needs
   * a table before that thread reached it opens it itself. The user's adjustment can turn it off.
   *
   * <p>Only a takeover's, as the directory's previous leader opened the same table files: a
   * first open still reads them all before it returns, so that a directory whose tables RocksDB
   * cannot read (LevelDB's, or damaged ones) fails to open, with {@code LEVEL_CORRUPTION}. With
   * this option such a table would show as errors of the reads and writes after the open.
   *
   * <p>Measured: in {@code bench --failover 4 --kills 8}, RocksDB's info log of each takeover
   * put the MANIFEST's recovery (which includes opening the tables) at a median of 3.2 to 5.4 ms
   * without (6 runs) and 1.6 to 3.3 ms with (7 runs), on a machine whose host took much of its
   * processors' time. level4j-bench's {@code TakeoverOpen} (copies of a killed leader's
   * directory, 40 alternated opens each way, two sittings) gives the open 0.5 to 0.7 ms less
   * wall time with 12 table files, and the opening thread 0.4 to 0.8 ms less processor time;
   * with 40 table files, 0.3 to 0.6 ms and 1.9 to 2.2 ms.
   */
  private static RocksOptions takingOver(RocksOptions user) {
    java.util.function.Consumer<org.rocksdb.Options> adjust = user.adjust();
    return guarded(user.toBuilder().adjust(o -> {
      o.setOpenFilesAsync(true);
      adjust.accept(o);
    }).build());
  }

  private static void awaitTestGate(String property) {
    String gate = System.getProperty(property);
    if (gate != null) {
      while (!Files.exists(Path.of(gate))) {
        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
      }
    }
  }

  /**
   * Binds the leader's socket while RocksDB opens, before anything accepts on it: followers
   * woken by the new socket file connect and send their first requests at once, and the kernel
   * holds them in the listening socket's backlog until the host accepts them, so their wake-up
   * and connection take place during the open instead of after it. Null if the socket cannot be
   * bound now ({@link #lead} tries again after the open, and reports a failure then).
   */
  private Listener bindEarly() {
    try {
      return Listener.unix(SocketPath.of(dir), true);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void closeEarly() {
    Listener l = early;
    early = null;
    if (l != null) {
      l.close();
    }
  }

  /** The size of RocksDB's write-ahead log files in the directory, for the debug log. */
  private long logBytes() {
    long sum = 0;
    try (java.nio.file.DirectoryStream<Path> logs = Files.newDirectoryStream(dir, "*.log")) {
      for (Path p : logs) {
        sum += Files.size(p);
      }
    } catch (IOException | RuntimeException e) {
      // only for the debug log
    }
    return sum;
  }

  /** Releases RocksDB's LOCK; only after the database of this process is closed. */
  private void releaseLock() {
    LockGuard g = lockGuard;
    lockGuard = null;
    if (g != null) {
      g.close();
    }
  }

  // ---- follower ------------------------------------------------------------------------------

  private void follow() {
    // The standby may have to lead at any moment, and every follower to reconnect: each warms
    // up what it needs (see Standby) in the background, not in the middle of a failover.
    seat.waitForLock(new Seat.Line() {
      @Override
      public void queued() {
        Standby.warmFollower(options);
      }

      @Override
      public void standby(boolean waited) {
        Standby.warmLeader(options, waited, seat::standby);
      }
    }, this::promote, this::fail);
    Guest g = Guest.connect(this::connectToLeader, options.guest());
    g.onConnectionChange(new ConnectionListener() {
      @Override
      public void connected() {
        mark(RECONNECTED);
      }

      @Override
      public void disconnected(LevelException reason) {
        mark(LOST);
      }
    });
    guest = g;
  }

  /** A takeover this process started failed: another process will lead. */
  private void forgetTakeover() {
    synchronized (stages) {
      for (int s = LOCK_WON; s <= PUBLISHED; s++) {
        stages[s] = 0;
      }
    }
  }

  /**
   * Records that {@code stage} happened now, then reports the change of leader if it is
   * complete: this process is connected to the new leader (a host answered) and, if it is that
   * leader, has published itself.
   */
  private void mark(int stage) {
    long now = Failover.now();
    Failover f;
    synchronized (stages) {
      if (stage == LOST && stages[LOST] != 0) {
        return; // the first loss counts; reconnecting may take several attempts
      }
      if (stage == RECONNECTED && stages[LOST] == 0 && stages[LOCK_WON] == 0) {
        return; // not a change of leader: the first connection
      }
      if (stage >= OPENED && stage <= PUBLISHED && stages[LOCK_WON] == 0) {
        return; // the first leader of the directory, not a takeover
      }
      stages[stage] = now;
      if (stages[RECONNECTED] == 0 || (stages[LOCK_WON] != 0 && stages[PUBLISHED] == 0)) {
        return;
      }
      f = new Failover(stages[LOST], stages[LOCK_WON], stages[OPENED], stages[LISTENING],
          stages[PUBLISHED], stages[RECONNECTED]);
      java.util.Arrays.fill(stages, 0);
    }
    lastFailover = f;
    if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
      long origin = f.lostMicros() != 0 ? f.lostMicros() : f.lockWonMicros();
      LOG.log(System.Logger.Level.DEBUG, (f.tookOver() ? "took over " : "followed a new leader of ")
          + dir + ", ms after the old leader's connection ended: " + f.describe(origin));
    }
    for (java.util.function.Consumer<Failover> l : onFailover) {
      try {
        l.accept(f);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a failover listener failed", e);
      }
    }
  }

  void onFailover(java.util.function.Consumer<Failover> listener) {
    onFailover.add(listener);
  }

  void removeFailoverListener(java.util.function.Consumer<Failover> listener) {
    onFailover.remove(listener);
  }

  Failover lastFailover() {
    return lastFailover;
  }

  /**
   * Runs on the Seat's thread when this JVM wins the lock after being a follower. It takes no
   * monitor of this presence: the lock may be won while {@link #acquire} still holds that monitor,
   * waiting in {@link #follow} for a leader to connect to (this very process, soon). It holds
   * {@link #takeover}, which only {@link #shutdown} takes too, while it leads: a close waits for
   * it, then closes what it opened. The listeners run after it let go ({@link #published}).
   */
  private void promote() {
    synchronized (takeover) {
      if (closed) {
        return;
      }
      mark(LOCK_WON);
      failovers.incrementAndGet();
      lead(true);
    }
    published();
  }

  private void fail(Throwable t) {
    LevelException e = LevelException.of(t, ErrorCode.LEVEL_IO_ERROR);
    LOG.log(System.Logger.Level.ERROR, "cannot take over as leader of " + dir, e);
    failure = e;
  }

  /**
   * The guest's connector: a connection to whoever leads now. Waits (without polling: woken by
   * the lock or by file events) until there is one, and gives up after the configured time.
   */
  private Connection connectToLeader() throws IOException {
    seat.startWatching();
    try {
      return findLeader();
    } finally {
      seat.stopWatching();
    }
  }

  private Connection findLeader() throws IOException {
    long began = System.nanoTime();
    long deadline = began + options.giveUpAfter().toNanos();
    IOException last = null;
    while (true) {
      if (closed) {
        throw new IOException("RaveLevel closed");
      }
      LevelException f = failure;
      if (f != null) {
        throw new IOException(f.getMessage(), f);
      }
      long generation = seat.generation();
      Host h = host;
      if (h != null) {
        Connection.Pipe pipe = Connection.pipe();
        h.serve(pipe.host());
        return pipe.guest();
      }
      if (seat.held() && !closed) {
        // This JVM won the election and is opening RocksDB (lead(), on the seat's thread). Its
        // own host is there in a moment, and a pipe to it is served at once, while a connection
        // to the socket would wait in the backlog behind every other follower's.
        waitForChange(generation);
        continue;
      }
      LeaderInfo info = LeaderInfo.read(dir);
      Path socket = info != null ? info.socket() : defaultSocket();
      if (socket != null && (info != null || Files.exists(socket)) && Owner.isOurs(socket)) {
        try {
          return Connection.unixOwnUser(socket); // the leader runs as this user; checked
        } catch (LevelException e) {
          // A stale socket, or the new leader is not listening yet; keep what the OS said.
          last = e.getCause() instanceof IOException io ? io : new IOException(e.reason(), e);
        }
      }
      long now = System.nanoTime();
      if (now - began > Seat.STANDBY_GRACE_MILLIS * 1_000_000 && seat.takeOverIfFree()) {
        LOG.log(System.Logger.Level.WARNING, "no leader of " + dir + " after "
            + Seat.STANDBY_GRACE_MILLIS + " ms and LEADER was free: the standby follower does "
            + "not run; this process takes over instead");
        continue;
      }
      if (now > deadline) {
        throw new IOException("no leader for " + dir + " within " + options.giveUpAfter()
            + (last == null ? "" : ": " + last.getMessage()), last);
      }
      waitForChange(generation);
    }
  }

  /**
   * Where a leader of this directory listens when no LEADER record says so; null if that place
   * is not usable (a long path's socket directory someone else made): the leader reports why.
   */
  private Path defaultSocket() {
    try {
      return SocketPath.of(dir);
    } catch (LevelException e) {
      return null;
    }
  }

  private void waitForChange(long generation) throws IOException {
    try {
      seat.awaitChange(generation, 50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a leader", e);
    }
  }

  // ---- shutdown ------------------------------------------------------------------------------

  private void shutdown() {
    closed = true;
    stopMonitor();
    Guest g = guest;
    guest = null;
    if (g != null) {
      g.close();
    }
    synchronized (takeover) { // a takeover under way leads first; its host and RocksDB close here
      Host h = host;
      host = null;
      if (h != null) {
        h.close(); // followers see their connection end and elect a new leader
      }
      Database d = local;
      local = null;
      if (d != null) {
        d.close();
      }
      releaseLock();
      seat.close();
    }
  }

  private static Path canonical(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    try {
      OwnerOnly.createDirectories(abs);
      return abs.toRealPath();
    } catch (IOException e) {
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED,
          "cannot create " + abs + ": " + e.getMessage(), e);
    }
  }
}
