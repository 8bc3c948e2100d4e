package org.level4j.rocksdb;

import java.nio.file.Path;
import org.level4j.Database;

/**
 * Writes {@code key<i> -> value<i>} for i = 0, 1, 2, ... into the database in {@code args[0]}
 * with default (non-sync) writes, and after every 100th acknowledged put prints how many puts
 * were acknowledged. Runs until killed.
 */
final class CrashWriter {
  private CrashWriter() {}

  public static void main(String[] args) {
    Database db = RocksLevel.open(Path.of(args[0]));
    for (int i = 0; ; i++) {
      db.put(key(i), "value" + i);
      if ((i + 1) % 100 == 0) {
        System.out.println(i + 1);
        System.out.flush();
      }
    }
  }

  static String key(int i) {
    return String.format("key%09d", i);
  }
}
