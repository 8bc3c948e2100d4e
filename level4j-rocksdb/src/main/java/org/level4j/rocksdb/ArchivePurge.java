package org.level4j.rocksdb;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.rocksdb.RocksDB;

/**
 * Keeps the directory's {@code archive} folder of flushed write-ahead log files within what {@link
 * RocksOptions#walTtl()} and {@link RocksOptions#walSizeLimitBytes()} say, while the database is
 * open, checking every 1 to 2 seconds on the timer thread ({@link #periodNanos}), so that the
 * next open, a RaveLevel takeover, finds nothing to remove.
 *
 * <p>Why: RocksDB removes archived files when it opens, on the thread that opens, and after that,
 * when both limits are set (level4j's default), at most once every 10 minutes. Meanwhile the
 * archive grows by a file per flush, and {@link RocksOptions#flushAfter()} flushes up to 25 times
 * a second. A RaveLevel leader killed after 90 s under two followers' sequential puts left 874
 * to 1,071 archived files (264 to 310 MB), and opening its directory took 31 to 50 ms, deleting
 * 50 to 97 files and reading the time and size of every other; with this class, 19 to 21 ms
 * (docs/benchmarks.md, session 7).
 *
 * <p>RocksDB's own rules, which this applies a little ahead of time: a file goes once its
 * modification time is older than the time to live (here: older than the time to live less one
 * period, or less a quarter of it if that is shorter, so that at the next open none or few are
 * older); with a size limit, RocksDB keeps as many of
 * the newest files as the limit holds files the size of the largest (here: 90% of that, which
 * leaves room for the files archived until the next check).
 *
 * <p>Threads: {@link #run} on the timer thread only; the files' times and sizes are remembered
 * ({@link #known}), as RocksDB never changes an archived file.
 */
final class ArchivePurge extends TimedWork {
  private static final long MAX_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final long MIN_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** The share of RocksDB's count of files under the size limit that is kept. */
  private static final double SIZE_HEADROOM = 0.9;

  private final Path archive;
  /** The time to live in whole seconds, as RocksDB takes it, in ms; zero for none. */
  private final long ttlMillis;
  private final long sizeLimitBytes;
  private final long periodNanos;
  /** How much earlier than RocksDB a file goes: a period, at most a quarter of the ttl. */
  private final long earlyMillis;
  /** Archived files seen, by their number (oldest first). */
  private final TreeMap<Long, Archived> known = new TreeMap<>();

  /** {@code release} is the engine's release lock (read side). */
  ArchivePurge(Path dir, Duration ttl, long sizeLimitBytes, Lock release) {
    super(release);
    this.archive = dir.resolve("archive");
    this.ttlMillis = TimeUnit.SECONDS.toMillis(ttl.toSeconds());
    this.sizeLimitBytes = sizeLimitBytes;
    this.periodNanos = periodNanos(ttl);
    this.earlyMillis = Math.min(TimeUnit.NANOSECONDS.toMillis(periodNanos), ttlMillis / 4);
  }

  /** Whether options with this time to live and size limit keep an archive at all. */
  static boolean needed(Duration ttl, long sizeLimitBytes) {
    return ttl.toSeconds() > 0 || sizeLimitBytes > 0;
  }

  /** How often to check: a quarter of the time to live, within 1 to 2 seconds. */
  static long periodNanos(Duration ttl) {
    if (ttl.isZero()) {
      return MAX_PERIOD_NANOS;
    }
    return Math.max(MIN_PERIOD_NANOS, Math.min(MAX_PERIOD_NANOS, ttl.toNanos() / 4));
  }

  void start(RocksDB db) {
    every(db, periodNanos);
  }

  @Override
  void run(RocksDB db) {
    purge(System.currentTimeMillis());
  }

  /** Removes what is not kept at {@code nowMillis}; returns how many files it removed. */
  int purge(long nowMillis) {
    if (!look()) {
      return 0;
    }
    int removed = 0;
    if (ttlMillis > 0) {
      long oldest = nowMillis - (ttlMillis - earlyMillis);
      for (Iterator<Archived> it = known.values().iterator(); it.hasNext(); ) {
        Archived f = it.next();
        if (f.modifiedMillis() < oldest) {
          removed += remove(f.path());
          it.remove();
        }
      }
    }
    if (sizeLimitBytes > 0 && !known.isEmpty()) {
      long largest = 0;
      for (Iterator<Archived> it = known.values().iterator(); it.hasNext(); ) {
        Archived f = it.next();
        if (f.bytes() == 0) {
          removed += remove(f.path()); // as RocksDB does with an empty one
          it.remove();
        }
        largest = Math.max(largest, f.bytes());
      }
      long keep = largest == 0 ? known.size()
          : (long) (sizeLimitBytes / largest * SIZE_HEADROOM);
      for (Iterator<Archived> it = known.values().iterator();
          it.hasNext() && known.size() > keep; ) {
        removed += remove(it.next().path());
        it.remove();
      }
    }
    return removed;
  }

  /** Brings {@link #known} up to date with the folder; false if it cannot be read (yet). */
  private boolean look() {
    Set<Long> present = new HashSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(archive, "*.log")) {
      for (Path p : files) {
        Long number = logNumber(p);
        if (number == null) {
          continue;
        }
        present.add(number);
        if (!known.containsKey(number)) {
          try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            known.put(number, new Archived(p, a.lastModifiedTime().toMillis(), a.size()));
          } catch (NoSuchFileException e) {
            present.remove(number); // RocksDB removed it meanwhile
          }
        }
      }
    } catch (IOException e) {
      return false; // no archive yet, or tried again next time; RocksDB's own removal still runs
    }
    known.keySet().retainAll(present);
    return true;
  }

  private static int remove(Path p) {
    try {
      return Files.deleteIfExists(p) ? 1 : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The number in an archived log's name ({@code 000123.log}), or null for any other file. */
  static Long logNumber(Path p) {
    String name = p.getFileName().toString();
    int dot = name.length() - ".log".length();
    if (dot <= 0 || !name.endsWith(".log")) {
      return null;
    }
    for (int i = 0; i < dot; i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return null;
      }
    }
    try {
      return Long.parseLong(name, 0, dot, 10);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private record Archived(Path path, long modifiedMillis, long bytes) {}
}
