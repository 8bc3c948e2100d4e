package org.level4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.child.ChildProcess;

/**
 * {@code level4j serve --max-connections} as a real process: a connection beyond the limit is
 * closed before the host says anything, the operator is told which flag raises the limit, and a
 * connection that ends makes room for the next.
 */
class ServeMaxConnectionsTest {
  @TempDir
  Path tmp;

  @Test
  void aServeAtItsLimitClosesTheNextConnectionAndSaysHowToRaiseIt() throws Exception {
    Path dir = tmp.resolve("db");
    Path sock = tmp.resolve("s.sock");
    String uri = "unix:" + sock;
    try (ChildProcess serve = ChildProcess.start(ProcessTest.command("serve", dir.toString(),
        "--socket", sock.toString(), "--max-connections", "1"))) {
      serve.readLine();
      assertThat(serve.readLine()).startsWith("listening on unix:");
      try (SocketChannel held = connect(sock)) {
        assertThat(held.read(ByteBuffer.allocate(256))).as("the host's Hello").isPositive();
        try (SocketChannel over = connect(sock)) {
          assertThat(over.read(ByteBuffer.allocate(256))).as("EOF, and no Hello").isEqualTo(-1);
        }
        Run refused = Run.of("put", "--connect", uri, "k", "v");
        assertThat(refused.code()).as("%s", refused).isNotZero();
        serve.awaitStderr("--max-connections", 60_000);
      }
      // The held connection is gone once the host has seen it close: then there is room again.
      await().atMost(Duration.ofSeconds(60))
          .until(() -> Run.of("put", "--connect", uri, "k", "v").code() == 0);
      assertThat(Run.of("get", "--connect", uri, "k").out()).isEqualTo("v\n");
    }
  }

  private static SocketChannel connect(Path sock) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(sock));
    return ch;
  }
}
