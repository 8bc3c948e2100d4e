package org.level4j.bench;

import java.nio.charset.StandardCharsets;
import org.level4j.Batch;
import org.level4j.Database;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The puts, gets and batches the benchmarks compare, on {@link RocksVsRaw}'s entries picked by a
 * {@link RocksVsRaw.Pick}: one place, as {@link Scans} is for scans, so that {@link RocksVsRaw},
 * {@link Interleaved} and {@link CoreOverhead} time the same work. The raw side encodes keys and
 * values to UTF-8 and decodes what it reads, as an application using rocksdbjni would.
 */
final class Calls {
  private Calls() {}

  /** level4j: one 16-byte key, one 100-byte value. */
  static void put(Database db, RocksVsRaw.Pick pick) {
    int i = pick.next();
    db.put(RocksVsRaw.KEYS[i], RocksVsRaw.VALUES[i]);
  }

  /** rocksdbjni: the same put. */
  static void rawPut(RocksDB db, WriteOptions options, RocksVsRaw.Pick pick)
      throws RocksDBException {
    int i = pick.next();
    db.put(options, RocksVsRaw.bytes(RocksVsRaw.KEYS[i]), RocksVsRaw.bytes(RocksVsRaw.VALUES[i]));
  }

  /** level4j: a random existing key. */
  static String get(Database db, RocksVsRaw.Pick pick) {
    return db.get(RocksVsRaw.KEYS[pick.next()]);
  }

  /** rocksdbjni: the same get. */
  static String rawGet(RocksDB db, RocksVsRaw.Pick pick) throws RocksDBException {
    byte[] v = db.get(RocksVsRaw.bytes(RocksVsRaw.KEYS[pick.next()]));
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  /** level4j: {@value RocksVsRaw#BATCH} puts written atomically. */
  static void batch(Database db, RocksVsRaw.Pick pick) {
    Batch<String, String> batch = db.batch();
    for (int n = 0; n < RocksVsRaw.BATCH; n++) {
      int i = pick.next();
      batch.put(RocksVsRaw.KEYS[i], RocksVsRaw.VALUES[i]);
    }
    batch.write();
  }

  /** rocksdbjni: the same batch. */
  static void rawBatch(RocksDB db, WriteOptions options, RocksVsRaw.Pick pick)
      throws RocksDBException {
    try (WriteBatch batch = new WriteBatch()) {
      for (int n = 0; n < RocksVsRaw.BATCH; n++) {
        int i = pick.next();
        batch.put(RocksVsRaw.bytes(RocksVsRaw.KEYS[i]), RocksVsRaw.bytes(RocksVsRaw.VALUES[i]));
      }
      db.write(options, batch);
    }
  }
}
