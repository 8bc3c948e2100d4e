package org.level4j.rave;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.level4j.Database;
import org.level4j.child.ChildProcess;
import org.level4j.net.AbstractLevelSuite;
import org.level4j.net.FactoryHost;

/**
 * abstract-level's own test suite through npm many-level guests against a level4j host serving
 * a RaveLevel leader, and one serving a RaveLevel follower: Node guest → level4j host in this JVM
 * → its follower RaveLevel → the leader, in another process (a RaveWorker that leads every
 * directory it is told to). Both run side by side; see level4j-net's {@code
 * AbstractLevelSuiteTest} for memory, RocksDB and the baseline.
 */
class RaveAbstractLevelSuiteTest {
  private static Path base;
  private static ChildProcess leaders;
  private static FactoryHost leaderHost;
  private static FactoryHost followerHost;
  private static AbstractLevelSuite.Run leader;
  private static AbstractLevelSuite.Run follower;

  @BeforeAll
  static void runTheSuiteAgainstALeaderAndAFollower() throws Exception {
    base = FactoryHost.tempDirectory("level4j-rave-abstract-suite");
    leaders = ChildProcess.java(RaveWorker.class, "leaders");
    leaderHost = FactoryHost.start(base.resolve("leader"), dir -> {
      RaveLevel db = RaveLevel.open(dir);
      if (!db.isLeader()) {
        db.close();
        throw new AssertionError("expected to lead " + dir);
      }
      return db;
    });
    followerHost = FactoryHost.start(base.resolve("follower"), new Followers());
    leader = AbstractLevelSuite.start("a level4j host over a RaveLevel leader", leaderHost);
    follower = AbstractLevelSuite.start(
        "a level4j host over a RaveLevel follower (leader in another process)", followerHost);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AbstractLevelSuite.Run r : new AbstractLevelSuite.Run[] {leader, follower}) {
      if (r != null) {
        r.close();
      }
    }
    for (FactoryHost h : new FactoryHost[] {leaderHost, followerHost}) {
      if (h != null) {
        h.close();
      }
    }
    if (leaders != null) {
      leaders.finish(); // after the followers closed: none of them is to take over
    }
    FactoryHost.delete(base);
  }

  @Test
  void aLevel4jHostOverARaveLevelLeaderPassesEveryTest() {
    AbstractLevelSuite.assertPassed(leader);
  }

  @Test
  void aLevel4jHostOverARaveLevelFollowerPassesEveryTest() {
    AbstractLevelSuite.assertPassed(follower);
  }

  /**
   * Each directory is led by the leaders process and followed here; when the follower closes,
   * the leader lets the directory go too.
   */
  private static final class Followers implements FactoryHost.Store {
    private final Object talk = new Object(); // one conversation with the leaders at a time

    @Override
    public Database open(Path dir) throws Exception {
      synchronized (talk) {
        int mark = leaders.mark();
        leaders.send("lead " + dir);
        leaders.awaitAfter(mark, l -> l.equals("OK true " + dir), 60_000);
      }
      RaveLevel db = RaveLevel.open(dir);
      if (db.isLeader()) {
        db.close();
        throw new AssertionError("expected to follow the leaders process in " + dir);
      }
      return db;
    }

    @Override
    public void closed(Path dir) throws IOException {
      synchronized (talk) {
        leaders.send("drop " + dir);
      }
    }
  }
}
