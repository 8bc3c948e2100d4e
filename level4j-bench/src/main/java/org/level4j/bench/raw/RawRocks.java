package org.level4j.bench.raw;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import org.level4j.rocksdb.RocksLevel;
import org.level4j.rocksdb.RocksOptions;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * For benchmarks only: plain rocksdbjni opened with exactly the native options {@link RocksLevel}
 * would use for the same {@link RocksOptions}, so that "raw" and "level4j" never drift apart in
 * configuration.
 *
 * <p>Those options, and the block cache, come from the engine's package-private {@code
 * RocksEngine.nativeOptions} and {@code RocksEngine.blockCache}, reached by reflection: the
 * benchmarks run on the class path, where that is allowed, and this way neither
 * level4j-rocksdb's API grows a method for benchmarks nor does this module put a class in
 * {@code org.level4j.rocksdb} (a package split over two jars).
 */
public final class RawRocks implements AutoCloseable {
  /** The open database. */
  public final RocksDB db;
  private final Options options;
  private final Cache cache;
  private final BloomFilter filter;

  private RawRocks(RocksDB db, Options options, Cache cache, BloomFilter filter) {
    this.db = db;
    this.options = options;
    this.cache = cache;
    this.filter = filter;
  }

  /**
   * Opens {@code dir} with the native options of {@code rocksOptions}.
   *
   * @param dir the database directory
   * @param rocksOptions what level4j would be opened with
   * @return the open database
   * @throws RocksDBException if RocksDB does not open it
   */
  public static RawRocks open(Path dir, RocksOptions rocksOptions) throws RocksDBException {
    RocksLevel.loadLibrary();
    Cache cache = (Cache) engine("blockCache", new Class<?>[] {RocksOptions.class}, rocksOptions);
    BloomFilter filter = new BloomFilter(10);
    Options options = (Options) engine("nativeOptions",
        new Class<?>[] {RocksOptions.class, Cache.class, BloomFilter.class},
        rocksOptions, cache, filter);
    return new RawRocks(RocksDB.open(options, dir.toString()), options, cache, filter);
  }

  /** Calls RocksEngine's static {@code name}, which builds what level4j opens RocksDB with. */
  private static Object engine(String name, Class<?>[] types, Object... args) {
    try {
      Method m = Class.forName("org.level4j.rocksdb.RocksEngine").getDeclaredMethod(name, types);
      m.setAccessible(true);
      return m.invoke(null, args);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("RocksEngine." + name + " failed", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("RocksEngine." + name + java.util.Arrays.toString(types)
          + " is gone or changed: update RawRocks to match", e);
    }
  }

  @Override
  public void close() {
    db.close();
    options.close();
    filter.close();
    if (cache != null) {
      cache.close();
    }
  }
}
