package org.level4j.net;

import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.spi.EngineSnapshot;

/**
 * A snapshot a level4j host holds for a guest (the Snapshot extension, see {@link Wire}): the
 * number the guest gave it and the connection it was taken on. It lives no longer than that
 * connection: the host releases it when the connection goes away, so after a reconnect (or a
 * failover to another leader) every use fails with {@link #gone()} rather than reading another
 * host's newer data.
 */
final class GuestSnapshot implements EngineSnapshot {
  private final GuestEngine engine;
  final GuestLink link;
  final int number;

  GuestSnapshot(GuestEngine engine, GuestLink link, int number) {
    this.engine = engine;
    this.link = link;
    this.number = number;
  }

  /** The core calls this once; the host is told only while the connection is still up. */
  @Override
  public void close() {
    engine.release(this);
  }

  static LevelException gone() {
    return new LevelException(ErrorCode.LEVEL_SNAPSHOT_NOT_OPEN, "the host that held this "
        + "snapshot is gone: the connection it was taken on was lost (the guest has reconnected "
        + "since, perhaps to a new leader), and the host released it; take a new snapshot");
  }
}
