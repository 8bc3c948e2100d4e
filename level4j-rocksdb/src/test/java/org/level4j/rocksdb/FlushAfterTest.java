package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;

/** RocksOptions.flushAfter: writes do not stay in the write buffer (and the log) for long. */
class FlushAfterTest {
  @TempDir
  Path dir;

  @Test
  void aWriteBufferHeldLongerThanTheLimitIsWrittenToATableFile() throws Exception {
    // 64 MiB of write buffer: 3,000 small puts never fill it, so only the age limit flushes them.
    RocksOptions options = RocksOptions.builder().flushAfter(Duration.ofMillis(50)).build();
    try (Database db = RocksLevel.open(dir, options)) {
      for (int i = 0; i < 3000; i++) {
        db.put(String.format("k%05d", i), "v" + i);
      }
      awaitTableFile(30);
      assertThat(db.get("k00000")).isEqualTo("v0");
      assertThat(db.get("k02999")).isEqualTo("v2999");
    }
    try (Database db = RocksLevel.open(dir, options)) {
      assertThat(db.iterator().all()).hasSize(3000);
    }
  }

  @Test
  void writesAfterAQuietSpellAreStillFlushed() throws Exception {
    // Quiet, the check runs once per limit and asks RocksDB nothing but its sequence number.
    RocksOptions options = RocksOptions.builder().flushAfter(Duration.ofMillis(20)).build();
    try (Database db = RocksLevel.open(dir, options)) {
      db.put("first", "v");
      Thread.sleep(300);
      assertThat(hasTableFile()).as("one entry is not worth a table file").isFalse();
      for (int i = 0; i < 3000; i++) {
        db.put(String.format("k%05d", i), "v" + i);
      }
      awaitTableFile(30);
    }
    try (Database db = RocksLevel.open(dir, options)) {
      assertThat(db.iterator().all()).hasSize(3001);
    }
  }

  @Test
  void aQuietDatabasesCheckSleepsUntilTheNextWrite() throws Exception {
    // Each check costs its timer thread about 100 µs of CPU, which a busy machine takes from
    // whoever runs; with nothing written, none is needed.
    RocksEngine engine = new RocksEngine(dir,
        RocksOptions.builder().flushAfter(Duration.ofMillis(10)).build());
    engine.open();
    try {
      engine.write(List.of(Op.put(bytes("k"), bytes("v"))), false);
      // The checks that look at the buffer, old but small, then decide, and sleep.
      await("the check sleeps").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(10)).until(engine::flushCheckSleeps);
      long settled = engine.flushChecks();
      assertThat(settled).as("checks since the write").isPositive();
      Thread.sleep(500); // 50 checks' worth at one per limit, as before
      assertThat(engine.flushChecks() - settled).as("checks while nothing was written")
          .isLessThanOrEqualTo(1);

      long quiet = engine.flushChecks();
      for (int i = 0; i < 1500; i++) {
        engine.write(List.of(Op.put(bytes(String.format("k%05d", i)), bytes("v"))), false);
      }
      await("the write wakes the check, which flushes").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(10)).until(() -> tableFiles(dir) > 0);
      // One check at least: the one that flushed (a late one may come after all the writes).
      assertThat(engine.flushChecks()).isGreaterThan(quiet);
    } finally {
      engine.close();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void aBufferBegunWhenRocksDbSealedAFullOneIsFlushedAtItsOwnAge() throws Exception {
    // 64 KiB buffers, which these puts fill several times: RocksDB seals and flushes each full one
    // itself, while the check waits for the deadline of the buffer it saw. The last buffer, left
    // with a thousand entries or more, must still be flushed by the limit.
    RocksOptions options = RocksOptions.builder().writeBufferBytes(64 * 1024)
        .flushAfter(Duration.ofMillis(300)).build();
    try (RocksDatabase db = RocksLevel.open(dir, options)) {
      int i = 0;
      while (tableFiles(dir) < 2 || activeEntries(db) < LogBound.MIN_ENTRIES) {
        db.put(String.format("k%07d", i), "v" + i);
        i++;
        assertThat(i).as("puts before two full buffers and 1,000 entries").isLessThan(1_000_000);
      }
      await("the last buffer flushed by the limit").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20)).until(() -> activeEntries(db) == 0);
      assertThat(db.get(String.format("k%07d", i - 1))).isEqualTo("v" + (i - 1));
    }
  }

  @Test
  void closingWhileTheLimitIsCheckedLosesNothing() {
    RocksOptions options = RocksOptions.builder().flushAfter(Duration.ofMillis(10)).build();
    for (int round = 0; round < 20; round++) {
      try (Database db = RocksLevel.open(dir, options)) {
        for (int i = 0; i < 1500; i++) {
          db.put(String.format("r%02d-%05d", round, i), "v");
        }
      }
    }
    try (Database db = RocksLevel.open(dir)) {
      assertThat(db.iterator().all()).hasSize(20 * 1500);
    }
  }

  @Test
  void aLimitUnderTenMillisecondsIsRefused() {
    assertThatThrownBy(() -> RocksOptions.builder().flushAfter(Duration.ofMillis(5)))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT))
        .hasMessageContaining("flushAfter");
    assertThatThrownBy(() -> RocksOptions.builder().flushAfter(Duration.ofMillis(-1)))
        .isInstanceOf(LevelException.class);
    assertThat(RocksOptions.builder().flushAfter(Duration.ZERO).build().flushAfter()).isZero();
    assertThat(RocksOptions.defaults().flushAfter()).isZero();
  }

  @Test
  void levelZeroIsCompactedAtSixteenSmallFilesInsteadOfFour() throws Exception {
    // What RocksDB applied, read from the OPTIONS file it writes when it opens a directory.
    try (Database db = RocksLevel.open(dir.resolve("bounded"),
        RocksOptions.builder().flushAfter(Duration.ofMillis(40)).build())) {
      assertThat(appliedOptions(dir.resolve("bounded")))
          .contains("level0_file_num_compaction_trigger=16", "level0_slowdown_writes_trigger=48",
              "level0_stop_writes_trigger=64");
    }
    try (Database db = RocksLevel.open(dir.resolve("plain"))) {
      assertThat(appliedOptions(dir.resolve("plain")))
          .contains("level0_file_num_compaction_trigger=4", "level0_slowdown_writes_trigger=20",
              "level0_stop_writes_trigger=36");
    }
    RocksOptions adjusted = RocksOptions.builder().flushAfter(Duration.ofMillis(40))
        .adjust(o -> o.setLevel0FileNumCompactionTrigger(8)).build();
    try (Database db = RocksLevel.open(dir.resolve("adjusted"), adjusted)) {
      assertThat(appliedOptions(dir.resolve("adjusted")))
          .contains("level0_file_num_compaction_trigger=8");
    }
  }

  @Test
  void withFlushAfterTheBaseLevelIs16MiBSoSmallFlushesDoNotRewriteALargeLastLevel()
      throws Exception {
    try (Database db = RocksLevel.open(dir.resolve("bounded"),
        RocksOptions.builder().flushAfter(Duration.ofMillis(40)).build())) {
      assertThat(appliedOptions(dir.resolve("bounded")))
          .contains("max_bytes_for_level_base=16777216");
    }
    try (Database db = RocksLevel.open(dir.resolve("plain"))) {
      assertThat(appliedOptions(dir.resolve("plain")))
          .contains("max_bytes_for_level_base=268435456");
    }
    RocksOptions adjusted = RocksOptions.builder().flushAfter(Duration.ofMillis(40))
        .adjust(o -> o.setMaxBytesForLevelBase(64L << 20)).build();
    try (Database db = RocksLevel.open(dir.resolve("adjusted"), adjusted)) {
      assertThat(appliedOptions(dir.resolve("adjusted")))
          .contains("max_bytes_for_level_base=67108864");
    }
  }

  @Test
  void withFlushAfterTheManifestStartsAnewAt64KiB() throws Exception {
    try (Database db = RocksLevel.open(dir.resolve("bounded"),
        RocksOptions.builder().flushAfter(Duration.ofMillis(40)).build())) {
      assertThat(appliedOptions(dir.resolve("bounded"))).contains("max_manifest_file_size=65536");
    }
    try (Database db = RocksLevel.open(dir.resolve("plain"))) {
      assertThat(appliedOptions(dir.resolve("plain")))
          .contains("max_manifest_file_size=1073741824");
    }
  }

  @Test
  void withFlushAfterTheInfoLogKeepsWarningsOnlyAndEveryInfoLogRollsAt4MiB() throws Exception {
    RocksOptions bounded = RocksOptions.builder().flushAfter(Duration.ofMillis(10)).build();
    try (Database db = RocksLevel.open(dir.resolve("bounded"), bounded)) {
      assertThat(appliedOptions(dir.resolve("bounded")))
          .contains("info_log_level=WARN_LEVEL", "max_log_file_size=4194304");
      // Flushes that INFO would describe line by line: none of their lines is written.
      for (int flush = 0; flush < 5; flush++) {
        int before = tableFiles(dir.resolve("bounded"));
        for (int i = 0; i < 1200; i++) {
          db.put(String.format("f%d-%05d", flush, i), "v");
        }
        await("a flush").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
            .until(() -> tableFiles(dir.resolve("bounded")) > before);
      }
      assertThat(infoLog(dir.resolve("bounded"))).contains("RocksDB version")
          .doesNotContain("flush_job", "EVENT_LOG");
    }
    try (Database db = RocksLevel.open(dir.resolve("plain"))) {
      assertThat(appliedOptions(dir.resolve("plain")))
          .contains("info_log_level=INFO_LEVEL", "max_log_file_size=4194304");
    }
    RocksOptions adjusted = RocksOptions.builder().flushAfter(Duration.ofMillis(10))
        .adjust(o -> o.setInfoLogLevel(org.rocksdb.InfoLogLevel.INFO_LEVEL)).build();
    try (Database db = RocksLevel.open(dir.resolve("adjusted"), adjusted)) {
      assertThat(appliedOptions(dir.resolve("adjusted"))).contains("info_log_level=INFO_LEVEL");
    }
  }

  private static long activeEntries(RocksDatabase db) {
    return Long.parseLong(db.property("rocksdb.num-entries-active-mem-table"));
  }

  private static int tableFiles(Path db) throws IOException {
    try (Stream<Path> files = Files.list(db)) {
      return (int) files.filter(p -> p.getFileName().toString().endsWith(".sst")).count();
    }
  }

  /** RocksDB's current info log of {@code db} (a file LOG in the directory). */
  private static String infoLog(Path db) throws IOException {
    return Files.readString(db.resolve("LOG"));
  }

  private static String appliedOptions(Path db) throws IOException {
    try (Stream<Path> files = Files.list(db)) {
      Path newest = files.filter(p -> p.getFileName().toString().startsWith("OPTIONS-"))
          .max(java.util.Comparator.comparing(Path::toString)).orElseThrow();
      return Files.readString(newest).replace(" ", "");
    }
  }

  private void awaitTableFile(int seconds) {
    await("a table file within " + seconds + " s").atMost(Duration.ofSeconds(seconds))
        .pollInterval(Duration.ofMillis(10)).until(this::hasTableFile);
  }

  private boolean hasTableFile() throws IOException {
    return tableFiles(dir) > 0;
  }
}
