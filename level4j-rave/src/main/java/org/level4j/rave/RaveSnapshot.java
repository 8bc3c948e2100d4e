package org.level4j.rave;

import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.spi.EngineSnapshot;

/**
 * An explicit snapshot of a {@link RaveLevel}: one of the database that was the target when it
 * was taken, the leader's RocksDB when this process led, else its guest's (held by the leader
 * for that connection). It is valid only while that is still the target: once this process takes
 * over, or its guest reconnects to a new leader, reads with it fail with {@code
 * LEVEL_SNAPSHOT_NOT_OPEN} rather than read data written since.
 */
final class RaveSnapshot implements EngineSnapshot {
  final Database target;
  /** The target's own snapshot, as its engine-level view hands it out. */
  final EngineSnapshot snapshot;

  RaveSnapshot(Database target, EngineSnapshot snapshot) {
    this.target = target;
    this.snapshot = snapshot;
  }

  /** Fails unless {@code current} is still the database this snapshot was taken of. */
  void checkStill(Database current) {
    if (current != target) {
      throw new LevelException(ErrorCode.LEVEL_SNAPSHOT_NOT_OPEN, "the host that held this "
          + "snapshot is gone: a failover changed the leader this RaveLevel reads from; take a "
          + "new snapshot");
    }
  }

  @Override
  public void close() {
    snapshot.close();
  }
}
