package org.level4j;

/**
 * A subscription to every write to a range, from a revision on; see {@link Database#changes}.
 * Close it to stop; closing twice is harmless.
 */
public interface ChangeFeed extends AutoCloseable {
  /**
   * The revision the feed goes on from: one past the last change delivered (or the revision it
   * started from). A change counts as delivered from the moment the listener is called with it,
   * unless the listener throws, so another thread that sees the listener's work sees it counted.
   * A new feed started from here continues without loss or repetition.
   *
   * @return the next revision to deliver
   */
  long nextRevision();

  /**
   * Stops the feed and releases what it holds (on a guest, the host's side of it too); no change
   * is delivered once this returns, unless called by the listener itself during one.
   */
  @Override
  void close();
}
