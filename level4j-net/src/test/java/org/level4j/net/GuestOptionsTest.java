package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.level4j.net.HostOptionsBuilderTest.refused;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** GuestOptions as a value: its defaults, its builder's round trip and the values it refuses. */
class GuestOptionsTest {
  @Test
  void defaultsDoNotRetryAndWaitThirtySecondsForTheHost() {
    GuestOptions d = GuestOptions.defaults();
    assertThat(d.retry()).isFalse();
    assertThat(d.maxFrameBytes()).isEqualTo(64 << 20);
    assertThat(d.permanence()).isFalse();
    assertThat(d.openTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(GuestOptions.builder().build()).isEqualTo(d).hasSameHashCodeAs(d);
  }

  @Test
  void toBuilderBuildsEqualOptions() {
    GuestOptions o = GuestOptions.builder().retry(true).maxFrameBytes(16).permanence(true)
        .openTimeout(Duration.ofMillis(1)).build();
    assertThat(o.toBuilder().build()).isEqualTo(o).hasSameHashCodeAs(o);
    assertThat(o).isNotEqualTo(GuestOptions.defaults());
    assertThat(o.toBuilder().retry(false).build().retry()).isFalse();
    assertThat(o.retry()).isTrue();
    assertThat(o.toString()).contains("retry=true", "maxFrameBytes=16", "openTimeout=PT0.001S");
  }

  @Test
  void valuesOutOfRangeAreRefusedWithInvalidArgument() {
    refused(() -> GuestOptions.builder().maxFrameBytes(15), "maxFrameBytes must be at least 16");
    refused(() -> GuestOptions.builder().openTimeout(Duration.ZERO),
        "openTimeout must be a positive duration, got PT0S");
    refused(() -> GuestOptions.builder().openTimeout(null), "openTimeout must be a positive");
  }
}
