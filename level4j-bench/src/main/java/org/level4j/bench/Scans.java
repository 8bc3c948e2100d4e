package org.level4j.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.LevelIterator;
import org.openjdk.jmh.infra.Blackhole;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * The scans the benchmarks compare, each reading every entry in order into a {@link Blackhole}
 * and returning how many it read: one place, so that every benchmark scans the same way.
 *
 * <p>The raw scans read with the same read options as the level4j engine's iterator over a whole
 * database: a {@link ReadOptions} with RocksDB's defaults but for fill_cache, off (checksums
 * verified, no readahead, no iterate bounds, the implicit snapshot taken when the iterator is
 * created). Every scan that yields Strings decodes keys and values from UTF-8, as level4j's
 * default codec does (level4j also checks the result for U+FFFD, which for ASCII data is one
 * comparison per String).
 */
final class Scans {
  private Scans() {}

  /** level4j, 1000 entries per {@code nextv}. */
  static int nextv(Database db, Blackhole bh) {
    int n = 0;
    try (LevelIterator<String, Entry<String, String>> it = db.iterator()) {
      for (List<Entry<String, String>> part = it.nextv(1000); !part.isEmpty();
          part = it.nextv(1000)) {
        for (Entry<String, String> e : part) {
          bh.consume(e.key());
          bh.consume(e.value());
          n++;
        }
      }
    }
    return n;
  }

  /** level4j, one entry at a time through the iterator's {@code for} loop. */
  static int forEach(Database db, Blackhole bh) {
    int n = 0;
    try (LevelIterator<String, Entry<String, String>> it = db.iterator()) {
      for (Entry<String, String> e : it) {
        bh.consume(e.key());
        bh.consume(e.value());
        n++;
      }
    }
    return n;
  }

  /**
   * rocksdbjni as most code uses it: {@code key()} and {@code value()} (each a new array made in
   * native code), then Strings.
   */
  static int rawStrings(RocksDB db, Blackhole bh) {
    int n = 0;
    try (ReadOptions ro = new ReadOptions().setFillCache(false);
        RocksIterator it = db.newIterator(ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        bh.consume(new String(it.key(), StandardCharsets.UTF_8));
        bh.consume(new String(it.value(), StandardCharsets.UTF_8));
        n++;
      }
    }
    return n;
  }

  /**
   * rocksdbjni at its cheapest for Strings: keys and values copied into one reused buffer and
   * decoded from there, with no array per key or value. The yardstick for level4j's scan.
   */
  static int rawStringsBuffered(RocksDB db, Blackhole bh) {
    int n = 0;
    byte[] buffer = new byte[1024];
    try (ReadOptions ro = new ReadOptions().setFillCache(false);
        RocksIterator it = db.newIterator(ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        int k = it.key(buffer);
        if (k > buffer.length) {
          buffer = new byte[k];
          it.key(buffer);
        }
        bh.consume(new String(buffer, 0, k, StandardCharsets.UTF_8));
        int v = it.value(buffer);
        if (v > buffer.length) {
          buffer = new byte[v];
          it.value(buffer);
        }
        bh.consume(new String(buffer, 0, v, StandardCharsets.UTF_8));
        n++;
      }
    }
    return n;
  }

  /** rocksdbjni, bytes copied out through a reused buffer, as the level4j engine reads them. */
  static int rawBytesBuffered(RocksDB db, Blackhole bh) {
    int n = 0;
    byte[] buffer = new byte[1024];
    try (ReadOptions ro = new ReadOptions().setFillCache(false);
        RocksIterator it = db.newIterator(ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        bh.consume(Arrays.copyOf(buffer, it.key(buffer)));
        bh.consume(Arrays.copyOf(buffer, it.value(buffer)));
        n++;
      }
    }
    return n;
  }

  /** rocksdbjni, {@code key()} and {@code value()} kept as the bytes they return: the floor. */
  static int rawBytes(RocksDB db, Blackhole bh) {
    int n = 0;
    try (ReadOptions ro = new ReadOptions().setFillCache(false);
        RocksIterator it = db.newIterator(ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        bh.consume(it.key());
        bh.consume(it.value());
        n++;
      }
    }
    return n;
  }
}
