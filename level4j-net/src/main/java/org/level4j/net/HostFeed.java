package org.level4j.net;

import java.io.IOException;
import org.level4j.Change;
import org.level4j.ChangeFeed;
import org.level4j.ChangeListener;
import org.level4j.LevelException;

/**
 * One change feed a guest subscribed to (see {@link Wire}): the host database's own feed, whose
 * listener writes each change to the connection.
 *
 * <p>Bounded: after appending a change, the listener waits until the connection has at most
 * {@code maxUnsentBytes} unsent, so the database's feed (which reads its log only when its
 * listener returns) stops while the guest does not read, and the host holds one change more than
 * the bound, never a backlog. The wait ends when the guest reads or the connection closes; a feed
 * that fell behind what the database keeps meanwhile ends with the database's error, sent to the
 * guest.
 *
 * <p>Threads: the listener runs on the database feed's thread; {@link #close()} comes from the
 * session's reader thread (Unsubscribe, or the connection's end, after the connection is closed,
 * which ends any wait).
 */
final class HostFeed implements ChangeListener {
  private final HostSession session;
  private final int number;
  private final int maxUnsentBytes;
  private volatile ChangeFeed feed;
  private volatile boolean closed;

  HostFeed(HostSession session, int number, int maxUnsentBytes) {
    this.session = session;
    this.number = number;
    this.maxUnsentBytes = maxUnsentBytes;
  }

  void started(ChangeFeed feed) {
    this.feed = feed;
    if (closed) {
      feed.close();
    }
  }

  @Override
  public void onChange(Change change) {
    if (closed) {
      return;
    }
    Outbox outbox = session.outbox();
    synchronized (outbox) {
      HostMessage.changes(outbox.out(), number, change, null);
    }
    try {
      outbox.flush();
      outbox.awaitRoom(maxUnsentBytes);
    } catch (IOException e) {
      session.close(); // the reader sees the end and closes the feeds
    }
  }

  @Override
  public void onError(LevelException error) {
    if (closed) {
      return;
    }
    Outbox outbox = session.outbox();
    synchronized (outbox) {
      HostMessage.changes(outbox.out(), number, null, error);
    }
    session.sent();
    session.ended(number, this);
  }

  void close() {
    closed = true;
    ChangeFeed f = feed;
    if (f != null) {
      f.close();
    }
  }
}
