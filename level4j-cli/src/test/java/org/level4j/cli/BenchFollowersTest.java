package org.level4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.Range;

/** {@code bench --followers K}: real processes, an idle leader and K writing followers. */
class BenchFollowersTest {
  @TempDir
  Path tmp;

  @Test
  void twoFollowersWriteAtOnceAndEveryKeyIsStored() throws Exception {
    Run r = Run.of("bench", "--followers", "2", "--n", "50", "--json", tmp.resolve("db").toString());
    assertThat(r.code()).as("%s", r).isZero();
    JsonNode o = new ObjectMapper().readTree(r.out().trim());
    assertThat(o.get("phase").asText()).isEqualTo("put_seq");
    assertThat(o.get("ops").asLong()).isEqualTo(100);
    assertThat(o.get("keysStored").asLong()).isEqualTo(100);
    assertThat(o.get("perProcess")).hasSize(2);
    assertThat(o.get("opsPerSec").asLong()).isPositive();
    // Not only bench's word for it: the directory holds the 100 keys.
    try (Database db = Target.open(tmp.resolve("db"), false)) {
      assertThat(db.keys(Range.all()).stream().count()).isEqualTo(100);
    }
  }
}
