package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.ErrorCode;
import org.level4j.Level;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.Snapshot;
import org.level4j.Status;
import org.level4j.Supports;
import org.level4j.WriteOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;

/** What the RocksDB engine adds to the shared suite: files, options, native resources. */
class RocksLevelTest {
  @TempDir
  Path dir;

  @Test
  void dataSurvivesCloseAndReopenInANewDatabase() {
    try (Database db = RocksLevel.open(dir)) {
      db.put("a", "1");
      db.batch(List.of(Op.put("b", "2"), Op.put("c", "3"), Op.del("a")));
    }
    try (Database db = RocksLevel.open(dir)) {
      assertThat(db.get("a")).isNull();
      assertThat(db.get("b")).isEqualTo("2");
      assertThat(db.iterator().all()).extracting(Entry::key).containsExactly("b", "c");
    }
  }

  @Test
  void openAfterCloseReopensTheSameDatabase() {
    Database db = RocksLevel.open(dir);
    db.put("k", "v");
    db.close();
    assertThat(db.status()).isEqualTo(Status.CLOSED);
    db.open();
    try {
      assertThat(db.get("k")).isEqualTo("v");
      db.put("k2", "v2");
    } finally {
      db.close();
    }
    db.close();
    try (Database again = RocksLevel.open(dir)) {
      assertThat(again.get("k2")).isEqualTo("v2");
    }
  }

  @Test
  void closeFreesIteratorsAndSnapshotsLeftOpen() {
    Database db = RocksLevel.open(dir);
    for (int i = 0; i < 100; i++) {
      db.put("k" + i, "v" + i);
    }
    LevelIterator<String, Entry<String, String>> it = db.iterator();
    it.next();
    Snapshot snapshot = db.snapshot();
    db.close();
    it.close();
    snapshot.close();
    db.open();
    try {
      assertThat(db.keys(Range.all()).all()).hasSize(100);
    } finally {
      db.close();
    }
  }

  @Test
  void createIfMissingFalseOnAnEmptyPlaceFailsWithDatabaseMissing() {
    Path missing = dir.resolve("nothing-here");
    RocksOptions options = RocksOptions.builder().createIfMissing(false).build();
    assertThatThrownBy(() -> RocksLevel.open(missing, options))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_DATABASE_MISSING))
        .hasMessageContaining("createIfMissing is false");
    assertThat(missing).doesNotExist();
  }

  @Test
  void createIfMissingMakesParentDirectories() {
    Path deep = dir.resolve("a").resolve("b").resolve("c");
    try (Database db = RocksLevel.open(deep)) {
      db.put("x", "y");
    }
    assertThat(deep.resolve("CURRENT")).exists();
  }

  @Test
  void errorIfExistsOnAnExistingDatabaseFailsWithDatabaseExists() {
    RocksLevel.open(dir).close();
    RocksOptions options = RocksOptions.builder().errorIfExists(true).build();
    assertThatThrownBy(() -> RocksLevel.open(dir, options))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_DATABASE_EXISTS));
    RocksLevel.open(dir.resolve("fresh"), options).close();
  }

  @Test
  void syncWritesByOptionAndPerWriteAreKept() {
    RocksOptions options = RocksOptions.builder().syncWrites(true).build();
    try (Database db = RocksLevel.open(dir, options)) {
      db.put("always", "synced");
    }
    try (Database db = RocksLevel.open(dir)) {
      db.put("one", "synced", WriteOptions.SYNC);
      db.batch(List.of(Op.put("two", "synced")), WriteOptions.SYNC);
    }
    try (Database db = RocksLevel.open(dir)) {
      assertThat(db.getMany(List.of("always", "one", "two")))
          .containsExactly("synced", "synced", "synced");
    }
  }

  @Test
  void everyCompressionStoresAndReadsBack() throws Exception {
    for (RocksOptions.Compression c : RocksOptions.Compression.values()) {
      // A 64 KiB write buffer fills with these entries, so table files get written compressed.
      RocksOptions options = RocksOptions.builder().compression(c).blockCacheBytes(0)
          .writeBufferBytes(64 << 10).build();
      Path d = dir.resolve(c.name());
      try (Database db = RocksLevel.open(d, options)) {
        for (int part = 0; part < 10; part++) {
          List<Op<String, String>> ops = new ArrayList<>();
          for (int i = part * 300; i < (part + 1) * 300; i++) {
            ops.add(Op.put(String.format("key%05d", i), "value value value value value " + i));
          }
          db.batch(ops);
        }
      }
      try (Database db = RocksLevel.open(d, options)) {
        assertThat(db.get("key02999")).isEqualTo("value value value value value 2999");
        assertThat(db.keys(Range.all()).all()).hasSize(3000);
      }
      try (Stream<Path> files = Files.list(d)) {
        assertThat(files.filter(p -> p.toString().endsWith(".sst"))).isNotEmpty();
      }
    }
  }

  @Test
  void optionsAreImmutableValuesWithDocumentedDefaults() {
    RocksOptions d = RocksOptions.defaults();
    assertThat(d.createIfMissing()).isTrue();
    assertThat(d.errorIfExists()).isFalse();
    assertThat(d.syncWrites()).isFalse();
    assertThat(d.blockCacheBytes()).isEqualTo(32L << 20);
    assertThat(d.writeBufferBytes()).isEqualTo(64L << 20);
    assertThat(d.compression()).isEqualTo(RocksOptions.Compression.LZ4);
    assertThat(d.toBuilder().build()).isEqualTo(d).hasSameHashCodeAs(d);
    assertThat(RocksOptions.builder().syncWrites(true).build()).isNotEqualTo(d);
    assertThatThrownBy(() -> RocksOptions.builder().blockCacheBytes(-1))
        .isInstanceOf(LevelException.class);
    assertThatThrownBy(() -> RocksOptions.builder().compression(null))
        .isInstanceOf(LevelException.class);
  }

  @Test
  void supportsEverything() {
    try (Database db = RocksLevel.open(dir)) {
      assertThat(db.supports()).isEqualTo(Supports.all());
    }
  }

  @Test
  void damagedFilesFailWithCorruption() throws Exception {
    try (Database db = RocksLevel.open(dir)) {
      db.put("a", "1");
    }
    String manifest = Files.readString(dir.resolve("CURRENT")).trim();
    Files.write(dir.resolve(manifest), "this is not a manifest".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> RocksLevel.open(dir))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_CORRUPTION))
        .hasMessageContaining(dir.toAbsolutePath().toString());
  }

  @Test
  void tableFilesInLevelDbsFormatFailWithCorruptionNamingLevelDb() throws Exception {
    try (Database db = RocksLevel.open(dir)) {
      db.put("a", "1");
    }
    try (RocksDB raw = RocksDB.open(dir.toString());
        FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      raw.flush(flush);
    }
    Path table;
    try (Stream<Path> files = Files.list(dir)) {
      table = files.filter(p -> p.toString().endsWith(".sst")).findFirst().orElseThrow();
    }
    // LevelDB's table magic number, little-endian, where a table file's footer ends.
    try (FileChannel ch = FileChannel.open(table, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
          .putLong(0xdb4775248b80fb57L).flip(), ch.size() - 8);
    }
    assertThatThrownBy(() -> RocksLevel.open(dir))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_CORRUPTION))
        .hasMessageContaining("LevelDB");
  }

  @Test
  void keysSortAsUnsignedBytes() {
    try (Database db = RocksLevel.open(dir)) {
      Level<byte[], byte[]> bytes = db.bytes();
      byte[][] keys = {{(byte) 0xff}, {0x7f}, {}, {0x00}, {(byte) 0x80, 0x00}, {(byte) 0x80}};
      for (byte[] k : keys) {
        bytes.put(k, k);
      }
      assertThat(bytes.keys(Range.all()).all()).containsExactly(new byte[] {}, new byte[] {0x00},
          new byte[] {0x7f}, new byte[] {(byte) 0x80}, new byte[] {(byte) 0x80, 0x00},
          new byte[] {(byte) 0xff});
      assertThat(bytes.keys(Range.<byte[]>all().gt(new byte[] {(byte) 0x80})).all())
          .containsExactly(new byte[] {(byte) 0x80, 0x00}, new byte[] {(byte) 0xff});
      assertThat(bytes.keys(Range.<byte[]>all().lte(new byte[] {(byte) 0x80}).reverse()).all())
          .containsExactly(new byte[] {(byte) 0x80}, new byte[] {0x7f}, new byte[] {0x00},
              new byte[] {});
    }
  }

  @Test
  void clearWithoutUpperBoundRemovesUpToTheLastKey() {
    try (Database db = RocksLevel.open(dir)) {
      Level<byte[], byte[]> bytes = db.bytes();
      bytes.put(new byte[] {0x01}, new byte[] {1});
      bytes.put(new byte[] {(byte) 0xff, (byte) 0xff}, new byte[] {2});
      bytes.put(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}, new byte[] {3});
      bytes.clear(Range.<byte[]>all().gt(new byte[] {0x01}));
      assertThat(bytes.keys(Range.all()).all()).containsExactly(new byte[] {0x01});
      bytes.clear(Range.<byte[]>all().gte(new byte[] {0x01}));
      assertThat(bytes.keys(Range.all()).all()).isEmpty();
      bytes.put(new byte[] {}, new byte[] {4});
      bytes.clear();
      assertThat(bytes.keys(Range.all()).all()).isEmpty();
      bytes.clear();
    }
  }

  @Test
  void clearWithLimitDeletesInTheRangesDirection() {
    try (Database db = RocksLevel.open(dir)) {
      for (int i = 0; i < 2500; i++) {
        db.put(String.format("k%04d", i), "v");
      }
      db.clear(Range.<String>all().limit(1200));
      assertThat(db.keys(Range.<String>all().limit(1)).all()).containsExactly("k1200");
      db.clear(Range.<String>all().lt("k2400").reverse().limit(1100));
      List<String> expected = new ArrayList<>();
      for (int i = 1200; i < 1300; i++) {
        expected.add(String.format("k%04d", i));
      }
      for (int i = 2400; i < 2500; i++) {
        expected.add(String.format("k%04d", i));
      }
      assertThat(db.keys(Range.all()).all()).isEqualTo(expected);
    }
  }

  @Test
  void snapshotKeepsOldValuesForGetsAndIterators() {
    try (Database db = RocksLevel.open(dir)) {
      db.put("a", "old");
      try (Snapshot s = db.snapshot()) {
        db.put("a", "new");
        db.put("b", "new");
        assertThat(db.get("a", s)).isEqualTo("old");
        assertThat(db.getMany(List.of("a", "b"), s)).containsExactly("old", null);
        assertThat(db.iterator(Range.all(), s).all()).containsExactly(new Entry<>("a", "old"));
        assertThat(db.get("a")).isEqualTo("new");
      }
    }
  }

  @Test
  void reopeningAppendsToTheManifestInsteadOfWritingANewOne() throws Exception {
    // reuse_manifest_on_open (RocksEngine.reopenFast): a takeover's open skips the synchronous
    // writes of a new MANIFEST and CURRENT. Checked by the files, so a RocksDB that silently
    // ignored the option would fail here.
    Path db = dir.resolve("db");
    try (Database d = RocksLevel.open(db)) {
      d.put("a", "1");
    }
    List<String> before = manifests(db);
    for (int i = 0; i < 3; i++) {
      try (Database d = RocksLevel.open(db)) {
        d.put("b" + i, "2");
        assertThat(d.get("a")).isEqualTo("1");
      }
    }
    assertThat(before).hasSize(1);
    assertThat(manifests(db)).isEqualTo(before);
    try (Database d = RocksLevel.open(db)) {
      assertThat(d.get("b2")).isEqualTo("2");
    }
  }

  @Test
  void automaticCompactionsWaitAMomentAfterOpening() throws Exception {
    // CompactionHold: five table files in level 0 are one more than RocksDB's trigger, so an
    // open would start compacting them at once; it waits HOLD_MILLIS, then compacts as usual.
    Path db = dir.resolve("db");
    try (org.rocksdb.Options o = new org.rocksdb.Options().setCreateIfMissing(true)
            .setDisableAutoCompactions(true);
        RocksDB raw = RocksDB.open(o, db.toString());
        FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      for (int i = 0; i < 5; i++) {
        raw.put(("k" + i).getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
        raw.flush(flush);
      }
    }
    long opened = System.nanoTime();
    try (RocksDatabase d = RocksLevel.open(db)) {
      Thread.sleep(CompactionHold.HOLD_MILLIS / 2); // compacting five tiny files takes ms
      long level0 = level0Files(d);
      long tookMillis = (System.nanoTime() - opened) / 1_000_000;
      if (tookMillis < CompactionHold.HOLD_MILLIS * 4 / 5) { // else too slow to tell
        assertThat(level0).isEqualTo(5);
      }
      await().atMost(Duration.ofSeconds(20))
          .until(() -> level0Files(d) < 4);
      for (int i = 0; i < 5; i++) {
        assertThat(d.get("k" + i)).isEqualTo("v");
      }
    }
  }

  private static long level0Files(RocksDatabase d) {
    return Long.parseLong(d.property("rocksdb.num-files-at-level0").trim());
  }

  private static List<String> manifests(Path db) throws Exception {
    try (Stream<Path> files = Files.list(db)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("MANIFEST-"))
          .sorted().toList();
    }
  }
}
