package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDatabaseMetricsTest {
  @TempDir
  Path dir;

  @Test
  void metersShowKeysAndRocksDbCountersTaggedWithTheDirectory() {
    MeterRegistry registry = new SimpleMeterRegistry();
    try (RocksDatabase db = RocksLevel.open(dir, RocksOptions.builder().statistics(true).build())) {
      new RocksDatabaseMetrics(db, Tags.of("app", "test")).bindTo(registry);
      db.put("a", "1");
      db.put("b", "2");
      String where = dir.toAbsolutePath().toString();
      assertThat(registry.get("level4j.rocksdb.keys").tag("dir", where).tag("app", "test")
          .gauge().value()).isEqualTo(2.0);
      assertThat(registry.get("level4j.rocksdb.ticker").tag("ticker", "number.keys.written")
          .functionCounter().count()).isEqualTo(2.0);
      db.close();
      assertThat(registry.get("level4j.rocksdb.keys").gauge().value()).isZero();
    }
  }

  @Test
  void withoutStatisticsOnlyThePropertyGaugesAreBound() {
    MeterRegistry registry = new SimpleMeterRegistry();
    try (RocksDatabase db = RocksLevel.open(dir)) {
      new RocksDatabaseMetrics(db).bindTo(registry);
      assertThat(registry.find("level4j.rocksdb.ticker").meters()).isEmpty();
      assertThat(registry.get("level4j.rocksdb.sst.live.bytes").gauge().value()).isZero();
    }
  }
}
