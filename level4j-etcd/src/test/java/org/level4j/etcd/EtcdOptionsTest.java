package org.level4j.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/** EtcdOptions as a value: its defaults, its builder's round trip and the values it refuses. */
class EtcdOptionsTest {
  @Test
  void defaultsArePlainUnauthenticatedAndEtcdsOwnLimits() {
    EtcdOptions d = EtcdOptions.defaults();
    assertThat(d.user()).isNull();
    assertThat(d.password()).isNull();
    assertThat(d.tls()).isFalse();
    assertThat(d.trustCertificates()).isNull();
    assertThat(d.clientCertificate()).isNull();
    assertThat(d.clientKey()).isNull();
    assertThat(d.authority()).isNull();
    assertThat(d.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.maxRequestBytes()).isEqualTo(EtcdOptions.DEFAULT_MAX_REQUEST_BYTES)
        .isEqualTo(1536 * 1024);
    assertThat(d.maxTxnOps()).isEqualTo(EtcdOptions.DEFAULT_MAX_TXN_OPS).isEqualTo(128);
    assertThat(d.iteratorPageSize()).isEqualTo(500);
    assertThat(EtcdOptions.builder().build()).isEqualTo(d).hasSameHashCodeAs(d);
  }

  @Test
  void toBuilderBuildsEqualOptionsWhenEverySettingIsChanged() {
    EtcdOptions o = EtcdOptions.builder().auth("app", "secret")
        .trustCertificates(Path.of("ca.pem"))
        .clientCertificate(Path.of("client.pem"), Path.of("client-key.pem"))
        .authority("etcd.example").requestTimeout(Duration.ofSeconds(1))
        .connectTimeout(Duration.ofSeconds(2)).maxRequestBytes(4096).maxTxnOps(2)
        .iteratorPageSize(1).build();
    assertThat(o.toBuilder().build()).isEqualTo(o).hasSameHashCodeAs(o);
    assertThat(o.tls()).isTrue();
    assertThat(o).isNotEqualTo(EtcdOptions.defaults());
    assertThat(o.toBuilder().auth("app", "other").build()).isNotEqualTo(o);
    assertThat(o.toString()).contains("password=***").doesNotContain("secret");
  }

  @Test
  void valuesOutOfRangeAreRefusedWithInvalidArgument() {
    refused(() -> EtcdOptions.builder().requestTimeout(Duration.ZERO),
        "requestTimeout must be a positive duration, got PT0S");
    refused(() -> EtcdOptions.builder().connectTimeout(null), "connectTimeout must be a positive");
    refused(() -> EtcdOptions.builder().maxRequestBytes(1023),
        "maxRequestBytes must be at least 1024, got 1023");
    refused(() -> EtcdOptions.builder().maxTxnOps(1), "maxTxnOps must be at least 2, got 1");
    refused(() -> EtcdOptions.builder().iteratorPageSize(0),
        "iteratorPageSize must be at least 1, got 0");
    refused(() -> EtcdOptions.builder().auth(null, "p"), "auth's user must not be null");
    refused(() -> EtcdOptions.builder().auth("u", null), "auth's password must not be null");
    refused(() -> EtcdOptions.builder().trustCertificates(null), "trustCertificates must not");
    refused(() -> EtcdOptions.builder().clientCertificate(Path.of("c.pem"), null),
        "clientCertificate's key must not be null");
    refused(() -> EtcdOptions.builder().authority(null), "authority must not be null");
  }

  private static void refused(Runnable set, String message) {
    assertThatThrownBy(set::run).isInstanceOfSatisfying(LevelException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT);
      assertThat(e.getMessage()).contains(message);
    });
  }
}
