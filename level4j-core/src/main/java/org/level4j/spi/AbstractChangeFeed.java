package org.level4j.spi;

import org.level4j.Change;
import org.level4j.ChangeFeed;
import org.level4j.ChangeListener;
import org.level4j.LevelException;

/**
 * For engine writers: the lifecycle every {@link ChangeFeed} shares, whatever it reads its changes
 * from. It holds the feed's {@link ChangeDelivery} and its closed flag, ends a feed the one way
 * every feed must (closed first, then the listener told, once, and not at all after a close), and
 * can keep the feed's delivery thread. A subclass reads the changes, hands each to {@link
 * #deliver}, and releases what it holds in {@link #close()}. Applications do not need this class.
 *
 * <p>Threads: {@link #deliver}, {@link #skipTo} and {@link #end} are called by the feed's one
 * delivery thread (or under a lock that makes them one); {@link #nextRevision()} and {@link
 * #isClosed()} from any thread.
 */
public abstract class AbstractChangeFeed implements ChangeFeed {
  private final ChangeDelivery delivery;
  private final Thread thread;
  private volatile boolean closed;

  /**
   * A feed of changes from revision {@code from} on, delivered on threads it does not own.
   *
   * @param listener the user's listener
   * @param from the revision the feed starts from
   */
  protected AbstractChangeFeed(ChangeListener listener, long from) {
    this.delivery = new ChangeDelivery(listener, from);
    this.thread = null;
  }

  /**
   * A feed of changes from revision {@code from} on, delivered by a thread of its own: a {@link
   * DaemonThread} named {@code threadName} that runs {@link #deliverAll()} once {@link #start()}
   * is called.
   *
   * @param listener the user's listener
   * @param from the revision the feed starts from
   * @param threadName the delivery thread's name, as thread dumps show it
   */
  protected AbstractChangeFeed(ChangeListener listener, long from, String threadName) {
    this.delivery = new ChangeDelivery(listener, from);
    this.thread = DaemonThread.of(this::deliverAll, threadName);
  }

  /**
   * The body of the feed's own delivery thread: reads and delivers changes until the feed is
   * closed or ends. Only a feed made with a thread name overrides it.
   */
  protected void deliverAll() {
    throw new UnsupportedOperationException("this feed has no delivery thread of its own");
  }

  /**
   * Starts the feed, once, after the engine has registered it; by default by starting its own
   * delivery thread. A feed without one overrides this.
   */
  public void start() {
    thread.start();
  }

  /**
   * The feed's own delivery thread, or null if it has none.
   *
   * @return the thread made by the constructor
   */
  protected final Thread thread() {
    return thread;
  }

  @Override
  public final long nextRevision() {
    return delivery.nextRevision();
  }

  /**
   * Whether the feed is closed (by {@link #close()} or by {@link #end}).
   *
   * @return true once {@link #markClosed()} was called
   */
  public final boolean isClosed() {
    return closed;
  }

  /** For {@link #close()}: from now on nothing more is delivered and the feed does not end. */
  protected final void markClosed() {
    closed = true;
  }

  /**
   * Hands {@code change} to the listener; see {@link ChangeDelivery#deliver}.
   *
   * @param change the next change, above every one delivered before
   * @return null, or the error the feed must {@link #end} with because the listener threw
   */
  protected final LevelException deliver(Change change) {
    return delivery.deliver(change);
  }

  /**
   * Counts the revisions below {@code revision} as delivered; see {@link ChangeDelivery#skipTo}.
   *
   * @param revision one past the last revision read
   */
  protected final void skipTo(long revision) {
    delivery.skipTo(revision);
  }

  /**
   * Ends the feed with {@code error}: closes it, then tells the listener, unless the feed was
   * closed already (a closed feed tells the listener nothing more).
   *
   * @param error why the feed ended
   */
  protected void end(LevelException error) {
    if (closed) {
      return;
    }
    close();
    delivery.end(error);
  }
}
