package org.level4j.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.level4j.ChangeFeed;
import org.level4j.ChangeListener;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Range;

/**
 * A guest's change feeds ({@link GuestFeed}): the open ones, the number each is subscribed under
 * now, and the subscriptions' course: subscribing, pausing a feed whose listener is behind,
 * resuming it, subscribing again after a reconnect, unsubscribing a closed one.
 *
 * <p>Threads: the state here is guarded by the engine's lock, which this class never takes
 * itself: it reaches that state through {@link GuestEngine#locked}, and the engine calls its
 * {@code ...Locked} methods with the lock held. So the lock's invariant stays in {@link
 * GuestEngine}. Subscribe requests go out through the engine, outside the lock.
 */
final class GuestFeeds {
  private final GuestEngine engine;

  // guarded by the engine's lock
  private final Set<GuestFeed> open = new LinkedHashSet<>();
  private final Map<Integer, GuestFeed> byNumber = new HashMap<>();
  private int lastNumber;

  GuestFeeds(GuestEngine engine) {
    this.engine = engine;
  }

  /** A new feed of {@code range}, from {@code fromRevision} or, if not positive, from now. */
  ChangeFeed open(Range<byte[]> range, long fromRevision, ChangeListener listener) {
    long from = fromRevision > 0 ? fromRevision : engine.revision() + 1;
    GuestFeed f = new GuestFeed(this, range, from, listener);
    engine.locked(l -> {
      engine.checkUsableLocked();
      open.add(f);
      return null;
    });
    f.start();
    subscribe(f);
    engine.nudgeReader(); // the reader reads while a feed is open
    return f;
  }

  /**
   * Subscribes {@code f} under a new number from where it is, unless it is ended, paused, or its
   * last subscription is still unanswered (then that one is sent again, from where it is).
   */
  void subscribe(GuestFeed f) {
    GuestRequest.Subscribe r = engine.locked(l -> {
      if (!open.contains(f) || f.paused || (f.request != null && !f.request.isDone())) {
        return null;
      }
      if (f.number != 0) {
        byNumber.remove(f.number);
      }
      int n = ++lastNumber;
      if (n == 0) {
        n = ++lastNumber;
      }
      f.number = n;
      byNumber.put(n, f);
      f.request = new GuestRequest.Subscribe(engine, f, n);
      return f.request;
    });
    if (r == null) {
      return;
    }
    engine.send(r).whenComplete((revision, e) -> {
      if (e != null) {
        ended(f, r, LevelException.of(e, ErrorCode.LEVEL_REMOTE_ERROR));
      }
    });
  }

  /** After a reconnect: every open feed subscribes again from where it is. */
  void subscribeAll() {
    List<GuestFeed> all = engine.locked(l -> new ArrayList<>(open));
    for (GuestFeed f : all) {
      subscribe(f); // registered now, sent once the new host answered the probe
    }
  }

  /** Subscription {@code r} of {@code f} failed, or the host ended it: so does the feed. */
  private void ended(GuestFeed f, GuestRequest.Subscribe r, LevelException e) {
    boolean current = engine.locked(l -> {
      if (f.request != r || !open.remove(f)) {
        return false; // superseded, or ended already
      }
      unnumberLocked(f);
      return true;
    });
    if (current) {
      f.fail(e);
    }
  }

  /** A Changes frame: queued to its feed, or dropped if no feed has that number now. */
  void received(HostMessage.Changes ch) {
    GuestFeed f = engine.locked(l -> {
      GuestFeed g = byNumber.get(ch.feed());
      if (g != null && ch.error() == null && g.receiveLocked(ch.changes())) {
        // The listener is behind: stop the host until it caught up (GuestFeed.deliverAll resumes).
        if (l != null) {
          synchronized (l.outbox) {
            GuestMessage.unsubscribe(l.outbox.out(), g.number);
          }
        }
        unnumberLocked(g);
        g.paused = true;
      }
      return g;
    });
    if (f == null || ch.error() == null) {
      return; // a feed closed or paused meanwhile, or changes queued
    }
    if (!ch.changes().isEmpty()) {
      engine.locked(l -> f.receiveLocked(ch.changes()));
    }
    ended(f, f.request, ch.error());
  }

  /** The listener of a paused feed caught up: subscribe again from where it is. */
  void resumeIfPaused(GuestFeed f) {
    boolean paused = engine.locked(l -> {
      if (!f.paused) {
        return false;
      }
      f.paused = false;
      return true;
    });
    if (paused) {
      subscribe(f);
    }
  }

  /** {@code f} was closed: the host stops it (it stops anyway when the connection ends). */
  void unsubscribe(GuestFeed f) {
    engine.locked(l -> {
      if (!open.remove(f) || f.number == 0) {
        return null;
      }
      if (engine.isOpenLocked() && l != null) {
        synchronized (l.outbox) {
          GuestMessage.unsubscribe(l.outbox.out(), f.number);
        }
      }
      unnumberLocked(f);
      return null;
    });
  }

  // The methods below expect the engine's lock held.

  /** Whether no feed is open (the reader thread then need not read for feeds). */
  boolean isEmptyLocked() {
    return open.isEmpty();
  }

  /** Forgets every feed, for the engine to end or close them; returns them. */
  List<GuestFeed> removeAllLocked() {
    List<GuestFeed> all = new ArrayList<>(open);
    open.clear();
    byNumber.clear();
    return all;
  }

  private void unnumberLocked(GuestFeed f) {
    if (f.number != 0) {
      byNumber.remove(f.number);
      f.number = 0;
    }
  }
}
