package org.level4j.bench.raw;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import org.level4j.rocksdb.RocksLevel;
import org.level4j.rocksdb.RocksOptions;
import org.rocksdb.BloomFilter;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * For benchmarks only: plain rocksdbjni opened with exactly the native options {@link RocksLevel}
 * would use for the same {@link RocksOptions}, so that "raw" and "level4j" never drift apart in
 * configuration.
 *
 * <p>Those options come from the engine's package-private {@code RocksEngine.nativeOptions},
 * reached by reflection: the benchmarks run on the class path, where that is allowed, and this
 * way neither level4j-rocksdb's API grows a method for benchmarks nor does this module put a
 * class in {@code org.level4j.rocksdb} (a package split over two jars).
 */
public final class RawRocks implements AutoCloseable {
  /** The open database. */
  public final RocksDB db;
  private final Options options;
  private final LRUCache cache;
  private final BloomFilter filter;

  private RawRocks(RocksDB db, Options options, LRUCache cache, BloomFilter filter) {
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
    LRUCache cache = rocksOptions.blockCacheBytes() > 0
        ? new LRUCache(rocksOptions.blockCacheBytes()) : null;
    BloomFilter filter = new BloomFilter(10);
    Options options = nativeOptions(rocksOptions, cache, filter);
    return new RawRocks(RocksDB.open(options, dir.toString()), options, cache, filter);
  }

  private static Options nativeOptions(RocksOptions rocksOptions, LRUCache cache,
      BloomFilter filter) {
    try {
      Method m = Class.forName("org.level4j.rocksdb.RocksEngine").getDeclaredMethod(
          "nativeOptions", RocksOptions.class, LRUCache.class, BloomFilter.class);
      m.setAccessible(true);
      return (Options) m.invoke(null, rocksOptions, cache, filter);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("RocksEngine.nativeOptions failed", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("RocksEngine.nativeOptions(RocksOptions, LRUCache, "
          + "BloomFilter) is gone or changed: update RawRocks to match", e);
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
