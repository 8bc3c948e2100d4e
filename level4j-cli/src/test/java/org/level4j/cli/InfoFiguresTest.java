package org.level4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code level4j info} while another process leads: the leader's own figures, read over JMX. */
class InfoFiguresTest {
  @TempDir
  Path tmp;

  @Test
  void infoShowsTheLeadersFollowersOperationsAndFailovers() throws Exception {
    Path dir = tmp.resolve("db");
    Process leader = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        BenchWorker.class.getName(), "hold", dir.toString()))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader lines = new BufferedReader(
          new InputStreamReader(leader.getInputStream(), StandardCharsets.UTF_8));
      assertThat(lines.readLine()).startsWith("ROLE leader");
      assertThat(lines.readLine()).isEqualTo("READY");
      Run.of("put", dir.toString(), "a", "1");
      Run r = Run.of("info", dir.toString());
      assertThat(r.code()).as("%s", r).isZero();
      assertThat(r.out()).contains("role of this command: follower")
          .contains("leader pid: " + leader.pid())
          .contains("connected followers: 0 besides this command")
          .contains("operations served by the leader: 1") // the put
          .contains("failovers (takeovers by the leader): 0");
    } finally {
      leader.destroyForcibly().waitFor();
    }
  }
}
