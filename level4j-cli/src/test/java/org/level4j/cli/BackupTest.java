package org.level4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Range;
import org.level4j.child.ChildProcess;
import org.level4j.rave.RaveLevel;
import org.level4j.rocksdb.RocksLevel;

/** {@code level4j backup}: one consistent moment of a directory other processes write to. */
class BackupTest {
  @TempDir
  Path tmp;

  @Test
  void aBackupWhileAnotherProcessLeadsAndWritesIsACheckpointTheLeaderMakes() throws Exception {
    Path dir = tmp.resolve("db");
    Path dest = tmp.resolve("backups").resolve("one");
    Path direct = tmp.resolve("direct");
    long copied;
    try (ChildProcess writer = startWriter(dir)) {
      assertThat(writer.readLine()).isEqualTo("leading");
      assertThat(writer.readLine()).isEqualTo("written");
      Run r = Run.of("backup", dir.toString(), dest.toString());
      assertThat(r.code()).as("%s", r).isZero();
      assertThat(r.err()).contains("(a checkpoint made by the leader)");
      copied = assertConsistent(dest);
      try (RaveLevel follower = Target.open(dir, false)) {
        assertThat(follower.isLeader()).isFalse();
        follower.checkpoint(direct);
        assertThatThrownBy(() -> follower.checkpoint(direct))
            .isInstanceOfSatisfying(LevelException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT))
            .hasMessageContaining("already exists");
        // The writer goes on past the copy's moment; it is stopped only once it has (as in the
        // test below), however slowly it runs beside this one.
        await().atMost(Duration.ofSeconds(60))
            .until(() -> Long.parseLong(follower.get("count")) > copied);
      }
      writer.closeInput();
      assertThat(writer.waitFor()).isZero();
    }
    assertThat(copied).isGreaterThanOrEqualTo(500);
    assertThat(assertConsistent(direct)).isGreaterThanOrEqualTo(copied);
    try (Database original = RocksLevel.open(dir)) {
      assertThat(Long.parseLong(original.get("count"))).isGreaterThan(copied);
    }
    try (Stream<Path> left = Files.list(dest.getParent())) {
      assertThat(left).containsExactly(dest);
    }
  }

  @Test
  void aBackupByTheLeaderIsACheckpointWhileAnotherProcessWritesThroughIt() throws Exception {
    Path dir = tmp.resolve("db");
    Path dest = tmp.resolve("copy");
    try (RaveLevel leader = Target.open(dir, true)) {
      assertThat(leader.isLeader()).isTrue();
      try (ChildProcess writer = startWriter(dir)) {
        assertThat(writer.readLine()).isEqualTo("following");
        assertThat(writer.readLine()).isEqualTo("written");
        Run r = Run.of("backup", dir.toString(), dest.toString());
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.err()).contains("(a checkpoint)");
        long copied = assertConsistent(dest);
        // The writer goes on past the copy's moment; it is stopped only once it has, so that the
        // check below does not depend on how soon after the backup its input closes.
        await().atMost(Duration.ofSeconds(60))
            .until(() -> Long.parseLong(leader.get("count")) > copied);
        writer.closeInput();
        assertThat(writer.waitFor()).isZero();
        assertThat(Long.parseLong(leader.get("count"))).isGreaterThan(copied);
      }
    }
  }

  @Test
  void aBackupOfADirectoryNobodyUsesIsACheckpointOfIt() {
    Path dir = tmp.resolve("db");
    assertThat(Run.of("put", dir.toString(), "a", "1").code()).isZero();
    Run r = Run.of("backup", dir.toString(), tmp.resolve("copy").toString());
    assertThat(r.code()).as("%s", r).isZero();
    assertThat(r.err()).contains("(a checkpoint)");
    assertThat(Run.of("get", tmp.resolve("copy").toString(), "a").out()).isEqualTo("1\n");
  }

  @Test
  void aBackupNeverWritesIntoAnExistingDirectory() throws Exception {
    Path dir = tmp.resolve("db");
    assertThat(Run.of("put", dir.toString(), "a", "1").code()).isZero();
    Path taken = Files.createDirectories(tmp.resolve("taken"));
    Run r = Run.of("backup", dir.toString(), taken.toString());
    assertThat(r.code()).isEqualTo(Main.FAILED);
    assertThat(r.err()).contains("already exists");
    try (Stream<Path> files = Files.list(taken)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aDestInsideTheDatabaseDirectoryIsRefusedHoweverItIsSpelled() throws Exception {
    Path dir = tmp.resolve("db");
    assertThat(Run.of("put", dir.toString(), "a", "1").code()).isZero();
    Path link = Files.createSymbolicLink(tmp.resolve("link"), dir);
    for (Path dest : new Path[] {dir.resolve("inside"), dir.resolve("new/deeper"),
        tmp.resolve("elsewhere/../db/inside"), link.resolve("inside"), dir.resolve("x/..")}) {
      Run r = Run.of("backup", dir.toString(), dest.toString());
      assertThat(r.code()).as("%s: %s", dest, r).isEqualTo(Main.FAILED);
      assertThat(r.err()).isEqualTo("level4j: LEVEL_INVALID_ARGUMENT: " + dest + " is inside "
          + dir + ": a copy there would lie among the files of the database it copies; choose a"
          + " DEST outside " + dir + "\n");
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .doesNotContain("inside", "new").noneMatch(n -> n.startsWith(".inside"));
    }
    assertThat(tmp.resolve("elsewhere")).doesNotExist();
    Run beside = Run.of("backup", link.toString(), tmp.resolve("db-copy").toString());
    assertThat(beside.code()).as("%s", beside).isZero();
  }

  @Test
  void aDestUnderAFileIsAnIoErrorNotABug() throws Exception {
    Path dir = tmp.resolve("db");
    assertThat(Run.of("put", dir.toString(), "a", "1").code()).isZero();
    Path file = Files.writeString(tmp.resolve("afile"), "x");
    Run r = Run.of("backup", dir.toString(), file.resolve("x").toString());
    assertThat(r.code()).as("%s", r).isEqualTo(Main.FAILED);
    assertThat(r.err()).isEqualTo("level4j: LEVEL_IO_ERROR: cannot make the directory "
        + file.resolve("x") + " goes in: " + file + " exists and is not a directory; choose"
        + " another DEST\n");
  }

  @Test
  void aDestInADirectoryYouMayNotWriteSaysSo() throws Exception {
    assumeFalse(ChildProcess.isRoot(), "root may write anywhere");
    Path dir = tmp.resolve("db");
    assertThat(Run.of("put", dir.toString(), "a", "1").code()).isZero();
    Path locked = Files.createDirectory(tmp.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      Run r = Run.of("backup", dir.toString(), locked.resolve("copy").toString());
      assertThat(r.code()).as("%s", r).isEqualTo(Main.FAILED);
      assertThat(r.err()).startsWith("level4j: LEVEL_IO_ERROR: cannot back up to "
          + locked.resolve("copy") + ": you may not create directories in " + locked);
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /** Checks that the copy holds exactly the keys up to its count, and returns the count. */
  private static long assertConsistent(Path copy) {
    try (Database db = RocksLevel.open(copy)) {
      long count = Long.parseLong(db.get("count"));
      List<String> keys = db.keys(Range.<String>all().gte("k").lt("l")).all();
      assertThat(keys).hasSize((int) count);
      assertThat(keys.get(0)).isEqualTo(BackupWriter.key(1));
      assertThat(keys.get(keys.size() - 1)).isEqualTo(BackupWriter.key(count));
      return count;
    }
  }

  private static ChildProcess startWriter(Path dir) throws java.io.IOException {
    return ChildProcess.java(List.of(), BackupWriter.class, dir.toString());
  }
}
