package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.net.GuestOptions;
import org.level4j.net.HostOptions;
import org.level4j.rocksdb.RocksOptions;

/** RaveOptions as a value: its defaults, its builder's round trip and the values it refuses. */
class RaveOptionsTest {
  @Test
  void defaultsKeepTheLogShortAndRetryOnTheNextLeader() {
    RaveOptions d = RaveOptions.defaults();
    assertThat(d.rocks()).isEqualTo(RocksOptions.builder().writeBufferBytes(2L << 20)
        .flushAfter(Duration.ofMillis(40)).build());
    assertThat(d.giveUpAfter()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.retry()).isTrue();
    assertThat(d.guest()).isEqualTo(GuestOptions.builder().retry(true).build());
    assertThat(d.host()).isEqualTo(HostOptions.defaults());
    assertThat(d.registerMXBean()).isTrue();
    assertThat(RaveOptions.builder().build()).isEqualTo(d).hasSameHashCodeAs(d);
  }

  @Test
  void toBuilderBuildsEqualOptionsWhenEverySettingIsChanged() {
    RaveOptions o = RaveOptions.builder().rocks(RocksOptions.defaults())
        .giveUpAfter(Duration.ZERO)
        .guest(GuestOptions.builder().permanence(true).build()).retry(true)
        .host(HostOptions.builder().maxIterators(3).build()).registerMXBean(false).build();
    assertThat(o.toBuilder().build()).isEqualTo(o).hasSameHashCodeAs(o);
    assertThat(o.toBuilder().build().registerMXBean()).isFalse();
    assertThat(o.toBuilder().registerMXBean(true).build()).isNotEqualTo(o);
    assertThat(o.guest()).isEqualTo(GuestOptions.builder().permanence(true).retry(true).build());
    assertThat(o.toBuilder().retry(false).build().guest().permanence()).isTrue();
    assertThat(o).isNotEqualTo(RaveOptions.defaults());
  }

  @Test
  void valuesOutOfRangeAreRefusedWithInvalidArgument() {
    refused(() -> RaveOptions.builder().giveUpAfter(Duration.ofMillis(-1)),
        "giveUpAfter must be zero or a positive duration, got PT-0.001S");
    refused(() -> RaveOptions.builder().giveUpAfter(null), "giveUpAfter must be zero");
    refused(() -> RaveOptions.builder().rocks(null), "rocks must not be null");
    refused(() -> RaveOptions.builder().guest(null), "guest must not be null");
    refused(() -> RaveOptions.builder().host(null), "host must not be null");
  }

  private static void refused(Runnable set, String message) {
    assertThatThrownBy(set::run).isInstanceOfSatisfying(LevelException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT);
      assertThat(e.getMessage()).contains(message);
    });
  }
}
