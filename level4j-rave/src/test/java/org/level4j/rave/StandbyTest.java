package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.child.ChildProcess;
import org.level4j.rocksdb.RocksLevel;

/**
 * The line of followers (see {@link Seat}): the first follower to join is the standby, the only
 * one waiting for LEADER; it is the one that takes over, and the next in line becomes the
 * standby. A standby that is stopped (SIGSTOP) while the leader dies does not hold the directory
 * up: another follower takes over once it found no leader for a while. Real processes; who holds
 * which lock is read from the kernel ({@code /proc/locks}); no time is asserted.
 */
class StandbyTest {
  @TempDir Path dir;

  @Test
  void theStandbyTakesOverAndTheNextInLineBecomesTheStandby() throws Exception {
    try (ChildProcess leader = ChildProcess.java(RaveWorker.class, "hold", dir.toString())) {
      assertThat(leader.await("ROLE")).startsWith("ROLE leader");
      leader.await("READY");
      try (ChildProcess a = writer("a:"); ChildProcess b = writer("b:");
          ChildProcess c = writer("c:")) {
        assertThat(standby(a.pid())).as("the first follower to join").isEqualTo(a.pid());
        leader.kill();
        assertThat(a.await("LEADER")).isEqualTo("LEADER");
        assertThat(RaveLevel.leaderPid(dir)).hasValue(a.pid());
        assertThat(standby(b.pid())).as("the next in line, once the standby leads")
            .isEqualTo(b.pid());
        awaitAcks(b, 20);
        awaitAcks(c, 20);

        a.kill();
        assertThat(b.await("LEADER")).isEqualTo("LEADER");
        assertThat(RaveLevel.leaderPid(dir)).hasValue(b.pid());
        assertThat(standby(c.pid())).isEqualTo(c.pid());
        awaitAcks(c, 20);
        assertThat(c.lines()).as("the last follower never led").doesNotContain("LEADER");
        b.closeInput();
        c.closeInput();
        assertThat(c.finish()).as("%s", c.stderr()).isZero();
        assertThat(b.finish()).as("%s", b.stderr()).isZero();
        assertEveryAcknowledgedWriteIsThere(a, b, c);
      }
    }
  }

  @Test
  void aStoppedStandbyDoesNotHoldUpTheTakeover() throws Exception {
    try (ChildProcess leader = ChildProcess.java(RaveWorker.class, "hold", dir.toString())) {
      assertThat(leader.await("ROLE")).startsWith("ROLE leader");
      leader.await("READY");
      try (ChildProcess a = writer("a:"); ChildProcess b = writer("b:")) {
        assertThat(standby(a.pid())).isEqualTo(a.pid());
        a.pause();
        leader.kill();
        assertThat(b.await(l -> l.equals("LEADER"), 60_000)).as("the follower behind the "
            + "stopped standby took over").isEqualTo("LEADER");
        assertThat(RaveLevel.leaderPid(dir)).hasValue(b.pid());
        awaitAcks(b, 20);
        assertThat(b.stderr()).contains("the standby follower does not run");

        a.resume();
        awaitAcks(a, 20); // a follower of the new leader
        assertThat(standby(a.pid())).as("still first in line").isEqualTo(a.pid());
        b.kill();
        assertThat(a.await(l -> l.equals("LEADER"), 60_000)).isEqualTo("LEADER");
        awaitAcks(a, 20);
        a.closeInput();
        assertThat(a.finish()).as("%s", a.stderr()).isZero();
        assertEveryAcknowledgedWriteIsThere(a, b);
      }
    }
  }

  /**
   * Only the standby runs the leader's warm-up; the followers behind it rehearse their reconnect
   * alone, and one that becomes the standby runs the leader's warm-up then. Seen in each
   * process's debug log of {@code org.level4j.rave}, where each warm-up reports its end (or its
   * failure).
   */
  @Test
  void onlyTheStandbyWarmsUpTheTakeoverPath() throws Exception {
    Path logging = dir.resolve("logging.properties");
    Files.writeString(logging, "handlers=java.util.logging.ConsoleHandler\n"
        + "java.util.logging.ConsoleHandler.level=FINE\norg.level4j.rave.level=FINE\n");
    List<String> jvm = List.of(ChildProcess.HEAP, "-Djava.util.logging.config.file=" + logging);
    Path data = dir.resolve("db");
    List<ChildProcess> followers = new java.util.ArrayList<>();
    try (ChildProcess leader = ChildProcess.java(jvm, RaveWorker.class, "hold", data.toString())) {
      assertThat(leader.await("ROLE")).startsWith("ROLE leader");
      leader.await("READY");
      ChildProcess a = ChildProcess.java(jvm, RaveWorker.class, "write", data.toString(), "a:");
      followers.add(a);
      awaitAcks(a, 5);
      ChildProcess b = ChildProcess.java(jvm, RaveWorker.class, "write", data.toString(), "b:");
      followers.add(b);
      awaitAcks(b, 5);
      a.awaitStderr("standby warm in", 60_000);
      b.awaitStderr("follower warm in", 60_000);
      assertThat(FileLocks.awaitHolder(data.resolve(Seat.STANDBY_FILE), pid -> pid == a.pid()))
          .isEqualTo(a.pid());
      assertThat(b.stderr()).doesNotContain("standby warm").doesNotContain("warm-up failed");
      assertThat(a.stderr()).doesNotContain("follower warm").doesNotContain("warm-up failed");
      assertThat(leader.stderr()).doesNotContain("warm in");

      leader.kill();
      assertThat(a.await("LEADER")).isEqualTo("LEADER");
      b.awaitStderr("standby warm in", 60_000); // next in line now
      assertThat(b.stderr()).doesNotContain("warm-up failed");
    } finally {
      followers.forEach(ChildProcess::close);
    }
  }

  /**
   * Two processes that each lead one directory and follow the other wait for each other's LEADER
   * lock, which the kernel's deadlock detector takes for a cycle (it counts locks per process,
   * not per thread) and fails one of the waits with EDEADLK. It is no deadlock: each lock is
   * released when its holder dies. The process whose wait failed must still take over.
   */
  @Test
  void twoProcessesLeadingOneDirectoryEachAndFollowingTheOtherStillTakeOver() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    try (ChildProcess one = ChildProcess.java(RaveWorker.class, "leaders");
        ChildProcess two = ChildProcess.java(RaveWorker.class, "leaders")) {
      one.send("lead " + a);
      assertThat(one.await("OK ")).isEqualTo("OK true " + a);
      two.send("lead " + b);
      assertThat(two.await("OK ")).isEqualTo("OK true " + b);
      one.send("lead " + b);
      assertThat(one.await(l -> l.startsWith("OK ") && l.endsWith(" " + b), 60_000))
          .isEqualTo("OK false " + b);
      two.send("lead " + a);
      assertThat(two.await(l -> l.startsWith("OK ") && l.endsWith(" " + a), 60_000))
          .isEqualTo("OK false " + a);
      // Each now waits for the other's LEADER. Let any bounded retry of a failed wait run out.
      Thread.sleep(2_000);
      two.send("put " + a + " before 1");
      assertThat(two.await("PUT ")).isEqualTo("PUT OK before");

      one.kill();
      two.send("put " + a + " after 2");
      assertThat(two.await(l -> l.startsWith("PUT ") && l.contains(" after"), 60_000))
          .as("%s", two.stderr()).isEqualTo("PUT OK after");
      assertThat(two.stderr()).doesNotContain("cannot take over");
      two.closeInput();
      assertThat(two.finish()).as("%s", two.stderr()).isZero();
    }
    try (Database db = RocksLevel.open(a)) {
      assertThat(db.get("before")).isEqualTo("1");
      assertThat(db.get("after")).isEqualTo("2");
    }
  }

  private ChildProcess writer(String prefix) throws Exception {
    ChildProcess w = ChildProcess.java(RaveWorker.class, "write", dir.toString(), prefix);
    assertThat(w.await("ROLE")).startsWith("ROLE follower");
    awaitAcks(w, 5);
    return w;
  }

  /** Waits until {@code w} acknowledged {@code more} puts beyond what it had now. */
  private static void awaitAcks(ChildProcess w, long more) throws InterruptedException {
    long target = Acks.last(w) + more;
    w.await(l -> l.startsWith("ACK ") && Acks.of(l) >= target, 60_000);
  }

  /**
   * The standby's pid, once it is {@code expected} (the lock changes hands just after a
   * takeover), or whoever holds it after 60 s.
   */
  private long standby(long expected) throws Exception {
    return FileLocks.awaitHolder(dir.resolve(Seat.STANDBY_FILE), pid -> pid == expected);
  }

  /** {@code writers} are those started as "a:", "b:", "c:", in that order. */
  private void assertEveryAcknowledgedWriteIsThere(ChildProcess... writers) throws Exception {
    for (ChildProcess w : writers) {
      if (w.isAlive()) {
        w.kill();
      }
      w.drain();
    }
    try (Database db = RocksLevel.open(dir)) {
      for (int i = 0; i < writers.length; i++) {
        String prefix = (char) ('a' + i) + ":";
        long acked = Acks.last(writers[i]);
        assertThat(acked).isGreaterThanOrEqualTo(5);
        for (long n = 0; n <= acked; n++) {
          assertThat(db.get(prefix + n)).as("%s%d", prefix, n).isEqualTo("v" + n);
        }
      }
    }
  }
}
