package org.level4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.rocksdb.RocksLevel;
import org.level4j.rocksdb.RocksOptions;

/**
 * The one place where the command line opens a database, so that the engine behind every command
 * (today {@link RocksLevel}) can be changed here alone.
 */
final class Target {
  private Target() {}

  /**
   * Opens the database in {@code dir}.
   *
   * @param create whether to create it if missing (writes do; reads must not leave an empty
   *     database behind in a mistyped directory)
   */
  static Database open(Path dir, boolean create) {
    if (!create && !Files.exists(dir)) {
      throw new LevelException(ErrorCode.LEVEL_DATABASE_MISSING,
          dir + " does not exist (a write such as `level4j put` creates a database)");
    }
    if (!create && !Files.exists(dir.resolve("CURRENT"))) {
      // Checked here because RocksDB leaves LOCK and LOG files behind even when it refuses to
      // create a database: a mistyped read must not litter a directory.
      throw new LevelException(ErrorCode.LEVEL_DATABASE_MISSING, dir + " holds no database");
    }
    try {
      return RocksLevel.open(dir, RocksOptions.builder().createIfMissing(create).build());
    } catch (LevelException e) {
      if (e.code() == ErrorCode.LEVEL_LOCKED) {
        throw new LevelException(ErrorCode.LEVEL_LOCKED,
            dir + " is in use by another process (it holds the directory's lock)", e);
      }
      throw e;
    }
  }

  /** Opens the database served at {@code uri}: {@code tcp://HOST:PORT} or {@code unix:PATH}. */
  static Database connect(String uri) {
    throw new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED,
        "--connect is not available yet in this build (" + uri + ")");
  }
}
