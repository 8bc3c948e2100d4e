package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.LevelIterator;
import org.level4j.Op;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;

/** A batch built as bytes is the batch rocksdbjni's own calls build, byte for byte. */
class SerializedBatchTest {
  @TempDir
  Path dir;

  @BeforeAll
  static void loadNative() {
    RocksDB.loadLibrary();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] filled(int n, int seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static void assertSameAsEntryByEntry(List<Op<byte[], byte[]>> ops) throws Exception {
    try (WriteBatch built = SerializedBatch.of(ops);
        WriteBatch expected = SerializedBatch.entryByEntry(ops)) {
      assertThat(built.count()).isEqualTo(expected.count());
      assertThat(built.data()).isEqualTo(expected.data());
    }
  }

  @Test
  void putsAndDelsInOrderMatchRocksDbsOwnBatch() throws Exception {
    assertSameAsEntryByEntry(List.of(Op.put(bytes("a"), bytes("1")), Op.del(bytes("b")),
        Op.put(bytes("c"), bytes("3")), Op.del(bytes("a"))));
  }

  @Test
  void lengthsThatNeedSeveralVarintBytesMatchRocksDbsOwnBatch() throws Exception {
    // 127 and 128 straddle one varint byte, 16,383 and 16,384 two, 2,097,152 needs four.
    List<Op<byte[], byte[]>> ops = new ArrayList<>();
    int seed = 0;
    for (int n : new int[] {0, 1, 127, 128, 16_383, 16_384, 2_097_152}) {
      ops.add(Op.put(filled(Math.max(n, 1) % 20_000 + 1, seed++), filled(n, seed++)));
      ops.add(Op.del(filled(n == 0 ? 1 : n, seed++)));
    }
    assertSameAsEntryByEntry(ops);
  }

  @Test
  void anEmptyValueIsKept() throws Exception {
    assertSameAsEntryByEntry(List.of(Op.put(bytes("k"), new byte[0])));
  }

  @Test
  void operationsThatAreNotWritesAreLeftOut() throws Exception {
    List<Op<byte[], byte[]>> ops = List.of(Op.expect(bytes("x"), bytes("1")),
        Op.put(bytes("x"), bytes("2")), Op.expectAbsent(bytes("y")), Op.del(bytes("z")));
    assertSameAsEntryByEntry(ops);
    try (WriteBatch built = SerializedBatch.of(ops)) {
      assertThat(built.count()).isEqualTo(2);
    }
  }

  @Test
  void aBatchWithoutPutsOrDelsIsNoBatch() throws Exception {
    assertThat(SerializedBatch.of(List.of())).isNull();
    assertThat(SerializedBatch.of(List.of(Op.expectAbsent(bytes("y"))))).isNull();
  }

  @Test
  void aDatabaseReadsBackWhatSerializedBatchesWroteAfterReopening() {
    List<Op<byte[], byte[]>> ops = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ops.add(Op.put(bytes(String.format("k%03d", i)), filled(i * 7, i)));
    }
    for (int i = 0; i < 300; i += 3) {
      ops.add(Op.del(bytes(String.format("k%03d", i))));
    }
    try (Database db = RocksLevel.open(dir)) {
      db.bytes().batch(ops);
    }
    try (Database db = RocksLevel.open(dir); // the log replayed: RocksDB parsed the batch
        LevelIterator<byte[], Entry<byte[], byte[]>> it = db.bytes().iterator()) {
      List<Entry<byte[], byte[]>> all = it.nextv(1000);
      assertThat(all).hasSize(200);
      for (Entry<byte[], byte[]> e : all) {
        int i = Integer.parseInt(new String(e.key(), StandardCharsets.UTF_8).substring(1));
        assertThat(i % 3).isNotZero();
        assertThat(Arrays.equals(e.value(), filled(i * 7, i))).isTrue();
      }
    }
  }
}
