package org.level4j.rocksdb;

import java.util.Map;

/**
 * What a {@link RocksDatabase} tells operators over JMX (jconsole, {@code jcmd}, any JMX client),
 * once {@link RocksDatabase#registerMXBean()} registered it. Each attribute is read from RocksDB
 * when asked; while the database is closed, numbers read 0 and the statistics are empty.
 */
public interface RocksDatabaseMXBean {
  /**
   * The directory, as an absolute path.
   *
   * @return the directory
   */
  String getDirectory();

  /**
   * Whether the database is open now.
   *
   * @return true while open
   */
  boolean isOpen();

  /**
   * RocksDB's estimate of the number of keys ({@code rocksdb.estimate-num-keys}).
   *
   * @return the estimated number of keys
   */
  long getEstimatedKeys();

  /**
   * Bytes of the table files the current version uses ({@code rocksdb.live-sst-files-size}).
   *
   * @return live table file bytes
   */
  long getLiveSstBytes();

  /**
   * Bytes of the write buffers in memory ({@code rocksdb.cur-size-all-mem-tables}).
   *
   * @return write buffer bytes
   */
  long getMemTableBytes();

  /**
   * Bytes RocksDB estimates compaction still has to rewrite ({@code
   * rocksdb.estimate-pending-compaction-bytes}); growing steadily means writes outpace it.
   *
   * @return pending compaction bytes
   */
  long getPendingCompactionBytes();

  /**
   * Compactions running now ({@code rocksdb.num-running-compactions}).
   *
   * @return running compactions
   */
  long getRunningCompactions();

  /**
   * RocksDB's statistics counters by name ({@code rocksdb.block.cache.miss}, ...), empty unless
   * the database was opened with {@link RocksOptions#statistics()}.
   *
   * @return the counters
   */
  Map<String, Long> getStatistics();
}
