package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;
import org.rocksdb.TickerType;

/** What RocksDatabase adds to the Database API: RocksDB's options, properties, statistics, checkpoints, compaction. */
class RocksDatabaseTest {
  @TempDir
  Path dir;

  @Test
  void adjustRunsAfterLevel4jsSettingsAndItsChangesReachRocksDb() throws Exception {
    AtomicLong seenWriteBuffer = new AtomicLong();
    RocksOptions options = RocksOptions.builder()
        .writeBufferBytes(1L << 20)
        .adjust(o -> {
          seenWriteBuffer.set(o.writeBufferSize());
          o.setMaxWriteBufferNumber(7);
        })
        .build();
    try (RocksDatabase db = RocksLevel.open(dir.resolve("db"), options)) {
      db.put("k", "v");
    }
    assertThat(seenWriteBuffer.get()).isEqualTo(1L << 20);
    assertThat(optionsFileText(dir.resolve("db"))).contains("max_write_buffer_number=7");
  }

  @Test
  void anAdjustmentThatThrowsFailsTheOpenAndLeavesTheDirectoryFree() {
    RocksOptions failing = RocksOptions.builder()
        .adjust(o -> {
          throw new IllegalStateException("no such setting");
        })
        .build();
    assertThatThrownBy(() -> RocksLevel.open(dir, failing))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT))
        .hasMessageContaining("RocksOptions.adjust failed")
        .hasRootCauseMessage("no such setting");
    try (Database db = RocksLevel.open(dir)) {
      db.put("k", "v");
    }
  }

  @Test
  void propertiesReadRocksDbsReportAndNumbers() {
    try (RocksDatabase db = RocksLevel.open(dir)) {
      for (int i = 0; i < 100; i++) {
        db.put("key" + i, "value" + i);
      }
      assertThat(db.property("rocksdb.stats")).contains("DB Stats");
      assertThat(db.longProperty("rocksdb.estimate-num-keys")).isEqualTo(100);
      assertThat(db.location()).isEqualTo(dir.toAbsolutePath());
    }
  }

  @Test
  void anUnknownPropertyIsAnInvalidArgument() {
    try (RocksDatabase db = RocksLevel.open(dir)) {
      assertThatThrownBy(() -> db.property("rocksdb.no-such-thing"))
          .isInstanceOfSatisfying(LevelException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT))
          .hasMessageContaining("no property rocksdb.no-such-thing");
      assertThatThrownBy(() -> db.longProperty("rocksdb.stats"))
          .isInstanceOfSatisfying(LevelException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT));
    }
  }

  @Test
  void statisticsCountWhatTheDatabaseDidWhenEnabled() {
    RocksOptions options = RocksOptions.builder().statistics(true).build();
    try (RocksDatabase db = RocksLevel.open(dir, options)) {
      db.batch(List.of(Op.put("a", "1"), Op.put("b", "2"), Op.put("c", "3")));
      db.get("a");
      assertThat(db.hasStatistics()).isTrue();
      assertThat(db.statistic(TickerType.NUMBER_KEYS_WRITTEN)).isEqualTo(3);
      assertThat(db.statistics()).containsEntry(TickerType.NUMBER_KEYS_WRITTEN, 3L)
          .containsKey(TickerType.BLOCK_CACHE_MISS)
          .doesNotContainKey(TickerType.TICKER_ENUM_MAX);
    }
  }

  @Test
  void aScanReadsTheTableFilesWithoutFillingTheBlockCacheWhileAGetFillsIt() {
    RocksOptions options = RocksOptions.builder().statistics(true).build();
    try (RocksDatabase db = RocksLevel.open(dir, options)) {
      List<Op<String, String>> ops = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        ops.add(Op.put(String.format("key%05d", i), "v".repeat(100)));
      }
      db.batch(ops);
      db.compactRange(); // into table files, so that reads go through the block cache
    }
    try (RocksDatabase db = RocksLevel.open(dir, options)) {
      long added = db.statistic(TickerType.BLOCK_CACHE_DATA_ADD);
      long missed = db.statistic(TickerType.BLOCK_CACHE_DATA_MISS);
      try (var it = db.iterator()) {
        assertThat(it.all()).hasSize(2000);
      }
      // Every data block was read (a miss each, over 200 KB in 4 KiB blocks) and none was added.
      assertThat(db.statistic(TickerType.BLOCK_CACHE_DATA_MISS) - missed).isGreaterThan(20);
      assertThat(db.statistic(TickerType.BLOCK_CACHE_DATA_ADD)).isEqualTo(added);
      assertThat(db.get("key01000")).isEqualTo("v".repeat(100));
      assertThat(db.statistic(TickerType.BLOCK_CACHE_DATA_ADD)).isEqualTo(added + 1);
    }
  }

  @Test
  void statisticsWithoutTheOptionAreNotSupported() {
    try (RocksDatabase db = RocksLevel.open(dir)) {
      assertThat(db.hasStatistics()).isFalse();
      assertThatThrownBy(() -> db.statistic(TickerType.NUMBER_KEYS_WRITTEN))
          .isInstanceOfSatisfying(LevelException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_NOT_SUPPORTED))
          .hasMessageContaining("statistics(true)");
    }
  }

  @Test
  void aCheckpointHoldsTheDataAsItWasWhileTheDatabaseStaysOpen() {
    Path copy = dir.resolve("backups").resolve("one");
    try (RocksDatabase db = RocksLevel.open(dir.resolve("db"))) {
      db.put("before", "1");
      db.checkpoint(copy);
      db.put("after", "2");
      assertThat(db.get("before")).isEqualTo("1");
    }
    try (Database db = RocksLevel.open(copy)) {
      assertThat(db.get("before")).isEqualTo("1");
      assertThat(db.get("after")).isNull();
    }
  }

  @Test
  void aCheckpointIsKeptToItsOwnerWhateverTheUmaskAndLeavesNothingElseBehind() throws Exception {
    Path backups = dir.resolve("backups");
    Path copy = backups.resolve("one");
    try (RocksDatabase db = RocksLevel.open(dir.resolve("db"))) {
      db.put("k", "v");
      db.checkpoint(copy);
    }
    // The files in it are hard links of the database's own, made under the process's umask
    // (022 here: readable by all); the directory keeps other users out of them.
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)))
        .isEqualTo("rwx------");
    try (Stream<Path> files = Files.list(backups)) {
      assertThat(files).containsExactly(copy); // no staging directory left
    }
    try (Database db = RocksLevel.open(copy)) {
      assertThat(db.get("k")).isEqualTo("v");
    }
  }

  @Test
  void aCheckpointIntoAnExistingDirectoryFailsAndTouchesNothing() throws Exception {
    Path taken = Files.createDirectories(dir.resolve("taken"));
    Files.writeString(taken.resolve("notes.txt"), "mine");
    try (RocksDatabase db = RocksLevel.open(dir.resolve("db"))) {
      assertThatThrownBy(() -> db.checkpoint(taken))
          .isInstanceOfSatisfying(LevelException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT))
          .hasMessageContaining("already exists");
    }
    try (Stream<Path> files = Files.list(taken)) {
      assertThat(files).containsExactly(taken.resolve("notes.txt"));
    }
  }

  @Test
  void compactingARangeDropsItsDeletedEntriesFromTheTableFiles() {
    try (RocksDatabase db = RocksLevel.open(dir)) {
      List<Op<String, String>> ops = new ArrayList<>();
      String value = "x".repeat(1000);
      for (int i = 0; i < 2000; i++) {
        ops.add(Op.put(String.format("k%05d", i), value));
      }
      db.batch(ops);
      db.compactRange(); // flushes, then one set of table files holds all of it
      long full = db.longProperty("rocksdb.live-sst-files-size");
      db.clear();
      db.compactRange("k".getBytes(StandardCharsets.UTF_8), "l".getBytes(StandardCharsets.UTF_8));
      assertThat(db.longProperty("rocksdb.live-sst-files-size")).isLessThan(full / 10);
      assertThat(db.longProperty("rocksdb.estimate-num-keys")).isZero();
    }
  }

  @Test
  void everyRocksDbCallOnAClosedDatabaseSaysItIsNotOpen() {
    RocksDatabase db = RocksLevel.open(dir.resolve("db"));
    db.close();
    for (Runnable call : List.<Runnable>of(() -> db.property("rocksdb.stats"),
        () -> db.statistics(), () -> db.checkpoint(dir.resolve("copy")), db::compactRange)) {
      assertThatThrownBy(call::run)
          .isInstanceOfSatisfying(LevelException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPEN));
    }
    db.open();
    try {
      assertThat(db.property("rocksdb.stats")).isNotEmpty();
    } finally {
      db.close();
    }
  }

  @Test
  void theMxBeanShowsKeysSizeAndStatisticsUntilUnregistered() throws Exception {
    javax.management.MBeanServer server =
        java.lang.management.ManagementFactory.getPlatformMBeanServer();
    javax.management.ObjectName name = new javax.management.ObjectName(
        "org.level4j.rocksdb:type=RocksDatabase,dir="
            + javax.management.ObjectName.quote(dir.toAbsolutePath().toString()));
    try (RocksDatabase db = RocksLevel.open(dir, RocksOptions.builder().statistics(true).build());
        org.level4j.Registration bean = db.registerMXBean()) {
      db.put("a", "1");
      db.put("b", "2");
      assertThat(server.getAttribute(name, "EstimatedKeys")).isEqualTo(2L);
      assertThat(server.getAttribute(name, "Open")).isEqualTo(true);
      assertThat((Long) server.getAttribute(name, "MemTableBytes")).isPositive();
      RocksDatabaseMXBean proxy =
          javax.management.JMX.newMXBeanProxy(server, name, RocksDatabaseMXBean.class);
      assertThat(proxy.getStatistics()).containsEntry("number.keys.written", 2L);
      db.close();
      assertThat(proxy.isOpen()).isFalse();
      assertThat(proxy.getEstimatedKeys()).isZero();
      assertThat(proxy.getStatistics()).isEmpty();
    }
    assertThat(server.isRegistered(name)).isFalse();
  }

  private static String optionsFileText(Path db) throws Exception {
    try (Stream<Path> files = Files.list(db)) {
      Path latest = files.filter(p -> p.getFileName().toString().startsWith("OPTIONS-"))
          .max(Path::compareTo).orElseThrow();
      return Files.readString(latest);
    }
  }
}
