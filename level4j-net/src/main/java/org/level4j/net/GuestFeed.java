package org.level4j.net;

import java.util.ArrayDeque;
import org.level4j.Change;
import org.level4j.ChangeListener;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.spi.AbstractChangeFeed;
import org.level4j.spi.DaemonThread;

/**
 * A change feed through a guest's connection (see {@link Wire}): the host pushes changes, the
 * guest's reader queues them, and a thread of this feed's own hands them to the listener.
 *
 * <p>Exactly once across reconnections: {@link #received} is one past the last revision queued.
 * Every subscription (first, after each reconnect, after each pause) starts from there under a new
 * feed number, and changes below it are dropped, so nothing is delivered twice; the host sends
 * every change from where it was asked to start, or an error, so nothing is skipped.
 *
 * <p>Bounded: when more than {@link #MAX_QUEUED} changes (or {@link #MAX_QUEUED_BYTES}) wait for a
 * slow listener, the feed unsubscribes and drops what still arrives; once the listener has caught
 * up it subscribes again from {@link #received}. The host's log is the buffer, not this process.
 * The reader never waits for the listener, so a listener may call the database synchronously.
 *
 * <p>Threads: fields marked "engine lock" are guarded by the engine's lock (the reader and
 * reconnects reach them there); the queue is guarded by this object's monitor; the delivery
 * thread alone calls the listener.
 */
final class GuestFeed extends AbstractChangeFeed {
  static final int MAX_QUEUED = 4096;
  static final long MAX_QUEUED_BYTES = 8L << 20;

  private final GuestFeeds feeds;
  final Range<byte[]> range;

  /** One past the last revision queued (engine lock). */
  private long received;
  /** The current subscription's number, 0 while paused or ended (engine lock). */
  int number;
  /** The current subscription's request (engine lock). */
  GuestRequest.Subscribe request;
  /** Unsubscribed because the queue is full (engine lock). */
  boolean paused;

  private final ArrayDeque<Object> queue = new ArrayDeque<>(); // Change or LevelException
  private long queuedBytes;

  GuestFeed(GuestFeeds feeds, Range<byte[]> range, long from, ChangeListener listener) {
    super(listener, from, "level4j-guest-feed");
    this.feeds = feeds;
    this.range = range;
    this.received = from;
  }

  long receivedLocked() {
    return received;
  }

  /**
   * The host's changes for this feed's current number: queues those not seen yet. Returns true if
   * the queue is now over its bound (the caller unsubscribes).
   */
  boolean receiveLocked(java.util.List<Change> changes) {
    boolean full;
    synchronized (this) {
      for (Change c : changes) {
        if (c.revision() < received) {
          continue; // delivered before a reconnect
        }
        received = c.revision() + 1;
        queue.add(c);
        queuedBytes += size(c);
      }
      full = queue.size() > MAX_QUEUED || queuedBytes > MAX_QUEUED_BYTES;
      notifyAll();
    }
    return full;
  }

  /** The feed ended with {@code error} (after the changes queued before it). */
  void fail(LevelException error) {
    synchronized (this) {
      queue.add(error);
      notifyAll();
    }
  }

  private static long size(Change c) {
    long n = 32;
    for (Op<byte[], byte[]> op : c.ops()) {
      n += 16 + op.key().length + (op.value() == null ? 0 : op.value().length);
    }
    return n;
  }

  @Override
  protected void deliverAll() {
    try {
      while (true) {
        Object next;
        boolean resume;
        synchronized (this) {
          while (queue.isEmpty() && !isClosed()) {
            wait();
          }
          if (isClosed()) {
            return;
          }
          next = queue.poll();
          if (next instanceof Change c) {
            queuedBytes -= size(c);
          }
          resume = queue.size() <= MAX_QUEUED / 4 && queuedBytes <= MAX_QUEUED_BYTES / 4;
        }
        if (resume) {
          feeds.resumeIfPaused(this);
        }
        if (next instanceof LevelException e) {
          end(e);
          return;
        }
        LevelException threw = deliver((Change) next);
        if (threw != null) {
          end(threw);
          return;
        }
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  @Override
  public void close() {
    if (isClosed()) {
      return;
    }
    synchronized (this) {
      markClosed();
      queue.clear();
      notifyAll();
    }
    feeds.unsubscribe(this);
    DaemonThread.awaitStopped(thread());
  }
}
