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
 * #MAX_FEEDS} of them, and at most {@link #MAX_HOST_FEEDS} over all the host's connections, as
 * each costs the database a thread (a RocksDB database's looks at its log every 100 ms).
 *
 * <p>Threads: the session's reader thread subscribes and unsubscribes; a feed that ends on its
 * own is forgotten on its feed's thread ({@link #ended}); {@link #open()} from any thread.
 */
final class HostFeeds {
  /** Feeds one connection may have; each costs the database a thread. */
  static final int MAX_FEEDS = 64;
  /**
   * Feeds a host's connections may have in all: without it, connections times {@link #MAX_FEEDS}
   * threads (30 connections of 64 feeds each made 1,950 threads, which took a third of a
   * processor looking at an idle database's log).
   */
  static final int MAX_HOST_FEEDS = 256;

  private final HostSession session;
  private final Database database;
  private final HostAnswers answers;
  private final int maxUnsentBytes;
  private final Map<Integer, HostFeed> feeds = new ConcurrentHashMap<>();
  /** The host's count of open feeds, over all its sessions. */
  private final HostPlaces hostFeeds;

  HostFeeds(HostSession session, Database database, HostAnswers answers, int maxUnsentBytes,
      HostPlaces hostFeeds) {
    this.session = session;
    this.database = database;
    this.answers = answers;
    this.maxUnsentBytes = maxUnsentBytes;
    this.hostFeeds = hostFeeds;
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
      if (sub.feed() != 0 && !hostFeeds.take()) {
        throw new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED, "this host already serves "
            + MAX_HOST_FEEDS + " change feeds over all its connections, the most it allows: "
            + "close feeds you no longer use, or try again once others have");
      }
      try {
        revision = database.revision();
      } catch (LevelException e) {
        if (sub.feed() != 0) {
          hostFeeds.giveBack();
        }
        throw e;
      }
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
    HostFeed f = feeds.get(number);
    if (f != null && forget(number, f)) {
      f.close();
    }
  }

  /** A feed ended on its own (its error was sent): forget it. */
  void ended(int number, HostFeed f) {
    forget(number, f);
  }

  /** The connection ended (and was closed, so no feed still waits for the guest to read). */
  void closeAll() {
    for (Map.Entry<Integer, HostFeed> e : feeds.entrySet()) {
      if (forget(e.getKey(), e.getValue())) {
        e.getValue().close();
      }
    }
  }

  /**
   * Drops feed {@code number} if it is {@code f}, once, and gives back its place among the host's
   * feeds. The place is back before {@link #open()} stops counting the feed, so whoever sees the
   * count fall can subscribe again.
   */
  private boolean forget(int number, HostFeed f) {
    boolean[] forgotten = new boolean[1];
    feeds.computeIfPresent(number, (n, open) -> {
      if (open != f) {
        return open;
      }
      hostFeeds.giveBack();
      forgotten[0] = true;
      return null;
    });
    return forgotten[0];
  }

  int open() {
    return feeds.size();
  }
}
