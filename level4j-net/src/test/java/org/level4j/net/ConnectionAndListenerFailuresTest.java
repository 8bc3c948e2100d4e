package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * The factories of {@link Connection} and {@link Listener} fail with an unchecked {@link
 * LevelException} that names where they tried, keeping the operating system's {@link
 * IOException} as the cause: {@code LEVEL_CONNECTION_LOST} when nothing can be reached, {@code
 * LEVEL_IO_ERROR} when nothing can be bound.
 */
class ConnectionAndListenerFailuresTest {
  @TempDir
  Path dir;

  @Test
  void connectingToAMissingSocketIsConnectionLostNamingThePath() {
    Path sock = dir.resolve("nobody-here.sock");
    assertThatThrownBy(() -> Connection.unix(sock))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_CONNECTION_LOST))
        .hasMessageContaining(sock.toString())
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void connectingToASocketLeftByAClosedListenerIsConnectionLost() {
    Path sock = dir.resolve("gone.sock");
    Listener.unix(sock).close();
    assertThatThrownBy(() -> Connection.unix(sock))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_CONNECTION_LOST))
        .hasMessageContaining(sock.toString());
  }

  @Test
  void connectingToATcpPortNobodyListensOnIsConnectionLostNamingTheAddress() {
    int port;
    try (Listener l = Listener.tcp(0)) {
      port = ((InetSocketAddress) l.address()).getPort();
    }
    assertThatThrownBy(() -> Connection.tcp("127.0.0.1", port))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_CONNECTION_LOST))
        .hasMessageContaining("127.0.0.1:" + port)
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void aGuestThatCannotConnectSaysWhereItTriedAndKeepsTheFactorysFailure() {
    Path sock = dir.resolve("nobody-here.sock");
    assertThatThrownBy(() -> Guest.connect(Connector.unix(sock)))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPENED))
        .hasMessageContaining(sock.toString())
        .hasMessageNotContaining("org.level4j.LevelException")
        .cause()
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_CONNECTION_LOST));
  }

  @Test
  void bindingOverAnExistingFileWithoutReplaceIsAnIoErrorNamingThePath() throws Exception {
    Path sock = Files.createFile(dir.resolve("in-the-way.sock"));
    assertThatThrownBy(() -> Listener.unix(sock))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_IO_ERROR))
        .hasMessageContaining(sock.toString())
        .hasMessageContaining("replaceExisting")
        .hasCauseInstanceOf(IOException.class);
    try (Listener replaced = Listener.unix(sock, true);
        Connection c = Connection.unix(sock)) {
      assertThat(replaced.address()).isNotNull();
    }
  }

  @Test
  void bindingInADirectoryThatDoesNotExistIsAnIoErrorNamingThePath() {
    Path sock = dir.resolve("missing").resolve("db.sock");
    assertThatThrownBy(() -> Listener.unix(sock))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_IO_ERROR))
        .hasMessageContaining(sock.toString())
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void bindingATcpPortInUseIsAnIoErrorNamingTheAddress() {
    try (Listener taken = Listener.tcp(0)) {
      InetSocketAddress address = (InetSocketAddress) taken.address();
      assertThatThrownBy(() -> Listener.tcp(address))
          .isInstanceOfSatisfying(LevelException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_IO_ERROR))
          .hasMessageContaining(address.getHostString() + ":" + address.getPort())
          .hasCauseInstanceOf(IOException.class);
    }
  }

  @Test
  void listeningWithoutTlsOffLoopbackIsStillAnInvalidArgument() throws Exception {
    InetSocketAddress anywhere = new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0);
    assertThatThrownBy(() -> Listener.tcp(anywhere))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT));
  }
}
