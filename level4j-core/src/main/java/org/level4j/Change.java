package org.level4j;

import java.util.List;

/**
 * One write as a change feed delivers it ({@link Database#changes}): every put and del it
 * applied to the watched range, and the ranges it cleared, under the revision the engine gave
 * it. A batch arrives whole in one change, never split. Writes made at the same moment may share
 * a change, in the order they were applied: RocksDB logs a group of concurrent writes as one
 * record, etcd a handle's concurrent writes as one transaction, and a host applies the puts and
 * dels one connection sent together as one write. Each is still delivered exactly once.
 *
 * <p>What a revision is depends on the engine: etcd's revision of the transaction; on RocksDB
 * (RocksLevel, RaveLevel) the sequence number of the write's last operation. Either way later
 * writes have higher revisions, and a feed started from {@code revision() + 1} resumes right
 * after this change.
 *
 * <p>How a {@code clear} arrives depends on the engine too: etcd reports the dels of the keys it
 * removed; RocksDB records a range deletion, which arrives in {@link #cleared()} (cut to the
 * watched range), since the keys it removed are not in its log.
 *
 * @param revision the write's revision; a feed started from {@code revision + 1} resumes right
 *     after it
 * @param ops the puts and dels, with the database's raw keys (a sublevel's keys carry its
 *     prefix, as {@link Database#bytes()} shows them)
 * @param cleared the ranges the write deleted whole, each from its {@code gte} bound (or the
 *     start) to its {@code lt} bound (or the end); empty for most writes
 */
public record Change(long revision, List<Op<byte[], byte[]>> ops,
    List<Range<byte[]>> cleared) {
  /**
   * Keeps unmodifiable copies of {@code ops} and {@code cleared}.
   *
   * @param revision the write's revision
   * @param ops the puts and dels
   * @param cleared the ranges deleted whole
   */
  public Change {
    ops = List.copyOf(ops);
    cleared = List.copyOf(cleared);
  }

  /**
   * A change of puts and dels only.
   *
   * @param revision the write's revision
   * @param ops the puts and dels
   */
  public Change(long revision, List<Op<byte[], byte[]>> ops) {
    this(revision, ops, List.of());
  }
}
