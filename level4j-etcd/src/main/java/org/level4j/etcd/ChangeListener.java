package org.level4j.etcd;

import org.level4j.LevelException;

/**
 * Receives a {@link ChangeFeed}'s changes, one at a time, in revision order, on a thread of the
 * feed's own (so it may read and write the database, even synchronously).
 */
public interface ChangeListener {
  /**
   * One more write to the watched range; each write is delivered exactly once per feed.
   *
   * @param change the write
   */
  void onChange(Change change);

  /**
   * The feed ended and delivers nothing more: the revision it had to resume from was compacted
   * away by the cluster ({@link org.level4j.ErrorCode#LEVEL_SNAPSHOT_NOT_OPEN}), or the listener
   * threw. Not called when the feed or its database is closed. The default does nothing.
   *
   * @param error why the feed ended
   */
  default void onError(LevelException error) {}
}
