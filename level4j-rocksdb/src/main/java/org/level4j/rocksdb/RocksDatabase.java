package org.level4j.rocksdb;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import org.level4j.Checkpointable;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.spi.ForwardingDatabase;
import org.level4j.LevelException;
import org.level4j.Registration;
import org.rocksdb.Checkpoint;
import org.rocksdb.RocksDBException;
import org.rocksdb.Statistics;
import org.rocksdb.Status;
import org.rocksdb.TickerType;

/**
 * A database opened by {@link RocksLevel}: the {@link Database} API, plus what RocksDB itself
 * offers an operator: its properties and statistics, checkpoints, and compaction.
 *
 * <pre>{@code
 * try (RocksDatabase db = RocksLevel.open(dir, RocksOptions.builder().statistics(true).build())) {
 *   long keys = db.longProperty("rocksdb.estimate-num-keys");
 *   long written = db.statistic(TickerType.NUMBER_KEYS_WRITTEN);
 *   db.checkpoint(Path.of("backup-1"));
 * }
 * }</pre>
 *
 * <p>Each method may be called from any thread, at any time while the database is open, and
 * fails with {@link ErrorCode#LEVEL_DATABASE_NOT_OPEN} otherwise; {@link #close()} waits for a
 * call in progress (a checkpoint or a compaction may take a while) before it closes RocksDB.
 */
public final class RocksDatabase extends ForwardingDatabase implements Checkpointable {
  private final RocksEngine engine;

  RocksDatabase(Database database, RocksEngine engine) {
    super(database);
    this.engine = engine;
  }

  /**
   * The directory, as an absolute path.
   *
   * @return the database directory
   */
  public Path location() {
    return engine.dir();
  }

  /**
   * A property of RocksDB, as text: {@code rocksdb.stats} (a report of levels, compactions and
   * stalls), {@code rocksdb.sstables}, {@code rocksdb.estimate-num-keys}, and the others RocksDB
   * lists in its {@code db.h}. Properties of the default column family, which holds the data.
   *
   * @param name the property, such as {@code rocksdb.stats}
   * @return its value now
   * @throws LevelException {@link ErrorCode#LEVEL_INVALID_ARGUMENT} if RocksDB has no such
   *     property
   */
  public String property(String name) {
    checkName(name);
    return engine.withOpen("read the property " + name, (db, s) -> {
      try {
        return db.getProperty(name);
      } catch (RocksDBException e) {
        throw unknown(name, e);
      }
    });
  }

  /**
   * A numeric property of RocksDB, such as {@code rocksdb.estimate-num-keys}, {@code
   * rocksdb.live-sst-files-size}, {@code rocksdb.total-sst-files-size}, {@code
   * rocksdb.cur-size-all-mem-tables} or {@code rocksdb.num-running-compactions}.
   *
   * @param name the property
   * @return its value now
   * @throws LevelException {@link ErrorCode#LEVEL_INVALID_ARGUMENT} if RocksDB has no such
   *     numeric property
   */
  public long longProperty(String name) {
    checkName(name);
    return engine.withOpen("read the property " + name, (db, s) -> {
      try {
        return db.getLongProperty(name);
      } catch (RocksDBException e) {
        throw unknown(name, e);
      }
    });
  }

  /**
   * Whether RocksDB keeps statistics for this database ({@link RocksOptions#statistics()}).
   *
   * @return true if {@link #statistics()} can be read
   */
  public boolean hasStatistics() {
    return engine.withOpen("read statistics", (db, s) -> s != null);
  }

  /**
   * One of RocksDB's statistics counters since the database opened.
   *
   * @param ticker the counter, such as {@link TickerType#NUMBER_KEYS_WRITTEN}
   * @return its value
   * @throws LevelException {@link ErrorCode#LEVEL_NOT_SUPPORTED} unless the database was opened
   *     with {@link RocksOptions#statistics()}
   */
  public long statistic(TickerType ticker) {
    if (ticker == null || ticker == TickerType.TICKER_ENUM_MAX) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "ticker must be one of RocksDB's counters, got " + ticker);
    }
    return engine.withOpen("read statistics", (db, s) -> statistics(s).getTickerCount(ticker));
  }

  /**
   * Every statistics counter of RocksDB since the database opened.
   *
   * @return the counters, read now, in {@link TickerType} order
   * @throws LevelException {@link ErrorCode#LEVEL_NOT_SUPPORTED} unless the database was opened
   *     with {@link RocksOptions#statistics()}
   */
  public Map<TickerType, Long> statistics() {
    return engine.withOpen("read statistics", (db, s) -> {
      Statistics stats = statistics(s);
      Map<TickerType, Long> all = new EnumMap<>(TickerType.class);
      for (TickerType t : TickerType.values()) {
        if (t != TickerType.TICKER_ENUM_MAX) {
          all.put(t, stats.getTickerCount(t));
        }
      }
      return Collections.unmodifiableMap(all);
    });
  }

  /**
   * Writes a consistent copy of the database, as it is now, to the new directory {@code dest},
   * while it stays open for reads and writes. Table files are hard-linked where {@code dest} is
   * on the same file system (so the copy takes little space until they change) and copied
   * otherwise; the write buffer is flushed first. Open the copy like any other directory, with
   * {@link RocksLevel#open(Path)}.
   *
   * @param dest a directory that does not exist yet; its parent is created if needed
   * @throws LevelException {@link ErrorCode#LEVEL_INVALID_ARGUMENT} if {@code dest} exists,
   *     {@link ErrorCode#LEVEL_IO_ERROR} if the copy could not be written (nothing is left at
   *     {@code dest} then)
   */
  @Override
  public void checkpoint(Path dest) {
    if (dest == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "dest must not be null");
    }
    Path to = dest.toAbsolutePath();
    if (Files.exists(to)) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, to
          + " already exists; a checkpoint makes a new directory, so remove it or choose another");
    }
    Path staging;
    try {
      Files.createDirectories(to.getParent());
      staging = ownerOnlyDirectory(to.getParent(), "." + to.getFileName() + ".checkpoint-");
    } catch (IOException e) {
      throw new LevelException(ErrorCode.LEVEL_IO_ERROR,
          "cannot create the directory " + to.getParent() + ": " + e, e);
    }
    // Made inside a directory only this user may enter, made so itself, and only then moved to
    // dest: the copy's files (hard links of the database's own, readable as they are) are never
    // reachable by other users, whatever the umask, as the database's own directory keeps them.
    Path copy = staging.resolve("copy");
    try {
      engine.withOpen("make a checkpoint in " + to, (db, s) -> {
        try (Checkpoint c = Checkpoint.create(db)) {
          c.createCheckpoint(copy.toString());
        }
        return null;
      });
      try {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
          Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwx------"));
        }
        Files.move(copy, to, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new LevelException(ErrorCode.LEVEL_IO_ERROR,
            "cannot move the checkpoint into place at " + to + ": " + e, e);
      }
    } finally {
      deleteTree(staging);
    }
  }

  /** A new directory in {@code parent} that only this user may enter (where there are owners). */
  private static Path ownerOnlyDirectory(Path parent, String prefix) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return Files.createTempDirectory(parent, prefix,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    return Files.createTempDirectory(parent, prefix);
  }

  /** Removes {@code dir} and what is in it, as far as it can: what is left is only ours. */
  private static void deleteTree(Path dir) {
    try (java.util.stream.Stream<Path> tree = Files.walk(dir)) {
      tree.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // left behind in a directory only this user can enter
        }
      });
    } catch (IOException | java.io.UncheckedIOException ignored) {
      // already gone
    }
  }

  /**
   * Compacts the whole database: rewrites its table files so that deleted and overwritten entries
   * take no more space and reads touch fewer files. Blocks until done, which takes about as long
   * as reading and writing the live data once.
   */
  public void compactRange() {
    engine.withOpen("compact", (db, s) -> {
      db.compactRange();
      return null;
    });
  }

  /**
   * Compacts the table files that hold keys from {@code from} to {@code to}, both included, as
   * {@link #compactRange()} does for all of them. Keys are raw bytes, as {@link #bytes()} sees
   * them (a sublevel's keys start with its prefix).
   *
   * @param from the first key, or {@code null} to start at the first key there is
   * @param to the last key, or {@code null} to go to the end
   */
  public void compactRange(byte[] from, byte[] to) {
    engine.withOpen("compact a range", (db, s) -> {
      db.compactRange(from, to);
      return null;
    });
  }

  /**
   * Registers this database's {@link RocksDatabaseMXBean} in the platform MBean server as {@code
   * org.level4j.rocksdb:type=RocksDatabase,dir="<directory>"}, replacing one of the same name.
   * While the database is closed the bean reads zeros.
   *
   * @return close it to unregister the bean
   * @throws LevelException {@link ErrorCode#LEVEL_NOT_SUPPORTED} if JMX refuses the bean
   */
  public Registration registerMXBean() {
    return RocksMonitor.register(this);
  }

  private static Statistics statistics(Statistics s) {
    if (s == null) {
      throw new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED, "RocksDB keeps no statistics for "
          + "this database; open it with RocksOptions.builder().statistics(true)");
    }
    return s;
  }

  private static void checkName(String name) {
    if (name == null || name.isEmpty()) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "property name must not be null or empty (try rocksdb.stats)");
    }
  }

  /** RocksDB answers NotFound for a property it does not have; anything else is a failure. */
  private static RocksDBException unknown(String name, RocksDBException e) {
    Status s = e.getStatus();
    if (s != null && s.getCode() == Status.Code.NotFound) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "RocksDB has no property "
          + name + " of that kind; see the names in RocksDB's db.h, such as rocksdb.stats or "
          + "rocksdb.estimate-num-keys (numeric)", e);
    }
    return e;
  }
}
