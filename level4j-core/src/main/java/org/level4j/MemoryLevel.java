package org.level4j;

/**
 * An in-memory database, like Node's {@code memory-level}: sorted, with snapshots and conditional
 * batches, gone when the process ends. For tests and caches.
 */
public final class MemoryLevel {
  private MemoryLevel() {}

  /**
   * A new, empty, open database. Data outlives {@code close()}: {@code open()} finds it again.
   *
   * @return the database
   */
  public static Database open() {
    return new Root(new MemoryEngine());
  }
}
