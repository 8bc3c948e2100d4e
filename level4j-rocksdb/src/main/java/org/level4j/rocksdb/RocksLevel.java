package org.level4j.rocksdb;

import java.nio.file.Path;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.spi.Databases;

/**
 * The embedded database: a directory of RocksDB files, like Node's {@code classic-level}.
 *
 * <pre>{@code
 * try (Database db = RocksLevel.open(Path.of("data"))) {
 *   db.put("greeting", "hello");
 * }
 * }</pre>
 *
 * <p>One process at a time may open a directory (RocksDB locks it): a second open, from this
 * process or another one, fails with {@link ErrorCode#LEVEL_LOCKED}. To share a directory
 * between processes, open it with {@code RaveLevel} instead, which elects one process to hold
 * it and lets the others reach it through that process.
 *
 * <p>Data outlives {@link Database#close()} and a crash of the process; {@link
 * RocksOptions#syncWrites()} or {@link org.level4j.WriteOptions#SYNC} also make it outlive a crash
 * of the machine. {@link Database#open()} reopens a closed database.
 *
 * <p>The {@link RocksDatabase} it returns also reads RocksDB's properties and statistics, makes
 * checkpoints and compacts; {@link RocksOptions.Builder#adjust} sets any option of RocksDB itself.
 *
 * <p>RocksDB writes its info log (diagnostics, not data) to the file {@code LOG} in the directory;
 * where {@code LOG} is a directory instead, as in a directory a RaveLevel has led, it writes it
 * inside that directory and leaves the rest of that layout as it is.
 */
public final class RocksLevel {
  private RocksLevel() {}

  /**
   * Opens (creating if needed) the database in {@code dir} with {@link RocksOptions#defaults()}.
   *
   * @param dir the database directory
   * @return the open database; close it when done
   */
  public static RocksDatabase open(Path dir) {
    return open(dir, RocksOptions.defaults());
  }

  /**
   * Opens the database in {@code dir}.
   *
   * @param dir the database directory
   * @param options how to open and tune RocksDB
   * @throws LevelException {@link ErrorCode#LEVEL_LOCKED} if another process (or another open
   *     database in this one) holds the directory, {@link ErrorCode#LEVEL_DATABASE_MISSING} or
   *     {@link ErrorCode#LEVEL_DATABASE_EXISTS} as the options ask, {@link
   *     ErrorCode#LEVEL_CORRUPTION} if the files cannot be read, {@link ErrorCode#LEVEL_IO_ERROR}
   *     for other failures
   * @return the open database; close it when done
   */
  public static RocksDatabase open(Path dir, RocksOptions options) {
    if (dir == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "directory must not be null");
    }
    if (options == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "options must not be null (use RocksOptions.defaults())");
    }
    RocksEngine engine = new RocksEngine(dir, options);
    return new RocksDatabase(Databases.open(engine), engine);
  }

  /**
   * Loads RocksDB's native library now rather than at the first open. RaveLevel followers call it
   * in the background, so that taking over as leader does not wait for it.
   */
  public static void loadLibrary() {
    RocksEngine.loadLibrary();
  }
}
