package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.child.ChildProcess;

/**
 * A follower process of this user reaches its leader through shared memory, not the socket
 * alone: the leader's host counts the offer it took, and what the follower wrote is there.
 */
@EnabledOnOs(OS.LINUX)
class SharedMemoryFollowerTest {
  @TempDir Path dir;

  @Test
  void aFollowerProcessMovesToSharedMemory() throws Exception {
    try (RaveLevel db = RaveLevel.open(dir)) {
      assertThat(db.isLeader()).isTrue();
      try (ChildProcess follower = ChildProcess.java(RaveWorker.class, "write", dir.toString(),
          "f:")) {
        assertThat(follower.await("ROLE")).startsWith("ROLE follower");
        follower.await(l -> l.startsWith("ACK ") && Acks.of(l) >= 100, 30_000);
        assertThat(db.presence().host().connectionsInSharedMemory()).isEqualTo(1);
        assertThat(db.get("f:100")).isEqualTo("v100");
      }
    }
  }
}
