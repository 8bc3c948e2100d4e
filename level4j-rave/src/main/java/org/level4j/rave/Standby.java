package org.level4j.rave;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.LevelIterator;
import org.level4j.MemoryLevel;
import org.level4j.Op;
import org.level4j.net.Connection;
import org.level4j.net.ConnectionListener;
import org.level4j.net.Guest;
import org.level4j.net.GuestOptions;
import org.level4j.net.Host;
import org.level4j.net.Listener;
import org.level4j.rocksdb.RocksLevel;

/**
 * Warms a follower up for a failover, once per JVM, in the background, so that a failover finds
 * its classes loaded and linked instead of paying for that between the old leader's death and the
 * first answer.
 *
 * <p>The standby (the follower next in line to lead: see {@link Seat}) runs the path a takeover
 * runs ({@link #warm}: load RocksDB's native library; lead a directory with RaveLevel: open
 * RocksDB, listen, publish, answer a guest over the socket, write locally; a guest's reconnect)
 * on a scratch directory, then deletes it; RocksDB's background threads are started too. The
 * followers behind it only run their own part of a failover ({@link #warmReconnect}: a guest's
 * reconnect, against an in-memory database), which costs about half as much processor time.
 * Measured as the whole process's CPU time of a follower of {@code level4j serve DIR} (level4j-
 * bench's StandbyCost with a 1.5 s wait, under {@code /usr/bin/time}), 4 alternated pairs with
 * and without {@code -Dlevel4j.warmStandby=false}: the standby's warm-up 160 to 270 ms, a
 * follower's behind it 70 to 110 ms.
 *
 * <p>Measured before this existed (bench --failover, 2 followers): the winner's RocksDB open took
 * about 37 ms cold against about 9 ms warm for the same log, and its first answers a few ms more.
 *
 * <p>The leader's warm-up costs the standby processor time once, most of it the JIT
 * compiling what the exercise runs. Measured on 2 cores with level4j-bench's StandbyCost (the
 * process CPU time from the open to 3 s later), 6 runs each over two sittings: with the client
 * compiler alone, 260 to 420 ms at {@link #ROUNDS} = 30 and 490 to 650 ms at 150; with the JVM's
 * default compilers, 290 to 710 ms and 540 to 960 ms; without the warm-up, 10 to 20 ms. 150
 * rounds ran the host's write path past the client compiler's threshold, so that a takeover
 * would not compile it, but a follower's put_seq run right after joining (bench, 100,000 puts;
 * medians of two sets of runs) was 22% and 11% slower than with 30 rounds, and no measurement
 * of the outage showed what they saved; so 30 it is. {@code -Dlevel4j.standbyRounds=N} changes
 * it and {@code -Dlevel4j.warmStandby=false} turns the warm-up off (to measure either again).
 */
final class Standby {
  private static final System.Logger LOG = System.getLogger("org.level4j.rave");
  private static final String PREFIX = "level4j-standby-";
  private static final Object ONCE = new Object();
  /**
   * Rounds of writes and reads per exercise: each path a takeover runs, loaded, linked and run
   * in the interpreter a few times; not the 200 calls after which the JIT's first tier compiles
   * a method (see the class comment for what those cost).
   */
  static final int ROUNDS = Integer.getInteger("level4j.standbyRounds", 30);
  /** The warm-up this JVM started: 0 none yet, {@link #FOLLOWER} or {@link #LEADER}. */
  private static int started;
  /**
   * Whether each directory that asked for the leader's warm-up since it was last decided still
   * wants it (see {@link #warmLeader}); guarded by {@link #ONCE}.
   */
  private static final List<BooleanSupplier> WANTING = new ArrayList<>();
  /** Whether a leader's warm-up waits to decide ({@link #WANTING}); guarded by {@link #ONCE}. */
  private static boolean pending;
  private static final int FOLLOWER = 1;
  private static final int LEADER = 2;

  private Standby() {}

  private static boolean enabled() {
    return !"false".equals(System.getProperty("level4j.warmStandby"));
  }

  /**
   * How long a follower that became the standby by waiting in line waits before the leader's
   * warm-up, which it then runs only if it is still the standby. Its turn came because the
   * standby before it took over (the new leader hands the place on {@link
   * Seat#HANDOVER_DELAY_NANOS} later) or left, and followers often leave together: measured in
   * bench --followers 4, where each follower closes when its puts are done, every follower still
   * writing became the standby in turn and warmed up at once, inside its own timed run (3 runs:
   * the first follower in line ran 17,600 to 20,000 puts a second, the three behind it 14,400
   * to 17,200). A standby that leads or leaves within this time never warms up.
   */
  static final long LATE_DELAY_NANOS = 500_000_000;

  /**
   * For the standby: starts the leader's warm-up ({@link #warm}) on a daemon thread, once per
   * JVM; for one that {@code waited} in line, after {@link #LATE_DELAY_NANOS}, and only if then
   * {@code stillStandby} (or that of another directory of this JVM that asked meanwhile) says so.
   */
  static void warmLeader(RaveOptions options, boolean waited, BooleanSupplier stillStandby) {
    int before;
    synchronized (ONCE) {
      if (started == LEADER && !pending) {
        return; // warm, or warming up
      }
      WANTING.add(waited ? stillStandby : () -> true);
      if (pending) {
        return; // the warm-up waiting to start decides for this directory too
      }
      before = started;
      started = LEADER;
      pending = true;
    }
    boolean warm = enabled();
    start(() -> {
      if (waited) {
        LockSupport.parkNanos(LATE_DELAY_NANOS);
      }
      synchronized (ONCE) {
        boolean wanted = WANTING.stream().anyMatch(BooleanSupplier::getAsBoolean);
        WANTING.clear();
        pending = false;
        if (!wanted) {
          started = before; // the next standby of this JVM warms up then
          return;
        }
      }
      RocksLevel.loadLibrary();
      if (warm) {
        warm(options);
      }
    });
  }

  /**
   * For a follower behind the standby: starts the follower's own part of a failover's warm-up
   * ({@link #warmReconnect}) on a daemon thread, once per JVM, unless the leader's (which
   * includes it) was started.
   */
  static void warmFollower(RaveOptions options) {
    synchronized (ONCE) {
      if (started != 0) {
        return;
      }
      started = FOLLOWER;
    }
    if (enabled()) {
      start(() -> warmReconnect(options));
    }
  }

  private static void start(Runnable r) {
    Thread t = new Thread(r, "level4j-standby");
    t.setDaemon(true);
    t.start();
  }

  /**
   * What a follower that stays a follower runs in a failover: its guest loses the connection
   * with a write pending, finds the next leader's socket and reconnects, re-sends the write. Run
   * against a host of an in-memory database on a scratch socket, so without RocksDB. Measured
   * (bench --failover 2, 8 kills, 2 alternated runs each) before this existed, with the standby
   * alone warm: the follower that stayed resumed 21 to 22 ms after the kill (median), against
   * 15.5 to 18 ms when it too had run the leader's warm-up.
   */
  static void warmReconnect(RaveOptions options) {
    rehearse("follower", scratch -> {
      Path socket = scratch.resolve(SocketPath.NAME);
      Database memory = MemoryLevel.open();
      AtomicReference<Host> host = new AtomicReference<>(
          Host.of(memory, options.host()).listen(Listener.unix(socket, true)));
      try (Guest guest = Guest.connect(() -> connectAgain(scratch, socket),
          GuestOptions.builder().retry(true).build())) {
        guest.onConnectionChange(new ConnectionListener() {});
        exercise(guest);
        host.getAndSet(null).close();
        CompletableFuture<Void> pending = guest.async().put("pending", "1");
        host.set(Host.of(memory, options.host()).listen(Listener.unix(socket, true)));
        pending.get(10, TimeUnit.SECONDS);
        exercise(guest);
      } finally {
        Host last = host.getAndSet(null);
        if (last != null) {
          last.close();
        }
        memory.close();
      }
    });
  }

  /** As a follower looks for the next leader: its record, the socket's owner, then the socket. */
  private static Connection connectAgain(Path dir, Path socket) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      LeaderInfo.read(dir);
      if (Owner.isOurs(socket)) {
        try {
          return Connection.unixSharedMemory(socket); // as Presence connects: both sides' code
        } catch (RuntimeException refused) {
          // the next host is not listening yet
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("the scratch host did not come back");
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  static void warm(RaveOptions options) {
    rehearse("standby", scratch -> {
      Path data = scratch.resolve("db");
      // This process leads the scratch directory (RocksDB, host, socket, LEADER.info: the code a
      // takeover runs) and a guest of its own follows it, first over the socket. Then the leader
      // goes while the guest has a write pending, a new one opens the directory (recovering its
      // log, as a takeover does), and the guest reconnects, over an in-memory pipe as the
      // winner's own guest does, and re-sends the write. Everything also writes locally, as a
      // leader does.
      AtomicReference<RaveLevel> current = new AtomicReference<>(RaveLevel.open(data, options));
      AtomicInteger connections = new AtomicInteger();
      Path socket = RaveLevel.leaderSocket(data);
      try (Guest guest = Guest.connect(() -> connect(current, connections, socket),
          GuestOptions.builder().retry(true).build())) {
        // A follower's guest has a listener (its Presence marks the stages of a failover): with
        // one here, the reconnect below runs the code that tells it, as a real one will.
        guest.onConnectionChange(new ConnectionListener() {});
        exercise(guest);
        exercise(current.get());
        RaveLevel gone = current.getAndSet(null);
        gone.close();
        CompletableFuture<Void> pending = guest.async().put("pending", "1");
        current.set(RaveLevel.open(data, options));
        pending.get(10, TimeUnit.SECONDS);
        exercise(guest);
        exercise(current.get());
      } finally {
        RaveLevel last = current.getAndSet(null);
        if (last != null) {
          last.close();
        }
      }
    });
  }

  /** A warm-up's work, given the scratch directory it may use. */
  private interface Rehearsal {
    void run(Path scratch) throws Exception;
  }

  /**
   * Runs {@code rehearsal} in a new scratch directory, then deletes the directory. Only a
   * warm-up: a failure is logged at DEBUG, and a failover works without it, just more slowly.
   */
  private static void rehearse(String what, Rehearsal rehearsal) {
    long t0 = System.nanoTime();
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory(PREFIX + ProcessHandle.current().pid() + "-");
      sweep(scratch);
      rehearsal.run(scratch);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception | Error e) {
      LOG.log(System.Logger.Level.DEBUG, "the " + what + " warm-up failed", e);
    } finally {
      if (scratch != null) {
        delete(scratch);
      }
    }
    if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
      LOG.log(System.Logger.Level.DEBUG, String.format("%s warm in %.1f ms", what,
          (System.nanoTime() - t0) / 1e6));
    }
  }

  /** The first connection over the leader's socket, the later ones over a pipe to its host. */
  private static Connection connect(AtomicReference<RaveLevel> current, AtomicInteger connections,
      Path socket) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      RaveLevel leader = current.get();
      Host host = leader == null ? null : leader.presence().host();
      if (host != null) {
        if (connections.getAndIncrement() == 0) {
          return Connection.unixSharedMemory(socket); // the host's side of the offer too
        }
        Connection.Pipe pipe = Connection.pipe();
        host.serve(pipe.host());
        return pipe.guest();
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("the scratch leader did not come back");
      }
      try {
        // Refused, as a follower's first attempts are while the next leader opens RocksDB.
        Connection.unix(socket).close();
      } catch (RuntimeException expected) {
        // that is the point
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  /** The host side of what followers ask a new leader first: reads, writes, batches, scans. */
  private static void exercise(Database db) {
    for (int i = 0; i < ROUNDS; i++) {
      String key = "k" + (i % 10);
      db.put(key, "v" + i);
      db.get(key);
      if (i % 10 == 0) {
        db.batch(List.of(Op.put(key, "b" + i), Op.del("k" + (i + 1) % 10)));
        String seen = db.get(key);
        db.batch(List.of(Op.expect(key, seen), Op.put(key, "c" + i)));
        try (LevelIterator<String, Entry<String, String>> it = db.iterator()) {
          it.nextv(20);
        }
      }
    }
  }

  /** Removes scratch directories of this user's processes that died while warming up. */
  private static void sweep(Path mine) {
    try (DirectoryStream<Path> all = Files.newDirectoryStream(mine.getParent(), PREFIX + "*")) {
      UserPrincipal me = Files.getOwner(mine);
      for (Path p : all) {
        String rest = p.getFileName().toString().substring(PREFIX.length());
        int dash = rest.indexOf('-');
        long pid;
        try {
          pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
        } catch (NumberFormatException e) {
          continue;
        }
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (!alive && ownedBy(p, me)) {
          delete(p);
        }
      }
    } catch (IOException | RuntimeException e) {
      // nothing to sweep, or not ours to sweep
    }
  }

  private static boolean ownedBy(Path p, UserPrincipal me)
      throws IOException {
    PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class,
        java.nio.file.LinkOption.NOFOLLOW_LINKS);
    return a.isDirectory() && a.owner().equals(me);
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | RuntimeException e) {
      // a leftover the next warm-up sweeps
    }
  }
}
