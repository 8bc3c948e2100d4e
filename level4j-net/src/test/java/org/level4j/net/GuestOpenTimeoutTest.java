package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/** A guest whose host accepts the connection but never answers gives up after openTimeout. */
class GuestOpenTimeoutTest {
  @TempDir
  Path tmp;

  @Test
  void connectFailsWhenTheHostNeverAnswersWithinTheOpenTimeout() throws Exception {
    Path socket = tmp.resolve("mute.sock");
    try (ServerSocketChannel mute = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      mute.bind(UnixDomainSocketAddress.of(socket)); // the kernel completes connects; nobody reads
      for (boolean retry : new boolean[] {false, true}) {
        GuestOptions options = GuestOptions.builder().retry(retry)
            .openTimeout(Duration.ofMillis(200)).build();
        assertThatThrownBy(() -> Guest.connect(Connector.unix(socket), options))
            .isInstanceOfSatisfying(LevelException.class, e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPENED);
              assertThat(e.getMessage()).contains("did not answer in 200 ms");
            });
      }
    }
  }

  @Test
  void theOpenTimeoutMustBePositive() {
    for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofMillis(-1), null}) {
      assertThatThrownBy(() -> GuestOptions.builder().openTimeout(bad).build())
          .isInstanceOfSatisfying(LevelException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT));
    }
    assertThat(GuestOptions.defaults().openTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(GuestOptions.builder().openTimeout(Duration.ofSeconds(2)).retry(true)
        .build().openTimeout()).isEqualTo(Duration.ofSeconds(2));
  }
}
