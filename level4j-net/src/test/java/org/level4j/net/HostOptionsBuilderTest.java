package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;

/** HostOptions as a value: its defaults, its builder's round trip and the values it refuses. */
class HostOptionsBuilderTest {
  @Test
  void defaultsAreReadWriteWithoutHooksAndTheDocumentedLimits() {
    HostOptions d = HostOptions.defaults();
    assertThat(d.readOnly()).isFalse();
    assertThat(d.preput()).isNull();
    assertThat(d.predel()).isNull();
    assertThat(d.prebatch()).isNull();
    assertThat(d.maxFrameBytes()).isEqualTo(64 << 20);
    assertThat(d.maxUnsentBytes()).isEqualTo(1 << 20);
    assertThat(d.maxRequestsInFlight()).isEqualTo(4096);
    assertThat(d.maxIterators()).isEqualTo(1024);
    assertThat(d.maxSnapshots()).isEqualTo(1024);
    assertThat(d.maxHostIterators()).isEqualTo(16_384);
    assertThat(d.maxHostSnapshots()).isEqualTo(16_384);
    assertThat(d.maxConnections()).isEqualTo(1024);
    assertThat(d.checkpointsFromAnyGuest()).isFalse();
    assertThat(HostOptions.builder().build()).isEqualTo(d).hasSameHashCodeAs(d);
  }

  @Test
  void toBuilderBuildsEqualOptions() {
    BiConsumer<byte[], byte[]> preput = (k, v) -> { };
    Consumer<byte[]> predel = k -> { };
    Consumer<List<Op<byte[], byte[]>>> prebatch = ops -> { };
    HostOptions o = HostOptions.builder().readOnly(true).preput(preput).predel(predel)
        .prebatch(prebatch).maxFrameBytes(4096).maxUnsentBytes(100).maxRequestsInFlight(5)
        .maxIterators(6).maxSnapshots(7).maxHostIterators(10).maxHostSnapshots(11)
        .maxConnections(8).checkpointsFromAnyGuest(true).build();
    assertThat(o.toBuilder().build()).isEqualTo(o).hasSameHashCodeAs(o);
    assertThat(o.preput()).isSameAs(preput);
    assertThat(o.predel()).isSameAs(predel);
    assertThat(o.prebatch()).isSameAs(prebatch);
    assertThat(o.maxSnapshots()).isEqualTo(7);
    assertThat(o.maxHostIterators()).isEqualTo(10);
    assertThat(o.maxHostSnapshots()).isEqualTo(11);
    assertThat(o.maxConnections()).isEqualTo(8);
    assertThat(o.toString()).contains("maxConnections=8").contains("maxHostIterators=10")
        .contains("maxHostSnapshots=11");
    assertThat(o.toBuilder().maxHostIterators(12).build()).isNotEqualTo(o);
    assertThat(o.toBuilder().maxHostSnapshots(12).build()).isNotEqualTo(o);
    assertThat(o).isNotEqualTo(HostOptions.defaults());
    assertThat(o.toBuilder().maxConnections(9).build()).isNotEqualTo(o);
    assertThat(o.toBuilder().readOnly(false).build()).isNotEqualTo(o);
    assertThat(HostOptions.defaults().toBuilder().build()).isEqualTo(HostOptions.defaults());
  }

  @Test
  void aNullHookMeansNone() {
    HostOptions o = HostOptions.builder().preput((k, v) -> { }).build();
    assertThat(o.toBuilder().preput(null).build()).isEqualTo(HostOptions.defaults());
  }

  @Test
  void limitsBelowTheirLeastAreRefusedWithInvalidArgument() {
    refused(() -> HostOptions.builder().maxFrameBytes(15),
        "maxFrameBytes must be at least 16, got 15");
    refused(() -> HostOptions.builder().maxUnsentBytes(0),
        "maxUnsentBytes must be at least 1, got 0");
    refused(() -> HostOptions.builder().maxRequestsInFlight(0),
        "maxRequestsInFlight must be at least 1, got 0");
    refused(() -> HostOptions.builder().maxIterators(-1),
        "maxIterators must be at least 1, got -1");
    refused(() -> HostOptions.builder().maxSnapshots(0),
        "maxSnapshots must be at least 1, got 0");
    refused(() -> HostOptions.builder().maxHostIterators(0),
        "maxHostIterators must be at least 1, got 0");
    refused(() -> HostOptions.builder().maxHostSnapshots(-3),
        "maxHostSnapshots must be at least 1, got -3");
    refused(() -> HostOptions.builder().maxConnections(0),
        "maxConnections must be at least 1, got 0");
  }

  static void refused(Runnable set, String message) {
    assertThatThrownBy(set::run).isInstanceOfSatisfying(LevelException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT);
      assertThat(e.getMessage()).contains(message);
    });
  }
}
