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
  void busyWhenMoreThreadsAreReadyToRunThanThereAreProcessors() throws IOException {
    Path loadavg = Files.writeString(dir.resolve("loadavg"), "3.10 2.50 1.90 5/281 14001\n");
    assertThat(new Cores(loadavg, 2).busy()).isTrue();
    assertThat(new Cores(loadavg, 5).busy()).as("one ready thread per processor").isFalse();
  }

  @Test
  void readsTheRunningThreadsFromLoadavg() {
    assertThat(Cores.parseRunning("15.50 15.29 11.70 6/281 14001\n")).isEqualTo(6);
    assertThat(Cores.parseRunning("0.00 0.01 0.05 1/90 7")).isEqualTo(1);
    assertThat(Cores.parseRunning("")).isEqualTo(-1);
    assertThat(Cores.parseRunning("1 2 3 x/9 4")).isEqualTo(-1);
  }

  @Test
  void aMachineWhoseLoadCannotBeReadIsNeverBusy() {
    Cores none = new Cores(dir.resolve("missing"), 2);
    assertThat(none.busy()).isFalse();
    assertThat(none.busy()).isFalse();
  }
}
