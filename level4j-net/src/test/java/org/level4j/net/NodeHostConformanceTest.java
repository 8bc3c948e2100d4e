package org.level4j.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.level4j.Database;
import org.level4j.child.ChildProcess;
import org.level4j.conformance.ConformanceSuite;
import org.level4j.conformance.LevelFactory;

/**
 * The conformance suite against level4j guests of npm many-level's own host (1.0.1, over
 * memory-level), run by {@code interop/host.js}: every connection gets a new empty database, so
 * each case has its own. What a many-level host cannot do (explicit snapshots) the guest declares
 * in supports().
 */
class NodeHostConformanceTest {
  @TestFactory
  Stream<DynamicNode> againstANodeHost() throws Exception {
    // many-level's host: no explicit snapshots (level4j's Snapshot extension is not served),
    // no preconditions, no request records.
    return ConformanceSuite.all(new NodeHost(), ConformanceSuite.supportsAllBut(
        "explicitSnapshots", "permanence", "syncWrites", "conditionalBatch", "exactlyOnce",
        "changeFeed"));
  }

  private static final class NodeHost implements LevelFactory {
    private final Path dir;
    private final Path socket;
    private final ChildProcess node;

    NodeHost() throws Exception {
      dir = Files.createTempDirectory("level4j-node");
      socket = dir.resolve("node.sock");
      node = ChildProcess.node("host.js", "unix:" + socket);
      try {
        node.await(l -> l.equals("listening"), TimeUnit.SECONDS.toMillis(60));
      } catch (AssertionError e) {
        node.close();
        throw new AssertionError("the Node host did not start", e);
      }
    }

    @Override
    public Database open() {
      return Guest.connect(Connector.unix(socket));
    }

    @Override
    public void cleanup() throws IOException {
      node.close();
      Files.deleteIfExists(socket);
      Files.deleteIfExists(dir);
    }
  }
}
