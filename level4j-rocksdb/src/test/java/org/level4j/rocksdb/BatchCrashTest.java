package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.child.ChildProcess;
import org.level4j.conformance.BatchLedger;
import org.level4j.conformance.Seed;

/**
 * Crash-atomicity of batches: a real process writing large batches is killed with SIGKILL, again
 * and again, and every batch it wrote is then all there or not at all. The writer spends most of
 * its time inside batches, and the kill comes at a random moment, so it usually lands in one.
 * With batches applied one operation at a time this test failed in each of the runs we tried.
 */
class BatchCrashTest {
  private static final int ROUNDS = 4;

  @TempDir
  Path scratch;

  @Test
  void everyBatchOfAWriterKilledMidWriteIsAllThereOrNotAtAll() throws Exception {
    Random random = new Random(Seed.of("everyBatchOfAWriterKilledMidWriteIsAllThereOrNotAtAll"));
    Path dir = scratch.resolve("db");
    long[] acknowledged = new long[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
      int killAfter = 20 + random.nextInt(200);
      Path acks = scratch.resolve("acks" + round);
      try (ChildProcess writer = ChildProcess.java(List.of("-Xmx128m",
          ChildProcess.tmpdirIn(scratch)), BatchWriter.class, dir.toString(), "r" + round,
          acks.toString())) {
        for (String line = writer.readLine(); ; line = writer.readLine()) {
          assertThat(line).as("writer's output before its kill point").isNotNull();
          if (Long.parseLong(line.substring("ACK ".length())) >= killAfter) {
            break;
          }
        }
        // Not at once: ACK lines come between two batches, and a kill right after one would
        // land there every time.
        LockSupport.parkNanos(random.nextInt(3_000_000));
        writer.kill();
      }
      acknowledged[round] = BatchLedger.lastAcknowledged(acks);
      assertThat(acknowledged[round]).isGreaterThanOrEqualTo(killAfter);
      // Earlier rounds' batches must survive this round's crash and recovery too.
      try (Database db = RocksLevel.open(dir)) {
        for (int r = 0; r <= round; r++) {
          BatchLedger.check(db, "r" + r, acknowledged[r]);
        }
      }
    }
  }
}
