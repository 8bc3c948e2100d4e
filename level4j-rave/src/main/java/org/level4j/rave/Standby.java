package org.level4j.rave;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.LevelIterator;
import org.level4j.Op;
import org.level4j.net.Connection;
import org.level4j.net.Guest;
import org.level4j.net.Host;
import org.level4j.net.Listener;
import org.level4j.rocksdb.RocksLevel;
import org.level4j.rocksdb.RocksOptions;

/**
 * Makes a follower a warm standby: once per JVM, in the background, it runs the path a takeover
 * runs (load RocksDB's native library, open a RocksDB directory that has a log to replay, serve it
 * to a guest over a Unix socket) on a scratch directory, then deletes it. A takeover then finds
 * its classes loaded, RocksDB's background threads started and the host's code compiled, instead
 * of paying for all of that between the old leader's death and the first answer.
 *
 * <p>Measured before this existed (bench --failover, 2 followers): the winner's RocksDB open took
 * about 37 ms cold against about 9 ms warm for the same log, and its first answers a few ms more.
 * {@code -Dlevel4j.warmStandby=false} turns it off (to measure that difference again).
 */
final class Standby {
  private static final System.Logger LOG = System.getLogger("org.level4j.rave");
  private static final String PREFIX = "level4j-standby-";
  private static final Object ONCE = new Object();
  private static boolean started;

  private Standby() {}

  /** Starts the warm-up on a daemon thread, once per JVM. */
  static void warmInBackground(RocksOptions rocks) {
    synchronized (ONCE) {
      if (started) {
        return;
      }
      started = true;
    }
    boolean warm = !"false".equals(System.getProperty("level4j.warmStandby"));
    Thread t = new Thread(() -> {
      RocksLevel.loadLibrary();
      if (warm) {
        warm(rocks);
      }
    }, "level4j-standby");
    t.setDaemon(true);
    t.start();
  }

  static void warm(RocksOptions rocks) {
    long t0 = System.nanoTime();
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory(PREFIX + ProcessHandle.current().pid() + "-");
      sweep(scratch);
      Path data = scratch.resolve("db");
      try (Database db = RocksLevel.open(data, rocks)) {
        db.put("standby", "0"); // left in the log for the reopen to replay
      }
      try (Database db = RocksLevel.open(data, rocks);
          Host host = Host.of(db)) {
        Path socket = scratch.resolve("s.sock");
        host.listen(Listener.unix(socket, true));
        new LeaderInfo(ProcessHandle.current().pid(), socket).write(scratch);
        LeaderInfo.read(scratch);
        try (Guest guest = Guest.connect(() -> Connection.unix(socket))) {
          exercise(guest);
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      // Only a warm-up: a takeover works without it, just more slowly.
      LOG.log(System.Logger.Level.DEBUG, "the standby warm-up failed", e);
    } finally {
      if (scratch != null) {
        delete(scratch);
      }
    }
    if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
      LOG.log(System.Logger.Level.DEBUG, String.format("standby warm in %.1f ms",
          (System.nanoTime() - t0) / 1e6));
    }
  }

  /** The host side of what followers ask a new leader first: reads, writes, batches, scans. */
  private static void exercise(Database db) {
    for (int i = 0; i < 300; i++) {
      String key = "k" + (i % 50);
      db.put(key, "v" + i);
      db.get(key);
      if (i % 10 == 0) {
        db.batch(List.of(Op.put(key, "b" + i), Op.del("k" + (i + 1) % 50)));
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
      java.nio.file.attribute.UserPrincipal me = Files.getOwner(mine);
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

  private static boolean ownedBy(Path p, java.nio.file.attribute.UserPrincipal me)
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
