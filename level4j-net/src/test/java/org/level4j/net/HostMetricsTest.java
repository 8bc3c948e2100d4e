package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.LevelException;
import org.level4j.MemoryLevel;
import org.level4j.Registration;

/** A host's connection counters, as methods, as an MXBean and as Micrometer meters. */
class HostMetricsTest {
  @TempDir
  Path dir;

  @Test
  void connectionsAreCountedAsAcceptedBrokenAndRefused() throws Exception {
    Path socket = dir.resolve("db.sock");
    MeterRegistry registry = new SimpleMeterRegistry();
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new ObjectName("org.level4j.net:type=Host,name=\"test\"");
    try (Database db = MemoryLevel.open();
        Host host = Host.of(db).listen(Listener.unix(socket));
        Registration bean = host.registerMXBean("test")) {
      new HostMetrics(host, Tags.of("listen", "unix")).bindTo(registry);
      try (Guest guest = Guest.connect(Connector.unix(socket))) {
        guest.put("a", "1");
        assertThat(server.getAttribute(name, "Connections")).isEqualTo(1);
        assertThat(server.getAttribute(name, "RequestsServed")).isEqualTo(1L);
      }
      try (RawPeer raw = new RawPeer(socket)) {
        raw.send(new byte[] {3, Wire.GET, 0x08, 0x01}); // a Get without its key
        assertThat(raw.closedWithin(Duration.ofSeconds(10))).isTrue();
      }
      awaitErrors(host, 1);
      assertThat(host.connectionsAccepted()).isEqualTo(2);
      assertThat(host.connectionsRefused()).isZero();

      host.close();
      Connection.Pipe late = Connection.pipe();
      assertThatThrownBy(() -> host.serve(late.host())).isInstanceOf(LevelException.class);
      assertThat(host.connectionsRefused()).isEqualTo(1);

      assertThat(server.getAttribute(name, "ConnectionsAccepted")).isEqualTo(2L);
      assertThat(server.getAttribute(name, "ConnectionErrors")).isEqualTo(1L);
      assertThat(server.getAttribute(name, "ConnectionsRefused")).isEqualTo(1L);
      assertThat(registry.get("level4j.host.connections.accepted").tag("listen", "unix")
          .functionCounter().count()).isEqualTo(2.0);
      assertThat(registry.get("level4j.host.connections.errors").functionCounter().count())
          .isEqualTo(1.0);
      assertThat(registry.get("level4j.host.connections.refused").functionCounter().count())
          .isEqualTo(1.0);
      assertThat(registry.get("level4j.host.requests").functionCounter().count()).isEqualTo(1.0);
    }
    assertThat(server.isRegistered(name)).isFalse();
  }

  @Test
  void everyByteAGuestSendsAndEveryByteOfTheAnswersIsCounted() throws Exception {
    Path socket = dir.resolve("db.sock");
    MeterRegistry registry = new SimpleMeterRegistry();
    try (Database db = MemoryLevel.open();
        Host host = Host.of(db).listen(Listener.unix(socket));
        RawPeer raw = new RawPeer(socket)) {
      new HostMetrics(host).bindTo(registry);
      Protobuf.Out sent = new Protobuf.Out(64);
      GuestMessage.put(sent, 1, new byte[] {'a'}, new byte[] {'1'});
      GuestMessage.put(sent, 2, new byte[] {'b'}, new byte[] {'2'});
      raw.send(sent);
      assertThat(raw.response(Duration.ofSeconds(10))).isInstanceOf(HostMessage.Callback.class);
      assertThat(raw.response(Duration.ofSeconds(10))).isInstanceOf(HostMessage.Callback.class);
      // What the host sent: its Hello and the two answers, encoded here alike.
      Protobuf.Out expected = new Protobuf.Out(64);
      HostMessage.hello(expected, raw.hello.features());
      HostMessage.callback(expected, 1, null, null);
      HostMessage.callback(expected, 2, null, null);
      // The count grows when a write returns, which may be just after the peer read it.
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
          .untilAsserted(() -> assertThat(host.bytesSent()).isEqualTo(expected.len));
      assertThat(host.bytesReceived()).isEqualTo(sent.len);
      assertThat(registry.get("level4j.host.bytes.received").functionCounter().count())
          .isEqualTo(sent.len);
      assertThat(registry.get("level4j.host.bytes.sent").functionCounter().count())
          .isEqualTo(expected.len);
    }
  }

  /** The session counts its error as it ends, just after the peer sees the close. */
  private static void awaitErrors(Host host, long n) {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
        .untilAsserted(() -> assertThat(host.connectionErrors()).isEqualTo(n));
  }
}
