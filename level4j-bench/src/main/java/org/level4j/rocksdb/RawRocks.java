package org.level4j.rocksdb;

import java.nio.file.Path;
import org.rocksdb.BloomFilter;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * For benchmarks only: plain rocksdbjni opened with exactly the native options {@link RocksLevel}
 * would use for the same {@link RocksOptions}. It sits in this package (from the bench module) to
 * reach {@code RocksEngine.nativeOptions}, so that "raw" and "level4j" never drift apart in
 * configuration.
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

  public static RawRocks open(Path dir, RocksOptions rocksOptions) throws RocksDBException {
    RocksLevel.loadLibrary();
    LRUCache cache = rocksOptions.blockCacheBytes() > 0
        ? new LRUCache(rocksOptions.blockCacheBytes()) : null;
    BloomFilter filter = new BloomFilter(10);
    Options options = RocksEngine.nativeOptions(rocksOptions, cache, filter);
    return new RawRocks(RocksDB.open(options, dir.toString()), options, cache, filter);
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
