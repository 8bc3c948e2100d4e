package org.level4j.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/** How gRPC's failures read as LevelExceptions. */
class FailureTest {
  private static LevelException of(Throwable t) {
    return Failure.of(new CompletionException(t), "write", true, List.of("http://127.0.0.1:1"),
        Duration.ofSeconds(1));
  }

  @Test
  void aConnectionThatClosedUnderACallIsALostConnection() {
    // Seen in EtcdQuorumLossTest when two of three members were killed during a call.
    LevelException e = of(Status.UNKNOWN.withDescription("channel closed").asRuntimeException());
    assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_CONNECTION_LOST);
    assertThat(e.getMessage()).contains("majority").contains("may or may not have been applied");
    LevelException cause = of(Status.UNKNOWN.withCause(
        new java.nio.channels.ClosedChannelException()).asRuntimeException());
    assertThat(cause.code()).isEqualTo(ErrorCode.LEVEL_CONNECTION_LOST);
  }

  @Test
  void otherUnknownFailuresStayInputOutputErrors() {
    LevelException e = of(Status.UNKNOWN.withDescription("something else").asRuntimeException());
    assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_IO_ERROR);
    assertThat(of(Status.UNAVAILABLE.asRuntimeException()).code())
        .isEqualTo(ErrorCode.LEVEL_CONNECTION_LOST);
  }
}
