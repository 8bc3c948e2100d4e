package org.level4j.net;

import java.io.IOException;
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

/** The conformance suite against guests of a level4j host, over a Unix socket and over TCP. */
class GuestConformanceTest {
  /**
   * A guest of a level4j host over memory: explicit snapshots (held by the host for the
   * connection), nothing kept on disk.
   */
  private static final Supports GUEST_OF_MEMORY =
      ConformanceSuite.supportsAllBut("permanence", "syncWrites");

  @TestFactory
  Stream<DynamicNode> overUnixSocket() throws IOException {
    return ConformanceSuite.all(new Hosts(ScratchDirectory.create("level4j-net"), true),
        GUEST_OF_MEMORY);
  }

  @TestFactory
  Stream<DynamicNode> overTcp() throws IOException {
    return ConformanceSuite.all(new Hosts(ScratchDirectory.create("level4j-net"), false),
        GUEST_OF_MEMORY);
  }

  /** Each database: a memory database served by its own host, and a guest connected to it. */
  private static final class Hosts implements LevelFactory {
    private final ScratchDirectory dir;
    private final boolean unix;
    private final List<AutoCloseable> open = new ArrayList<>();
    private int n;

    Hosts(ScratchDirectory dir, boolean unix) {
      this.dir = dir;
      this.unix = unix;
    }

    @Override
    public synchronized Database open() throws IOException {
      Database db = MemoryLevel.open();
      Host host = Host.of(db);
      open.add(host);
      open.add(db);
      Connector connector;
      if (unix) {
        Path sock = dir.resolve("h" + (n++) + ".sock");
        host.listen(Listener.unix(sock));
        connector = Connector.unix(sock);
      } else {
        Listener l = Listener.tcp(0);
        host.listen(l);
        connector = Connector.tcp("127.0.0.1",
            ((java.net.InetSocketAddress) l.address()).getPort());
      }
      return Guest.connect(connector);
    }

    @Override
    public synchronized void cleanup() throws Exception {
      for (AutoCloseable c : open) {
        c.close();
      }
      dir.close();
    }
  }
}
