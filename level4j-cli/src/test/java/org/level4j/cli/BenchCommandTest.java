package org.level4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code level4j bench}: the anchor's workload, and its output formats. */
class BenchCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @Test
  void valuesAreTheNodeAnchorsBitForBit() {
    // Printed by the anchor's value(i) in lib/common.js, under Node 20.
    assertThat(Workload.value(0)).isEqualTo("v0000000000000R0qYnVoglyvn4AgtTYphiZPAQ-ncIVBXY_onL-k"
        + "OFm0FKGbShIK5cCnaeCfK2JdeRSzOIx4UTd78S563fabCnL");
    assertThat(Workload.value(99999)).isEqualTo("v0000000099999V0n88a4Rhx8pU0fzhCMMkTKvhXTC6XGpUOKJ"
        + "oq-KBNOutr4VPoH1A5M41gbsKGmOO7c95HLRYjCl7zhHJoiwgZ");
    // Past 2^53 / 2654435761 the seed is rounded in double precision, as in JavaScript.
    assertThat(Workload.value(4294967296L)).isEqualTo("v00042949672968iwcdEp3jNLn2ledIR9OIr1I8sZdO"
        + "m6gCrsR8lNx725w-31_djL36femi21Zf_1aJNqUn4m0PSHay2EU0P2PQ6");
    assertThat(Workload.value(123456)).hasSize(100);
  }

  @Test
  void keysAreAPrefixAndThirteenDigits() {
    assertThat(Workload.key("key", 1)).isEqualTo("key0000000000001");
    assertThat(Workload.key("c64", 1234567)).isEqualTo("c640000001234567");
  }

  @Test
  void jsonPrintsTheRoleThenOneLinePerPhaseInTheAnchorsOrder() throws Exception {
    Run r = Run.of("bench", tmp.resolve("db").toString(), "--n", "300", "--json");
    assertThat(r.code()).as("%s", r).isZero();
    String[] lines = r.out().split("\n");
    assertThat(lines[0]).isEqualTo("{\"role\":\"leader\"}");
    List<String> phases = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      JsonNode p = JSON.readTree(lines[i]);
      phases.add(p.get("phase").asText());
      assertThat(p.get("ops").asLong()).isEqualTo(p.get("phase").asText().startsWith("scan")
          ? 600 : 300);
      assertThat(p.get("ms").asDouble()).isPositive();
      assertThat(p.get("opsPerSec").asLong()).isPositive();
    }
    assertThat(phases).containsExactly("put_seq", "get_seq", "batch_put_1000", "scan_nextv1000",
        "put_window64", "get_window64");
  }

  @Test
  void phasesRunInTheStandardOrderWhateverTheOrderGiven() {
    Run r = Run.of("bench", tmp.resolve("db").toString(), "--n", "100",
        "--phases", "get_seq,put_seq");
    assertThat(r.code()).as("%s", r).isZero();
    assertThat(r.out()).contains("as leader");
    assertThat(r.out().indexOf("put_seq")).isLessThan(r.out().indexOf("get_seq"));
    assertThat(r.out()).doesNotContain("batch_put_1000");
  }

  @Test
  void aGetPhaseWithoutItsWritesSaysWhatToRunFirst() {
    Run r = Run.of("bench", tmp.resolve("db").toString(), "--n", "10", "--phases", "get_seq");
    assertThat(r.code()).isEqualTo(Main.FAILED);
    assertThat(r.err()).contains("get_seq: 10 wrong or missing values (run put_seq first");
  }

  @Test
  void anUnknownPhaseIsAUsageError() {
    Run r = Run.of("bench", tmp.resolve("db").toString(), "--phases", "put_random");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("no phase put_random; the phases are put_seq,get_seq,");
  }
}
