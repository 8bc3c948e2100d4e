package org.level4j;

/**
 * A change feed as its database hands it out: the engine's feed, remembered by the database so
 * that closing the database closes it.
 */
final class HeldFeed implements ChangeFeed {
  private final Root root;
  private final ChangeFeed feed;

  HeldFeed(Root root, ChangeFeed feed) {
    this.root = root;
    this.feed = feed;
  }

  @Override
  public long nextRevision() {
    return feed.nextRevision();
  }

  @Override
  public void close() {
    feed.close();
    root.forget(this);
  }
}
