package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.Op;
import org.level4j.RequestId;
import org.level4j.WriteOptions;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/** Request records: kept across reopening, apart from the data, and deleted once settled. */
class RequestLogTest {
  private static final byte[] CLIENT = "client-1".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dir;

  private static WriteOptions once(long seq, long settledBelow) {
    return WriteOptions.builder().request(new RequestId(CLIENT, seq, settledBelow)).build();
  }

  @Test
  void aDatabaseThatNeverTookARequestStaysOneColumnFamily() throws Exception {
    try (Database db = RocksLevel.open(dir)) {
      db.put("k", "v");
    }
    try (Options o = new Options()) {
      assertThat(RocksDB.listColumnFamilies(o, dir.toString())).hasSize(1);
    }
  }

  @Test
  void aRequestAppliedBeforeAReopenIsNotAppliedAgain() {
    try (Database db = RocksLevel.open(dir)) {
      db.batch(List.of(Op.expectAbsent("n"), Op.put("n", "1")), once(1, 1));
    }
    try (Database db = RocksLevel.open(dir)) {
      // The retry of request 1: its precondition fails now, but it was applied, so it succeeds.
      db.batch(List.of(Op.expectAbsent("n"), Op.put("n", "1")), once(1, 1));
      db.put("n", "2");
      db.batch(List.of(Op.expectAbsent("n"), Op.put("n", "1")), once(1, 1));
      assertThat(db.get("n")).isEqualTo("2");
      assertThat(db.keys(org.level4j.Range.all()).all()).containsExactly("n");
    }
  }

  @Test
  void theNewestOptionsFileTellsWhetherTheFamilyExists() throws Exception {
    assertThat(RequestLog.inNewestOptionsFile(dir)).as("no database yet").isNull();
    try (Database db = RocksLevel.open(dir)) {
      db.put("k", "v");
    }
    assertThat(RequestLog.inNewestOptionsFile(dir)).isFalse();
    try (Database db = RocksLevel.open(dir)) {
      db.put("k", "v", once(1, 1));
    }
    assertThat(RequestLog.inNewestOptionsFile(dir)).isTrue();
    try (Options o = new Options()) {
      assertThat(RequestLog.exists(o, dir)).isTrue();
      assertThat(RequestLog.listed(o, dir)).isTrue();
    }
  }

  @Test
  void anOptionsFileBehindTheManifestStillOpensWithTheRecords() throws Exception {
    try (Database db = RocksLevel.open(dir)) {
      db.batch(List.of(Op.expectAbsent("n"), Op.put("n", "1")), once(1, 1));
    }
    // As if the process had died after RocksDB recorded the new family in its MANIFEST and
    // before it wrote the OPTIONS file that lists it: a newer OPTIONS file without the family.
    Path newest;
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
      newest = files.filter(f -> f.getFileName().toString().matches("OPTIONS-\\d+"))
          .max(java.util.Comparator.comparingLong(
              f -> Long.parseLong(f.getFileName().toString().substring(8)))).orElseThrow();
    }
    String text = java.nio.file.Files.readString(newest, StandardCharsets.ISO_8859_1);
    int section = text.indexOf("[CFOptions \"level4j-requests\"]");
    assertThat(section).isPositive();
    long number = Long.parseLong(newest.getFileName().toString().substring(8));
    java.nio.file.Files.writeString(dir.resolve(String.format("OPTIONS-%06d", number + 1)),
        text.substring(0, section), StandardCharsets.ISO_8859_1);
    assertThat(RequestLog.inNewestOptionsFile(dir)).isFalse();

    try (Database db = RocksLevel.open(dir)) {
      // The MANIFEST decided: the records are there, so the retry of request 1 is not applied.
      db.put("n", "2");
      db.batch(List.of(Op.expectAbsent("n"), Op.put("n", "1")), once(1, 1));
      assertThat(db.get("n")).isEqualTo("2");
    }
    assertThat(RequestLog.inNewestOptionsFile(dir)).as("RocksDB wrote a complete one").isTrue();
  }

  @Test
  void settledRequestsAreDeletedAndForgotten() throws Exception {
    try (Database db = RocksLevel.open(dir)) {
      for (long seq = 1; seq <= 10; seq++) {
        db.put("k" + seq, "v", once(seq, seq)); // each settles all before it
      }
      // Request 3 was settled by request 4: a write with its id is new again.
      db.del("k3");
      db.put("k3", "again", once(3, 11));
      assertThat(db.get("k3")).isEqualTo("again");
    }
    assertThat(records()).hasSizeLessThanOrEqualTo(2); // 10 and the second 3, at most
  }

  /** The record keys in the requests column family, read with plain RocksDB. */
  private List<byte[]> records() throws Exception {
    List<byte[]> keys = new ArrayList<>();
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions o = new DBOptions();
        RocksDB db = RocksDB.open(o, dir.toString(), List.of(
            new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
            new ColumnFamilyDescriptor(RequestLog.NAME)), handles)) {
      try (RocksIterator it = db.newIterator(handles.get(1))) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          keys.add(it.key());
        }
      }
      handles.forEach(ColumnFamilyHandle::close);
    }
    return keys;
  }
}
