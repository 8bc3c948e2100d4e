package org.level4j.rocksdb;

import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.rocksdb.Options;
import org.rocksdb.Statistics;

/**
 * What {@link RocksOptions} adds to RocksDB's options after its own settings, for one open
 * period: RocksDB's statistics if asked for, then the user's {@link RocksOptions#adjust()}, last,
 * so that it can change anything level4j set.
 */
final class Tuning implements AutoCloseable {
  /** Null unless {@link RocksOptions#statistics()}. */
  final Statistics statistics;

  private Tuning(Statistics statistics) {
    this.statistics = statistics;
  }

  /**
   * Applies {@code options}' statistics and adjustment to {@code o}; frees what it made if the
   * adjustment fails.
   *
   * @throws LevelException {@link ErrorCode#LEVEL_INVALID_ARGUMENT} if the adjustment throws
   */
  static Tuning apply(RocksOptions options, Options o) {
    Statistics statistics = options.statistics() ? new Statistics() : null;
    if (statistics != null) {
      o.setStatistics(statistics);
    }
    try {
      options.adjust().accept(o);
    } catch (RuntimeException e) {
      if (statistics != null) {
        statistics.close();
      }
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "RocksOptions.adjust failed, so the database was not opened: " + e, e);
    }
    return new Tuning(statistics);
  }

  @Override
  public void close() {
    if (statistics != null) {
      statistics.close();
    }
  }
}
