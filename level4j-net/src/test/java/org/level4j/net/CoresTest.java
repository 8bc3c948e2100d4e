package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the machine's processors count as all taken, for Spin. */
class CoresTest {
  @TempDir
  Path dir;

  @Test
  void busyWhenMoreThreadsAreReadyToRunThanTheProcessorsPlusOne() throws IOException {
    Path loadavg = Files.writeString(dir.resolve("loadavg"), "3.10 2.50 1.90 5/281 14001\n");
    assertThat(new Cores(loadavg, 2).busy()).isTrue();
    assertThat(new Cores(loadavg, 3).busy()).as("two pollers and one more thread on 3").isTrue();
    assertThat(new Cores(loadavg, 4).busy()).as("one thread of slack").isFalse();
    assertThat(new Cores(loadavg, 5).busy()).as("one ready thread per processor").isFalse();
  }

  @Test
  void readsTheRunningThreadsFromLoadavg() {
    assertThat(running("15.50 15.29 11.70 16/281 14001\n")).isEqualTo(16);
    assertThat(running("0.00 0.01 0.05 1/90 7")).isEqualTo(1);
    assertThat(running("")).isEqualTo(-1);
    assertThat(running("1 2 3 x/9 4")).isEqualTo(-1);
    assertThat(running("1 2 3 7")).isEqualTo(-1);
  }

  private static int running(String loadavg) {
    byte[] b = loadavg.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    return Cores.parseRunning(b, b.length);
  }

  @Test
  void looksAgainAtTheSameOpenFile() throws IOException, InterruptedException {
    Path loadavg = Files.writeString(dir.resolve("loadavg"), "0.10 0.20 0.30 1/281 14001\n");
    Cores cores = new Cores(loadavg, 2);
    assertThat(cores.busy()).isFalse();
    Files.writeString(loadavg, "3.10 2.50 1.90 9/281 14001\n");
    Thread.sleep(20); // past the 1 ms a look is kept
    assertThat(cores.busy()).isTrue();
  }

  @Test
  void aMachineWhoseLoadCannotBeReadIsNeverBusy() {
    Cores none = new Cores(dir.resolve("missing"), 2);
    assertThat(none.busy()).isFalse();
    assertThat(none.busy()).isFalse();
  }
}
