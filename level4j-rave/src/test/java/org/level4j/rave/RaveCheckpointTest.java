package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.child.ChildProcess;
import org.level4j.rocksdb.RocksLevel;

/**
 * A RaveLevel follower's checkpoint: the leader, another process, makes it while a third process
 * writes through it; the copy opens as a RocksDB directory of its own with every write that was
 * acknowledged before the follower asked.
 */
class RaveCheckpointTest {
  @TempDir Path root;

  @Test
  void aFollowersCheckpointIsMadeByTheLeaderAndHoldsEveryAcknowledgedWrite() throws Exception {
    Path dir = root.resolve("db");
    Path dest = root.resolve("checkpoints").resolve("one");
    long ackedBefore;
    try (ChildProcess leader = startLeader(dir);
        ChildProcess writer = ChildProcess.java(RaveWorker.class, "write", dir.toString(), "w:")) {
      assertThat(writer.await("ROLE")).startsWith("ROLE follower");
      writer.await("ACK 200");
      try (RaveLevel follower = RaveLevel.open(dir)) {
        assertThat(follower.isLeader()).isFalse();
        for (int n = 0; n < 100; n++) {
          follower.put("f:" + n, "v" + n);
        }
        ackedBefore = Acks.last(writer);
        follower.checkpoint(dest);
        // The leader process made it (its host logs each one it makes).
        leader.awaitStderr("made a checkpoint in " + dest.toAbsolutePath(), 30_000);

        assertThatThrownBy(() -> follower.checkpoint(dest))
            .as("the leader refuses a destination that exists")
            .isInstanceOfSatisfying(LevelException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT))
            .hasMessageContaining("already exists");
      }
      assertThat(writer.finish()).isZero();
      assertThat(leader.finish()).isZero();
    }
    try (Database copy = RocksLevel.open(dest)) {
      for (int n = 0; n < 100; n++) {
        assertThat(copy.get("f:" + n)).as("f:" + n).isEqualTo("v" + n);
      }
      assertThat(ackedBefore).isGreaterThanOrEqualTo(200);
      for (long n = 0; n <= ackedBefore; n++) {
        assertThat(copy.get("w:" + n)).as("w:" + n).isEqualTo("v" + n);
      }
    }
  }

  private static ChildProcess startLeader(Path dir) throws Exception {
    ChildProcess leader = ChildProcess.java(RaveWorker.class, "hold", dir.toString());
    assertThat(leader.await("ROLE")).startsWith("ROLE leader");
    leader.await("READY");
    return leader;
  }
}
