package org.level4j.etcd;

import org.level4j.spi.EngineSnapshot;

/**
 * An explicit snapshot: a revision of the cluster, read at by every call that carries it. The
 * cluster keeps nothing for it, so closing frees nothing; the revision stays readable until the
 * cluster compacts it away (reads then fail with {@code LEVEL_SNAPSHOT_NOT_OPEN}).
 */
final class EtcdSnapshot implements EngineSnapshot {
  final long revision;

  EtcdSnapshot(long revision) {
    this.revision = revision;
  }

  @Override
  public void close() {}
}
