package org.level4j.spi;

import org.level4j.Change;
import org.level4j.ChangeFeed;
import org.level4j.ChangeListener;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * For engine writers: the part of a {@link ChangeFeed} that every engine shares, whatever it
 * reads its changes from. It calls the listener and keeps the delivered revision that {@link
 * ChangeFeed#nextRevision()} reports. Applications do not need this class.
 *
 * <p>A change counts as delivered when the listener is called, and back again if the listener
 * throws: the feed then ends with an error saying from which revision a new feed gives that change
 * again. The count moves before the call, so whoever sees the listener's work sees the count too.
 *
 * <p>Threads: {@link #deliver}, {@link #skipTo} and {@link #end} are called by the feed's one
 * delivery thread (or under a lock that makes them one); {@link #nextRevision()} from any thread.
 * The engine keeps its own closed flag and says when not to deliver any more; {@link
 * AbstractChangeFeed} holds both for a feed.
 */
public final class ChangeDelivery {
  private final ChangeListener listener;
  /** One past the last change delivered (or the revision the feed started from). */
  private volatile long delivered;

  /**
   * A delivery to {@code listener} of changes from revision {@code from} on.
   *
   * @param listener the user's listener
   * @param from the revision the feed starts from
   */
  public ChangeDelivery(ChangeListener listener, long from) {
    this.listener = listener;
    this.delivered = from;
  }

  /**
   * One past the last change delivered: what the feed's {@link ChangeFeed#nextRevision()} says.
   *
   * @return the revision a new feed would start from to miss nothing
   */
  public long nextRevision() {
    return delivered;
  }

  /**
   * Hands {@code change} to the listener.
   *
   * @param change the next change, above every one delivered before
   * @return null, or the error that ends the feed if the listener threw (the change then counts
   *     as not delivered); the caller stops delivering and passes it to {@link #end}
   */
  public LevelException deliver(Change change) {
    long before = delivered;
    delivered = change.revision() + 1;
    try {
      listener.onChange(change);
      return null;
    } catch (RuntimeException | Error e) {
      delivered = before;
      return new LevelException(ErrorCode.LEVEL_IO_ERROR, "the change listener threw at revision "
          + change.revision() + ", which ends the feed; start a new one from revision "
          + change.revision() + " to be given that change again", e);
    }
  }

  /**
   * Nothing below {@code revision} is left to deliver (the revisions read held no change in the
   * feed's range): the feed counts them as delivered. A revision not above the count is ignored.
   *
   * @param revision one past the last revision read
   */
  public void skipTo(long revision) {
    if (revision > delivered) {
      delivered = revision;
    }
  }

  /**
   * Tells the listener the feed ended. The caller calls it once, and not when the feed was closed.
   *
   * @param error why the feed ended
   */
  public void end(LevelException error) {
    listener.onError(error);
  }

  /**
   * For a feed's {@code close()}: waits until {@code thread}, the feed's delivery thread, has
   * stopped, so that nothing is delivered after close returns; returns at once if called on that
   * thread (a listener closing its own feed). An interrupt while waiting is kept for the caller.
   * The same as {@link DaemonThread#awaitStopped}.
   *
   * @param thread the feed's delivery thread, already told to stop
   */
  public static void awaitStopped(Thread thread) {
    DaemonThread.awaitStopped(thread);
  }
}
