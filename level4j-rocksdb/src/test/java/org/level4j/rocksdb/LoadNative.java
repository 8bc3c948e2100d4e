package org.level4j.rocksdb;

import org.rocksdb.RocksDB;

/**
 * Loads RocksDB's native library the way a database open does, says "loaded" with RocksDB's
 * version (a call into the library), and with the argument "hold" waits to be killed.
 */
final class LoadNative {
  private LoadNative() {}

  public static void main(String[] args) throws InterruptedException {
    RocksLevel.loadLibrary();
    System.out.println("loaded " + RocksDB.rocksdbVersion());
    System.out.flush();
    if (args.length > 0 && args[0].equals("hold")) {
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
