package org.level4j.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.LevelIterator;
import org.openjdk.jmh.infra.Blackhole;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * The scans the benchmarks compare, each reading every entry in order into a {@link Blackhole}
 * and returning how many it read: one place, so that every benchmark scans the same way.
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

  /** rocksdbjni, decoding to Strings as level4j does. */
  static int rawStrings(RocksDB db, Blackhole bh) {
    int n = 0;
    try (RocksIterator it = db.newIterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        bh.consume(new String(it.key(), StandardCharsets.UTF_8));
        bh.consume(new String(it.value(), StandardCharsets.UTF_8));
        n++;
      }
    }
    return n;
  }

  /** rocksdbjni, bytes copied out through a reused buffer, as the level4j engine reads them. */
  static int rawBytesBuffered(RocksDB db, Blackhole bh) {
    int n = 0;
    byte[] buffer = new byte[1024];
    try (RocksIterator it = db.newIterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        bh.consume(Arrays.copyOf(buffer, it.key(buffer)));
        bh.consume(Arrays.copyOf(buffer, it.value(buffer)));
        n++;
      }
    }
    return n;
  }
}
