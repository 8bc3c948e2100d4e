package org.level4j.etcd;

import java.util.List;
import org.level4j.Op;

/**
 * One transaction as a change feed delivers it: every put and del it applied to the watched
 * range, with the revision the cluster gave it. A batch arrives whole in one change; writes that
 * one database handle sent at the same time (async writes, several threads) may share a
 * transaction and so arrive in one change too. A clear arrives as the dels of the keys it
 * removed.
 *
 * @param revision the cluster's revision of the write; a feed started from {@code revision + 1}
 *     resumes right after it
 * @param ops the puts and dels, with the database's raw keys (a sublevel's keys carry its
 *     prefix, as {@link org.level4j.Database#bytes()} shows them)
 */
public record Change(long revision, List<Op<byte[], byte[]>> ops) {
  /**
   * Keeps an unmodifiable copy of {@code ops}.
   *
   * @param revision the cluster's revision of the write
   * @param ops the puts and dels
   */
  public Change {
    ops = List.copyOf(ops);
  }
}
