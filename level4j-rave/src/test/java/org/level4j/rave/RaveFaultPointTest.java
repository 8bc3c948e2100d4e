package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.child.ChildProcess;
import org.level4j.rocksdb.RocksLevel;

/**
 * Exactly-once across a failover, at the one moment that decides it, every time: the leader
 * process halts right after applying a follower's conditional batch and before answering it
 * (the test-only {@link Presence#HALT_AFTER_WRITING} fault point). The follower takes over and
 * re-sends the batch to itself; the batch's precondition no longer holds, so only the request
 * record (written with the batch by the dead leader) can make it succeed, and it must. {@link
 * RaveCasFailoverTest} keeps the random kills.
 */
class RaveFaultPointTest {
  private static final String KEY = "fault";

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aBatchTheDeadLeaderAppliedButNeverAnsweredSucceedsOnceFromTheRequestRecord()
      throws Exception {
    try (Database db = RocksLevel.open(dir)) {
      db.put(KEY, "0");
    }
    try (ChildProcess leader = ChildProcess.java(
        List.of("-D" + Presence.HALT_AFTER_WRITING + "=" + KEY), RaveWorker.class, "hold",
        dir.toString())) {
      assertThat(leader.await("ROLE")).startsWith("ROLE leader");
      leader.await("READY");
      try (ChildProcess follower = ChildProcess.java(RaveWorker.class, "increment",
          dir.toString(), KEY)) {
        assertThat(follower.await("ROLE")).startsWith("ROLE follower");
        String outcome = follower.await(l -> l.equals("CONFLICT") || l.startsWith("INCREMENTED")
            || l.startsWith("ERROR"), 60_000);
        assertThat(leader.finish()).as("the leader halted at the fault point: it applied the "
            + "batch, and died before answering").isEqualTo(Presence.HALTED_AFTER_WRITING);
        // The winner says LEADER when its leader listeners run, which may come after its
        // re-sent batch was answered through the pipe to its own host.
        assertThat(follower.await("LEADER")).as("the follower took over").isEqualTo("LEADER");
        assertThat(outcome).as("the re-sent batch was answered from the request record, not "
            + "checked again (its precondition no longer held)").isEqualTo("INCREMENTED 1");
        assertThat(follower.finish()).isZero();
      }
    }
    try (Database db = RocksLevel.open(dir)) {
      assertThat(db.get(KEY)).isEqualTo("1");
    }
  }
}
