package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Range;
import org.level4j.child.ChildProcess;

/** Locks and crashes, with real processes killed by SIGKILL. */
class RocksProcessTest {
  @TempDir
  Path scratch;

  @Test
  void secondOpenInTheSameProcessFailsWithLocked() {
    Path dir = scratch.resolve("db");
    try (Database first = RocksLevel.open(dir)) {
      assertThatThrownBy(() -> RocksLevel.open(dir))
          .isInstanceOfSatisfying(LevelException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_LOCKED))
          .hasMessageContaining("already open in this process");
      first.put("still", "usable");
      assertThat(first.get("still")).isEqualTo("usable");
    }
    try (Database again = RocksLevel.open(dir)) {
      assertThat(again.get("still")).isEqualTo("usable");
    }
  }

  @Test
  void openHeldByAnotherProcessFailsWithLockedUntilThatProcessDies() throws Exception {
    Path dir = scratch.resolve("db");
    try (ChildProcess holder = ChildProcess.java(List.of("-Xmx128m",
        ChildProcess.tmpdirIn(scratch)), HoldOpen.class, dir.toString())) {
      assertThat(holder.readLine()).isEqualTo("open");
      assertThatThrownBy(() -> RocksLevel.open(dir))
          .isInstanceOfSatisfying(LevelException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_LOCKED))
          .hasMessageContaining("held by another process")
          .hasMessageContaining("RaveLevel");
      holder.kill();
    }
    try (Database db = RocksLevel.open(dir)) {
      assertThat(db.get("holder")).isEqualTo("here");
    }
  }

  @Test
  void acknowledgedWritesSurviveSigkillOfTheWriter() throws Exception {
    Path dir = scratch.resolve("db");
    int acknowledged = 0;
    try (ChildProcess writer = ChildProcess.java(List.of("-Xmx128m",
        ChildProcess.tmpdirIn(scratch)), CrashWriter.class, dir.toString())) {
      for (String line = writer.readLine(); line != null; line = writer.readLine()) {
        acknowledged = Integer.parseInt(line);
        if (acknowledged >= 20_000) {
          break;
        }
      }
      writer.kill();
    }
    assertThat(acknowledged).isGreaterThanOrEqualTo(20_000);
    try (Database db = RocksLevel.open(dir)) {
      long present = db.keys(Range.<String>all().lt(CrashWriter.key(acknowledged))).stream()
          .count();
      assertThat(present).isEqualTo(acknowledged);
      assertThat(db.get(CrashWriter.key(acknowledged - 1))).isEqualTo("value" + (acknowledged - 1));
    }
  }
}
