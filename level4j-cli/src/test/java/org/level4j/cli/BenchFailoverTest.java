package org.level4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --failover K}: real processes, real SIGKILLs. Checks what it reports, not how fast:
 * one takeover per kill, an outage and the stages of each, nothing lost (the bench reads every
 * acknowledged put back; this test checks its count and that it said so).
 */
class BenchFailoverTest {
  @TempDir
  Path tmp;

  @Test
  void twoKillsWithTwoFollowersReportOneTakeoverEachAndLoseNothing() throws Exception {
    Run r = Run.of("bench", "--failover", "2", "--kills", "2", "--json",
        tmp.resolve("f").toString());
    assertThat(r.code()).as("%s", r).isZero();
    List<JsonNode> samples = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : r.out().lines().toList()) {
      samples.add(json.readTree(line));
    }
    assertThat(samples).hasSize(4);
    for (int kill = 1; kill <= 2; kill++) {
      int k = kill;
      List<JsonNode> these = samples.stream().filter(s -> s.get("kill").asInt() == k).toList();
      assertThat(these).hasSize(2);
      assertThat(these.stream().filter(s -> s.get("tookOver").asBoolean())).hasSize(1);
      for (JsonNode s : these) {
        assertThat(s.get("phase").asText()).isEqualTo("failover");
        assertThat(s.get("lost").asLong()).isZero();
        assertThat(s.get("acked").asLong()).isPositive();
        assertThat(s.get("outageMs").asDouble()).isPositive();
        assertThat(s.has("reconnectedMs")).isTrue();
        if (Files.exists(Path.of("/proc/self/smaps_rollup"))) {
          // A JVM holds tens of MB; the small-page anonymous part is within what was resident.
          assertThat(s.get("leaderRssMb").asLong()).isGreaterThan(10);
          assertThat(s.get("leaderSmallAnonMb").asLong()).isPositive()
              .isLessThanOrEqualTo(s.get("leaderRssMb").asLong());
        }
        if (s.get("tookOver").asBoolean()) {
          assertThat(s.get("rocksdbOpenMs").asDouble())
              .isGreaterThanOrEqualTo(s.get("lockWonMs").asDouble());
          assertThat(s.get("publishedMs").asDouble())
              .isGreaterThanOrEqualTo(s.get("listeningMs").asDouble());
        }
      }
    }
    assertThat(tmp.resolve("f")).isEmptyDirectory();
  }

  @Test
  void aKillAfterOutsideItsRangeIsAUsageError() throws Exception {
    for (String bad : List.of("0", "-1", "3601")) {
      Run r = Run.of("bench", "--failover", "2", "--kill-after", bad,
          tmp.resolve("k").toString());
      assertThat(r.code()).as("%s", r).isEqualTo(Main.USAGE);
      assertThat(r.err()).contains("--kill-after must be more than 0 and at most 3600 seconds");
    }
    assertThat(tmp.resolve("k")).doesNotExist();
  }
}
