package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ArchivePurge: flushed log files leave the archive once walTtl and walSizeLimitBytes no longer
 * keep them, while the database is open, not only when RocksDB next opens it.
 */
class ArchivePurgeTest {
  @TempDir
  Path dir;

  private final ReentrantReadWriteLock release = new ReentrantReadWriteLock();

  @Test
  void filesOlderThanTheTimeToLiveLessOnePeriodGoAndOthersStay() throws Exception {
    // With a minute to live, checks come every 2 s: what is 58 s old goes now, so that nothing
    // over a minute old is left for RocksDB to remove when it next opens.
    Path archive = Files.createDirectories(dir.resolve("archive"));
    long now = System.currentTimeMillis();
    Path old = log(archive, 10, 100, now - 58_500);
    Path young = log(archive, 11, 100, now - 57_500);
    Path other = Files.writeString(archive.resolve("notes.log"), "not RocksDB's");
    Path lock = Files.writeString(archive.resolve("LOCK"), "");
    setModified(other, now - 3_600_000);
    setModified(lock, now - 3_600_000);
    ArchivePurge purge = new ArchivePurge(dir, Duration.ofMinutes(1), 0, release.readLock());

    assertThat(purge.purge(now)).isEqualTo(1);
    assertThat(old).doesNotExist();
    assertThat(young).exists();
    assertThat(other).as("not an archived log").exists();
    assertThat(lock).exists();
  }

  @Test
  void withAShortTimeToLiveFilesGoAtMostAQuarterOfItEarly() throws Exception {
    // 2 s to live, checks every second: a file goes at 1.5 s, not at 1 s.
    Path archive = Files.createDirectories(dir.resolve("archive"));
    long now = System.currentTimeMillis();
    Path old = log(archive, 10, 100, now - 1_600);
    Path young = log(archive, 11, 100, now - 1_400);
    ArchivePurge purge = new ArchivePurge(dir, Duration.ofSeconds(2), 0, release.readLock());

    assertThat(purge.purge(now)).isEqualTo(1);
    assertThat(old).doesNotExist();
    assertThat(young).exists();
  }

  @Test
  void beyondTheSizeLimitTheOldestGoFirst() throws Exception {
    // RocksDB keeps as many files as the limit holds files the size of the largest (10 here);
    // ninety percent of that stay, so that RocksDB's next open finds none to remove.
    Path archive = Files.createDirectories(dir.resolve("archive"));
    long now = System.currentTimeMillis();
    List<Path> files = new java.util.ArrayList<>();
    for (int n = 20; n < 32; n++) {
      files.add(log(archive, n, n == 25 ? 400 : 300, now));
    }
    Path empty = log(archive, 40, 0, now);
    ArchivePurge purge = new ArchivePurge(dir, Duration.ZERO, 4000, release.readLock());

    assertThat(purge.purge(now)).isEqualTo(4); // the empty one and the three oldest
    assertThat(files.subList(0, 3)).allSatisfy(p -> assertThat(p).doesNotExist());
    assertThat(files.subList(3, 12)).allSatisfy(p -> assertThat(p).exists());
    assertThat(empty).doesNotExist();
    assertThat(purge.purge(now)).as("within the limit now").isZero();
    Path next = log(archive, 32, 300, now);
    assertThat(purge.purge(now)).as("a new file pushes out the oldest").isEqualTo(1);
    assertThat(files.get(3)).doesNotExist();
    assertThat(next).exists();
  }

  @Test
  void noArchiveYetIsNothingToDo() {
    ArchivePurge purge = new ArchivePurge(dir, Duration.ofMinutes(1), 1 << 20,
        release.readLock());
    assertThat(purge.purge(System.currentTimeMillis())).isZero();
  }

  @Test
  void itChecksEveryQuarterOfTheTimeToLiveWithinOneToTwoSeconds() {
    assertThat(ArchivePurge.periodNanos(Duration.ofMinutes(1)))
        .isEqualTo(TimeUnit.SECONDS.toNanos(2));
    assertThat(ArchivePurge.periodNanos(Duration.ofSeconds(6)))
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(1500));
    assertThat(ArchivePurge.periodNanos(Duration.ofSeconds(1)))
        .isEqualTo(TimeUnit.SECONDS.toNanos(1));
    assertThat(ArchivePurge.periodNanos(Duration.ZERO)).isEqualTo(TimeUnit.SECONDS.toNanos(2));
    assertThat(ArchivePurge.needed(Duration.ZERO, 0)).isFalse();
    assertThat(ArchivePurge.needed(Duration.ZERO, 1)).isTrue();
    assertThat(ArchivePurge.needed(Duration.ofSeconds(1), 0)).isTrue();
    assertThat(ArchivePurge.needed(Duration.ofMillis(500), 0))
        .as("RocksDB takes whole seconds: half a second keeps nothing").isFalse();
    assertThat(ArchivePurge.logNumber(Path.of("000123.log"))).isEqualTo(123L);
    assertThat(ArchivePurge.logNumber(Path.of(".log"))).isNull();
    assertThat(ArchivePurge.logNumber(Path.of("12a.log"))).isNull();
    assertThat(ArchivePurge.logNumber(Path.of("000123.sst"))).isNull();
  }

  /**
   * With both limits set, as by default, RocksDB itself removes expired files only when it opens
   * and then at most every 10 minutes; an open database now does it within seconds.
   */
  @Test
  void anOpenDatabaseExpiresItsArchiveWithBothLimitsSet() throws Exception {
    RocksOptions options = RocksOptions.builder().walTtl(Duration.ofSeconds(2))
        .walSizeLimitBytes(256L << 20).build();
    try (RocksDatabase db = RocksLevel.open(dir, options)) {
      for (int i = 0; i < 3; i++) {
        db.put("k" + i, "v");
        db.compactRange(); // flushes: the log so far is archived
      }
      List<Path> archived = await("logs archived").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20)).until(this::archived, l -> !l.isEmpty());
      await("the archive expired").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> archived.stream().noneMatch(Files::exists));
      assertThat(db.get("k0")).isEqualTo("v");
    }
  }

  private List<Path> archived() throws Exception {
    Path archive = dir.resolve("archive");
    if (!Files.isDirectory(archive)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(archive)) {
      return files.filter(p -> p.toString().endsWith(".log")).toList();
    }
  }

  private static Path log(Path archive, long number, int bytes, long modifiedMillis)
      throws Exception {
    Path p = Files.write(archive.resolve(String.format("%06d.log", number)), new byte[bytes]);
    setModified(p, modifiedMillis);
    return p;
  }

  private static void setModified(Path p, long millis) throws Exception {
    Files.setLastModifiedTime(p, FileTime.fromMillis(millis));
  }
}
