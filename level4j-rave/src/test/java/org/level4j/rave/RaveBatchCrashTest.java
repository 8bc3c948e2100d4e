package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.child.ChildProcess;
import org.level4j.conformance.BatchLedger;
import org.level4j.rocksdb.RocksLevel;
import org.level4j.conformance.Seed;

/**
 * Crash-atomicity of batches through RaveLevel, with real processes and SIGKILL: a leader writing
 * batches of its own and serving a follower's is killed at a random moment; the follower takes
 * over, goes on writing and serves a new follower; then both are killed at once. Every batch of
 * each writer is then all there or not at all, and every acknowledged one is there.
 */
class RaveBatchCrashTest {
  @TempDir
  Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void everyBatchIsAllThereOrNotAtAllAfterLeadersAndFollowersAreKilledMidWrite()
      throws Exception {
    Random random = new Random(
        Seed.of("everyBatchIsAllThereOrNotAtAllAfterLeadersAndFollowersAreKilledMidWrite"));
    Path db = dir.resolve("db");
    Path acksA = dir.resolve("acks-a");
    Path acksB = dir.resolve("acks-b");
    Path acksC = dir.resolve("acks-c");
    ChildProcess a = ChildProcess.java(RaveWorker.class, "batches", db.toString(), "a",
        acksA.toString());
    try (a; ChildProcess b = startFollower(a, db, "b", acksB)) {
      assertThat(b.await("ROLE")).startsWith("ROLE follower");
      awaitAck(a, 20 + random.nextInt(100));
      awaitAck(b, 20 + random.nextInt(100));
      // A random moment: both are inside batches most of the time, the leader applying its
      // own or the follower's. The follower re-sends a batch the leader did not answer.
      LockSupport.parkNanos(random.nextInt(3_000_000));
      a.kill();
      b.await("LEADER");
      try (ChildProcess c = ChildProcess.java(RaveWorker.class, "batches", db.toString(), "c",
          acksC.toString())) {
        assertThat(c.await("ROLE")).startsWith("ROLE follower");
        awaitAck(b, Acks.last(b) + 20 + random.nextInt(100)); // b writing as the leader
        awaitAck(c, 20 + random.nextInt(100));
        LockSupport.parkNanos(random.nextInt(3_000_000));
        // Both at once: c cannot re-send what b left unanswered, so a batch of c's that b had
        // applied in part would stay so.
        b.kill();
        c.kill();
      }
    }
    try (Database d = RocksLevel.open(db)) {
      BatchLedger.check(d, "a", BatchLedger.lastAcknowledged(acksA));
      BatchLedger.check(d, "b", BatchLedger.lastAcknowledged(acksB));
      BatchLedger.check(d, "c", BatchLedger.lastAcknowledged(acksC));
    }
  }

  /** Starts the follower once {@code leader} leads (started together, either might lead). */
  private static ChildProcess startFollower(ChildProcess leader, Path db, String prefix, Path acks)
      throws Exception {
    assertThat(leader.await("ROLE")).startsWith("ROLE leader");
    return ChildProcess.java(RaveWorker.class, "batches", db.toString(), prefix, acks.toString());
  }

  private static void awaitAck(ChildProcess p, long n) throws InterruptedException {
    p.await(l -> l.startsWith("ACK ") && Acks.of(l) >= n, 60_000);
  }
}
