package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Entry;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.Range;

/** A guest bounds what it buffers from a host that ignores flow control. */
class GuestBoundsTest {
  @TempDir
  Path tmp;

  @Test
  void aHostThatStreamsAnIteratorWithoutAcknowledgementsIsCutOff() throws Exception {
    Path socket = tmp.resolve("hostile.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      Thread hostile = new Thread(() -> flood(server), "hostile-host");
      hostile.setDaemon(true);
      hostile.start();
      try (Guest guest = Guest.connect(Connector.unix(socket))) {
        LevelIterator<String, Entry<String, String>> it = guest.iterator(Range.all());
        try {
          assertThat(it.next().key()).isEqualTo("k");
        } catch (LevelException e) {
          // The flood can arrive in the guest's very first read, before any entry is taken:
          // then the first call already meets the cut-off, which is what this test is about.
          assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_CONNECTION_LOST);
          assertThat(e.getMessage()).contains("unacknowledged");
        }
        // Nothing more is taken: what the host sends on must stay within the buffer's bound.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
            .until(() -> !guest.isConnected());
        assertThatThrownBy(it::next).isInstanceOfSatisfying(LevelException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_CONNECTION_LOST);
          assertThat(e.getMessage()).contains("unacknowledged");
        });
      }
      hostile.join();
    }
  }

  /**
   * Answers the guest's probe, then sends iterator 1 one IteratorData after another without
   * waiting for acknowledgements, until the guest hangs up.
   */
  private static void flood(ServerSocketChannel server) {
    try (SocketChannel ch = server.accept()) {
      ByteBuffer in = ByteBuffer.allocate(4096);
      ch.read(in); // the probe: a GetMany of no keys, id 1
      Protobuf.Out o = new Protobuf.Out(256);
      HostMessage.getManyCallback(o, 1, null, List.of());
      write(ch, o);
      in.clear();
      ch.read(in); // the Iterator, id 1, seq 0
      byte[] k = "k".getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < 1000; i++) {
        Protobuf.Out items = new Protobuf.Out(16);
        items.bytes(3, k);
        items.bytes(3, k);
        Protobuf.Out d = new Protobuf.Out(64);
        HostMessage.iteratorData(d, 1, 0, items.buf, items.len);
        write(ch, d);
      }
    } catch (IOException expected) {
      // the guest closed the connection
    }
  }

  private static void write(SocketChannel ch, Protobuf.Out o) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(o.buf, 0, o.len);
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }
}
