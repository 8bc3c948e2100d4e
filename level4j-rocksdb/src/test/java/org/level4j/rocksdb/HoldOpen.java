package org.level4j.rocksdb;

import java.nio.file.Path;
import org.level4j.Database;

/** Opens the database in {@code args[0]}, says "open", and holds it until killed. */
final class HoldOpen {
  private HoldOpen() {}

  public static void main(String[] args) throws InterruptedException {
    Database db = RocksLevel.open(Path.of(args[0]));
    db.put("holder", "here");
    System.out.println("open");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
