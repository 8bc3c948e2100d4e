package org.level4j.net;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * The change feeds the guest of one {@link HostSession} subscribed to, by number: at most {@link
 * #MAX_FEEDS} of them, as each costs the database a thread.
 *
 * <p>Threads: the session's reader thread subscribes and unsubscribes; a feed that ends on its
 * own is forgotten on its feed's thread ({@link #ended}); {@link #open()} from any thread.
 */
final class HostFeeds {
  /** Feeds one connection may have; each costs the database a thread. */
  static final int MAX_FEEDS = 64;

  private final HostSession session;
  private final Database database;
  private final HostAnswers answers;
  private final int maxUnsentBytes;
  private final Map<Integer, HostFeed> feeds = new ConcurrentHashMap<>();

  HostFeeds(HostSession session, Database database, HostAnswers answers, int maxUnsentBytes) {
    this.session = session;
    this.database = database;
    this.answers = answers;
    this.maxUnsentBytes = maxUnsentBytes;
  }

  /**
   * Starts the feed a guest asked for, after the writes received before it were started, and
   * answers with the database's revision (8 bytes): the feed's start when it asked for "now".
   * Feed 0 only asks for the revision.
   */
  void subscribe(GuestMessage.Subscribe sub) {
    long revision;
    HostFeed f = null;
    try {
      if (sub.feed() != 0 && feeds.containsKey(sub.feed())) {
        throw new Malformed("feed " + Integer.toUnsignedString(sub.feed()) + " is already open");
      }
      if (sub.feed() != 0 && feeds.size() >= MAX_FEEDS) {
        throw new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED, "this connection already has "
            + feeds.size() + " change feeds, the most a host allows (" + MAX_FEEDS + "): close "
            + "feeds you no longer use");
      }
      revision = database.revision();
      if (sub.feed() != 0) {
        f = new HostFeed(session, sub.feed(), maxUnsentBytes);
        feeds.put(sub.feed(), f);
      }
    } catch (LevelException e) {
      answers.answer(sub.id(), CompletableFuture.failedFuture(e));
      return;
    }
    answers.answer(sub.id(), CompletableFuture.completedFuture(null),
        ByteBuffer.allocate(8).putLong(revision).array());
    if (f != null) {
      try {
        f.started(database.changes(sub.range(), sub.from() > 0 ? sub.from() : revision + 1, f));
      } catch (LevelException e) {
        f.onError(e);
      }
    }
  }

  void unsubscribe(int number) {
    HostFeed f = feeds.remove(number);
    if (f != null) {
      f.close();
    }
  }

  /** A feed ended on its own (its error was sent): forget it. */
  void ended(int number, HostFeed f) {
    feeds.remove(number, f);
  }

  /** The connection ended (and was closed, so no feed still waits for the guest to read). */
  void closeAll() {
    for (HostFeed f : feeds.values()) {
      f.close();
    }
    feeds.clear();
  }

  int open() {
    return feeds.size();
  }
}
