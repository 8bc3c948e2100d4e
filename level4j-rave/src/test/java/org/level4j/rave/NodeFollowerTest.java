package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.interop.NodePeers;

/** Node's rave-level joins a level4j leader as a follower, over rave-level.sock. */
class NodeFollowerTest {
  @TempDir Path dir;

  @Test
  void nodeRaveLevelFollowsALevel4jLeader() throws Exception {
    try (RaveLevel db = RaveLevel.open(dir)) {
      assertThat(db.isLeader()).isTrue();
      db.put("java:x", "1");
      db.put("java:y", "2");
      String out = NodePeers.run(120, "rave-follower.js", dir.toString());
      JsonNode r = new ObjectMapper().readTree(out);
      assertThat(r.get("leader").asBoolean()).as("node stayed a follower").isFalse();
      assertThat(r.get("value").asText()).isEqualTo("1");
      assertThat(r.get("keys").toString()).isEqualTo("[\"java:x\",\"java:y\"]");
      assertThat(r.get("reversed").toString()).isEqualTo("[\"2\"]");
      assertThat(db.get("node:b")).isEqualTo("2");
      assertThat(db.get("node:a")).isNull();
    }
  }
}
