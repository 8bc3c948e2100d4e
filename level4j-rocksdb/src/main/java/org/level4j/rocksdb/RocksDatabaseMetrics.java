package org.level4j.rocksdb;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import org.rocksdb.TickerType;

/**
 * The figures of a {@link RocksDatabase} (those of its {@link RocksDatabaseMXBean}) as Micrometer
 * meters, tagged with the directory:
 *
 * <ul>
 *   <li>{@code level4j.rocksdb.keys} (gauge): RocksDB's estimate of the number of keys;
 *   <li>{@code level4j.rocksdb.sst.live.bytes} (gauge): bytes of the table files in use;
 *   <li>{@code level4j.rocksdb.memtable.bytes} (gauge): bytes of the write buffers;
 *   <li>{@code level4j.rocksdb.compaction.pending.bytes} (gauge): bytes compaction still has to
 *       rewrite;
 *   <li>{@code level4j.rocksdb.compactions.running} (gauge): compactions running now;
 *   <li>{@code level4j.rocksdb.ticker} (counters, tagged {@code ticker=<name>}, such as {@code
 *       block.cache.miss}): each of RocksDB's statistics counters, if the database was opened with
 *       {@link RocksOptions#statistics()} when the meters were bound.
 * </ul>
 *
 * <pre>{@code
 * new RocksDatabaseMetrics(db).bindTo(registry);
 * }</pre>
 *
 * <p>Micrometer is an optional dependency of level4j-rocksdb: add {@code
 * io.micrometer:micrometer-core} to use this class. The meters hold the database weakly and read
 * it when the registry asks; while it is closed they read 0.
 */
public final class RocksDatabaseMetrics implements MeterBinder {
  private final RocksDatabase db;
  private final Tags tags;

  /**
   * Meters for {@code db}, tagged {@code dir=<its directory>}.
   *
   * @param db the database to measure
   */
  public RocksDatabaseMetrics(RocksDatabase db) {
    this(db, Tags.empty());
  }

  /**
   * Meters for {@code db}, tagged {@code dir=<its directory>} and with {@code tags}.
   *
   * @param db the database to measure
   * @param tags added to every meter
   */
  public RocksDatabaseMetrics(RocksDatabase db, Iterable<Tag> tags) {
    this.db = Objects.requireNonNull(db, "db");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags")).and("dir", db.location().toString());
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    gauge(registry, "level4j.rocksdb.keys", "rocksdb.estimate-num-keys",
        "RocksDB's estimate of the number of keys");
    gauge(registry, "level4j.rocksdb.sst.live.bytes", "rocksdb.live-sst-files-size",
        "bytes of the table files the database uses");
    gauge(registry, "level4j.rocksdb.memtable.bytes", "rocksdb.cur-size-all-mem-tables",
        "bytes of the write buffers in memory");
    gauge(registry, "level4j.rocksdb.compaction.pending.bytes",
        "rocksdb.estimate-pending-compaction-bytes", "bytes compaction still has to rewrite");
    gauge(registry, "level4j.rocksdb.compactions.running", "rocksdb.num-running-compactions",
        "compactions running now");
    if (db.hasStatistics()) {
      for (TickerType t : TickerType.values()) {
        if (t != TickerType.TICKER_ENUM_MAX) {
          FunctionCounter.builder("level4j.rocksdb.ticker", db, d -> ticker(d, t))
              .description("a RocksDB statistics counter")
              .tags(tags.and("ticker", RocksMonitor.name(t)))
              .register(registry);
        }
      }
    }
  }

  private void gauge(MeterRegistry registry, String name, String property, String description) {
    Gauge.builder(name, db, d -> RocksMonitor.property(d, property))
        .description(description)
        .tags(tags)
        .register(registry);
  }

  private static double ticker(RocksDatabase d, TickerType t) {
    try {
      return d.statistic(t);
    } catch (org.level4j.LevelException e) {
      return 0; // closed
    }
  }
}
