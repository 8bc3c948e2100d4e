package org.level4j;

/**
 * A frozen view of a database: reads that pass it see the data as it was when the snapshot was
 * taken. Holds engine resources until closed; closing twice is harmless, and closing the database
 * closes its snapshots. Available where {@link Supports#explicitSnapshots()} is true.
 */
public interface Snapshot extends AutoCloseable {
  @Override
  void close();
}
