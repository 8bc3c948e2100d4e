package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.MemoryLevel;

/**
 * {@link HostOptions#maxConnections}, over a real Unix socket: a connection beyond it is closed
 * before the host reads from it or says Hello, the connections already served go on, and one
 * that ends makes room for the next.
 */
class HostConnectionLimitTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private final Opened opened = new Opened();

  @AfterEach
  void closeAll() throws Exception {
    opened.close();
  }

  @Test
  void aConnectionBeyondTheLimitIsClosedUnreadWhileTheOthersAreServed() throws Exception {
    Path socket = dir.resolve("db.sock");
    Database db = opened.keep(MemoryLevel.open());
    LoggedWarnings warnings = opened.keep(new LoggedWarnings());
    Host host = opened.keep(Host.of(db, HostOptions.builder().maxConnections(2).build()))
        .listen(Listener.unix(socket));
    Guest first = opened.keep(Guest.connect(Connector.unix(socket)));
    Guest second = opened.keep(Guest.connect(Connector.unix(socket)));
    first.put("a", "1");
    second.put("b", "2");

    try (SocketChannel third = connect(socket)) {
      assertThat(firstRead(third)).as("what the third connection reads first: EOF, no Hello")
          .isEqualTo(-1);
    }
    assertThat(host.connectionsRefused()).isEqualTo(1);
    assertThat(host.connectionsAccepted()).isEqualTo(2);
    assertThat(first.get("b")).isEqualTo("2");
    assertThat(second.get("a")).isEqualTo("1");
    assertThat(warnings.messages).anySatisfy(m -> assertThat(m)
        .contains("2 connections").contains("HostOptions.maxConnections")
        .contains("--max-connections"));

    first.close();
    await().atMost(WAIT).until(() -> host.connections() == 1);
    try (SocketChannel next = connect(socket)) {
      assertThat(firstRead(next)).as("the Hello of a connection within the limit").isPositive();
    }
    await().atMost(WAIT).until(() -> host.connections() == 1);
    Guest third = opened.keep(Guest.connect(Connector.unix(socket)));
    assertThat(third.get("a")).isEqualTo("1");
    assertThat(host.connectionsRefused()).isEqualTo(1);
  }

  @Test
  void connectionsRefusedOverAndOverAreWarnedOfOnceAMinute() throws Exception {
    Path socket = dir.resolve("db.sock");
    Database db = opened.keep(MemoryLevel.open());
    LoggedWarnings warnings = opened.keep(new LoggedWarnings());
    Host host = opened.keep(Host.of(db, HostOptions.builder().maxConnections(1).build()))
        .listen(Listener.unix(socket));
    opened.keep(Guest.connect(Connector.unix(socket)));
    for (int i = 0; i < 50; i++) {
      try (SocketChannel refused = connect(socket)) {
        assertThat(firstRead(refused)).isEqualTo(-1);
      }
    }
    assertThat(host.connectionsRefused()).isEqualTo(50);
    assertThat(warnings.messages).filteredOn(m -> m.contains("maxConnections")).hasSize(1);
  }

  @Test
  void connectionsServedDirectlyAreNeitherCountedNorRefused() throws Exception {
    Path socket = dir.resolve("db.sock");
    Database db = opened.keep(MemoryLevel.open());
    Host host = opened.keep(Host.of(db, HostOptions.builder().maxConnections(1).build()))
        .listen(Listener.unix(socket));
    List<Guest> piped = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Connection.Pipe pipe = Connection.pipe();
      host.serve(pipe.host());
      piped.add(opened.keep(Guest.connect(pipe::guest)));
    }
    Guest overSocket = opened.keep(Guest.connect(Connector.unix(socket)));
    overSocket.put("a", "1");
    for (Guest g : piped) {
      assertThat(g.get("a")).isEqualTo("1");
    }
    assertThat(host.connections()).isEqualTo(4);
    assertThat(host.connectionsRefused()).isZero();
  }

  private static SocketChannel connect(Path socket) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(socket));
    return ch;
  }

  /**
   * The first read of a connection that sent nothing: the bytes of the host's Hello if it is
   * served, -1 if the host closed it. Never blocks for long: the host does one or the other.
   */
  private static int firstRead(SocketChannel ch) throws IOException {
    return ch.read(ByteBuffer.allocate(256));
  }
}
