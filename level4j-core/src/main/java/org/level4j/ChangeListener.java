package org.level4j;

/**
 * Receives a {@link ChangeFeed}'s changes, one at a time, in revision order, on a thread of the
 * feed's own (so it may read and write the database, even synchronously). While it runs, the
 * feed waits: a slow listener slows its feed, never the writers.
 */
public interface ChangeListener {
  /**
   * One more write to the watched range; each write is delivered exactly once per feed.
   *
   * @param change the write
   */
  void onChange(Change change);

  /**
   * The feed ended and delivers nothing more: the revision it had to go on from is no longer
   * kept ({@link ErrorCode#LEVEL_SNAPSHOT_NOT_OPEN}: compacted away by an etcd cluster, or older
   * than the write-ahead log RocksDB retains), the database can no longer serve it ({@link
   * ErrorCode#LEVEL_NOT_SUPPORTED}), or the listener threw. Not called when the feed or its
   * database is closed. The default does nothing.
   *
   * @param error why the feed ended
   */
  default void onError(LevelException error) {}
}
