package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.rocksdb.Options;

/** RocksOptions as a value: its builder's round trip and the values it refuses, with their code. */
class RocksOptionsTest {
  @Test
  void defaultsKeepTheirDocumentedValues() {
    RocksOptions d = RocksOptions.defaults();
    assertThat(d.flushAfter()).isEqualTo(Duration.ZERO);
    assertThat(d.walTtl()).isEqualTo(Duration.ofMinutes(1));
    assertThat(d.walSizeLimitBytes()).isEqualTo(256L << 20);
    assertThat(d.statistics()).isFalse();
    assertThat(RocksOptions.builder().build()).isEqualTo(d).hasSameHashCodeAs(d);
  }

  @Test
  void toBuilderBuildsEqualOptionsWhenEverySettingIsChanged() {
    Consumer<Options> adjust = o -> o.setMaxBackgroundJobs(4);
    RocksOptions o = RocksOptions.builder().createIfMissing(false).errorIfExists(true)
        .syncWrites(true).blockCacheBytes(0).writeBufferBytes(64L << 10)
        .compression(RocksOptions.Compression.ZSTD).flushAfter(Duration.ofMillis(10))
        .walTtl(Duration.ZERO).walSizeLimitBytes(0).statistics(true).adjust(adjust).build();
    assertThat(o.toBuilder().build()).isEqualTo(o).hasSameHashCodeAs(o);
    assertThat(o.adjust()).isSameAs(adjust);
    assertThat(o).isNotEqualTo(RocksOptions.defaults());
  }

  @Test
  void valuesOutOfRangeAreRefusedWithInvalidArgument() {
    refused(() -> RocksOptions.builder().blockCacheBytes(-1), "blockCacheBytes must be 0 or more");
    refused(() -> RocksOptions.builder().writeBufferBytes(65535),
        "writeBufferBytes must be at least 65536, got 65535");
    refused(() -> RocksOptions.builder().compression(null), "compression must not be null");
    refused(() -> RocksOptions.builder().flushAfter(Duration.ofMillis(9)),
        "flushAfter must be zero (off) or at least 10 ms");
    refused(() -> RocksOptions.builder().walTtl(Duration.ofSeconds(-1)), "walTtl must be zero");
    refused(() -> RocksOptions.builder().walSizeLimitBytes(-1), "walSizeLimitBytes must be zero");
    refused(() -> RocksOptions.builder().adjust(null), "adjust must not be null");
  }

  private static void refused(Runnable set, String message) {
    assertThatThrownBy(set::run).isInstanceOfSatisfying(LevelException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT);
      assertThat(e.getMessage()).contains(message);
    });
  }
}
