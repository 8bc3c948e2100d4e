package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Range;
import org.level4j.child.ChildProcess;

class FollowerSmokeTest {
  @TempDir Path dir;

  @Test
  void secondProcessBecomesFollowerAndReadsWhatItWrote() throws Exception {
    try (ChildProcess leader = ChildProcess.java(RaveWorker.class, "hold", dir.toString())) {
      assertThat(leader.await("ROLE")).startsWith("ROLE leader");
      leader.await("READY");
      try (RaveLevel db = RaveLevel.open(dir)) {
        assertThat(db.isLeader()).isFalse();
        db.put("a", "1");
        db.put("b", "2");
        assertThat(db.get("a")).isEqualTo("1");
        assertThat(db.iterator(Range.<String>all().reverse()).all()).hasSize(2);
        assertThat(RaveLevel.leaderPid(dir)).hasValue(leader.pid());
      }
      assertThat(leader.finish()).isZero();
    }
  }
}
