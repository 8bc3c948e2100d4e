package org.level4j.rave;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.level4j.Supports;
import org.level4j.child.ChildProcess;
import org.level4j.conformance.ConformanceSuite;
import org.level4j.conformance.ScratchDirectory;

/**
 * The conformance suite against RaveLevel as a follower: another process (one for the whole
 * suite) leads every directory, and this JVM's handles reach it over its Unix socket.
 */
class RaveFollowerConformanceTest {
  /**
   * RaveLevel, leader or follower: explicit snapshots (a follower's held by the leader through
   * its guest), SYNC not honoured.
   */
  static final Supports RAVE = ConformanceSuite.supportsAllBut("syncWrites");

  private static ChildProcess leaders;
  private static ScratchDirectory base;
  private static final List<String> led = new ArrayList<>();

  @BeforeAll
  static void startLeader() throws Exception {
    leaders = ChildProcess.java(RaveWorker.class, "leaders");
  }

  @AfterAll
  static void stopLeader() throws Exception {
    leaders.finish();
    if (base != null) {
      base.close(); // after the leader closed its databases
    }
  }

  @TestFactory
  Stream<DynamicNode> conformance() throws Exception {
    base = ScratchDirectory.create("level4j-rave-follower");
    int[] n = {0};
    return ConformanceSuite.all(() -> {
      // Let the leader close directories of finished tests, so it holds only a few at a time.
      if (led.size() > 4) {
        String old = led.remove(0);
        leaders.send("drop " + old);
      }
      Path dir = base.resolve("db" + n[0]++);
      leaders.send("lead " + dir);
      leaders.await(l -> l.equals("OK true " + dir), 60_000);
      led.add(dir.toString());
      RaveLevel db = RaveLevel.open(dir);
      if (db.isLeader()) {
        throw new AssertionError("expected to follow the leader process");
      }
      return db;
    }, RAVE);
  }
}
