package org.level4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.child.ChildProcess;

/** {@code level4j info} while another process leads: the leader's own figures, read over JMX. */
class InfoFiguresTest {
  @TempDir
  Path tmp;

  @Test
  void infoShowsTheLeadersFollowersOperationsAndFailovers() throws Exception {
    Path dir = tmp.resolve("db");
    try (ChildProcess leader = ChildProcess.java(List.of(), BenchWorker.class, "hold",
        dir.toString())) {
      assertThat(leader.readLine()).startsWith("ROLE leader");
      assertThat(leader.readLine()).isEqualTo("READY");
      Run.of("put", dir.toString(), "a", "1");
      Run r = Run.of("info", dir.toString());
      assertThat(r.code()).as("%s", r).isZero();
      assertThat(r.out()).contains("role of this command: follower")
          .contains("leader pid: " + leader.process().pid())
          .contains("connected followers: 0 besides this command")
          .contains("operations served by the leader: 1") // the put
          .contains("failovers (takeovers by the leader): 0");
    }
  }
}
