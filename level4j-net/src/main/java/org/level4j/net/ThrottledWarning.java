package org.level4j.net;

import java.util.function.Supplier;

/**
 * A warning that may repeat many times a second, logged at most once a {@link #INTERVAL_NANOS
 * minute}, each time with how many were left out since the last one. A host out of file
 * descriptors fails every accept, and a peer that opens thousands of connections past the limit
 * makes a refusal each: the operator needs to hear of it, and the log must not be what fills the
 * disk next.
 *
 * <p>Any thread may call {@link #log}; the first caller of an interval logs, the others count.
 */
final class ThrottledWarning {
  static final long INTERVAL_NANOS = 60_000_000_000L;

  private long next; // System.nanoTime() from which the next warning is logged
  private boolean logged; // whether any was logged yet (next means nothing before that)
  private long left; // warnings left out since the last one logged

  /**
   * Logs {@code message} at WARNING on the host's logger unless one was logged less than the
   * interval ago; then only counts it.
   */
  void log(Supplier<String> message, Throwable cause) {
    long now = System.nanoTime();
    long leftOut;
    synchronized (this) {
      if (logged && now - next < 0) {
        left++;
        return;
      }
      logged = true;
      next = now + INTERVAL_NANOS;
      leftOut = left;
      left = 0;
    }
    String m = message.get() + (leftOut == 0 ? "" : " (" + leftOut
        + " more like it since the last such warning were not logged)");
    Host.LOG.log(System.Logger.Level.WARNING, m, cause);
  }
}
