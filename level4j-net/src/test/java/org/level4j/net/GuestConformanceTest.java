package org.level4j.net;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.level4j.Database;
import org.level4j.MemoryLevel;
import org.level4j.Supports;
import org.level4j.conformance.ConformanceSuite;
import org.level4j.conformance.LevelFactory;
import org.level4j.conformance.ScratchDirectory;

/**
 * The conformance suite against guests of a level4j host, over a Unix socket, over shared memory
 * beside one, over TCP and over TLS with client certificates.
 */
class GuestConformanceTest {
  /**
   * A guest of a level4j host over memory: explicit snapshots (held by the host for the
   * connection), nothing kept on disk, no change feed (the memory engine has none; a guest of a
   * RocksDB host has one: RaveFollowerConformanceTest).
   */
  private static final Supports GUEST_OF_MEMORY =
      ConformanceSuite.supportsAllBut("permanence", "syncWrites", "changeFeed");

  @TestFactory
  Stream<DynamicNode> overUnixSocket() throws Exception {
    return ConformanceSuite.all(new Hosts(ScratchDirectory.create("level4j-net"), Transport.UNIX),
        GUEST_OF_MEMORY);
  }

  @TestFactory
  Stream<DynamicNode> overSharedMemory() throws Exception {
    return ConformanceSuite.all(new Hosts(ScratchDirectory.create("level4j-net"),
        Transport.SHARED_MEMORY), GUEST_OF_MEMORY);
  }

  @TestFactory
  Stream<DynamicNode> overTcp() throws Exception {
    return ConformanceSuite.all(new Hosts(ScratchDirectory.create("level4j-net"), Transport.TCP),
        GUEST_OF_MEMORY);
  }

  @TestFactory
  Stream<DynamicNode> overTls() throws Exception {
    return ConformanceSuite.all(new Hosts(ScratchDirectory.create("level4j-net"), Transport.TLS),
        GUEST_OF_MEMORY);
  }

  private enum Transport { UNIX, SHARED_MEMORY, TCP, TLS }

  /** Each database: a memory database served by its own host, and a guest connected to it. */
  private static final class Hosts implements LevelFactory {
    private final ScratchDirectory dir;
    private final Transport transport;
    private final TestCertificates certificates;
    private final List<AutoCloseable> open = new ArrayList<>();
    private int n;

    Hosts(ScratchDirectory dir, Transport transport) throws Exception {
      this.dir = dir;
      this.transport = transport;
      this.certificates = transport == Transport.TLS
          ? TestCertificates.make(Files.createDirectory(dir.resolve("certs"))) : null;
    }

    @Override
    public synchronized Database open() {
      Database db = MemoryLevel.open();
      Host host = Host.of(db);
      open.add(host);
      open.add(db);
      Connector connector;
      if (transport == Transport.UNIX) {
        Path sock = dir.resolve("h" + (n++) + ".sock");
        host.listen(Listener.unix(sock));
        connector = Connector.unix(sock);
      } else if (transport == Transport.SHARED_MEMORY) {
        Path sock = dir.resolve("h" + (n++) + ".sock");
        host.listen(Listener.unix(sock));
        connector = () -> Connection.unixSharedMemory(sock);
      } else if (transport == Transport.TCP) {
        Listener l = Listener.tcp(0);
        host.listen(l);
        connector = Connector.tcp("127.0.0.1",
            ((java.net.InetSocketAddress) l.address()).getPort());
      } else {
        Listener l = Listener.tls(new java.net.InetSocketAddress("127.0.0.1", 0),
            certificates.host());
        host.listen(l);
        connector = Connector.tls("localhost",
            ((java.net.InetSocketAddress) l.address()).getPort(), certificates.guest());
      }
      return Guest.connect(connector);
    }

    @Override
    public synchronized void cleanup() throws Exception {
      for (AutoCloseable c : open) {
        c.close();
      }
      dir.close(); // the certificates too
    }
  }
}
