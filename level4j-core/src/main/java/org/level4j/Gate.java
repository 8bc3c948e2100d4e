package org.level4j;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Guards a native resource against use after release: callers {@link #enter()} before touching it
 * and {@link #exit()} after; {@link #shut()} refuses new entries and waits until the ones in
 * progress have left. Two volatile accesses per use, no lock.
 *
 * <p>Why it is correct: enter increments then reads {@code shut}; shut writes {@code shut} then
 * reads the count. Both are sequentially consistent, so either the caller sees the gate shut or
 * the closer sees the caller inside and waits for it.
 */
final class Gate {
  private final AtomicInteger inside = new AtomicInteger();
  private volatile boolean shut;

  /** True if the caller may proceed (and must call {@link #exit()}); false once shut. */
  boolean enter() {
    inside.incrementAndGet();
    if (shut) {
      inside.decrementAndGet();
      return false;
    }
    return true;
  }

  void exit() {
    inside.decrementAndGet();
  }

  boolean isShut() {
    return shut;
  }

  /** Refuses new entries and waits for those inside. Returns false if it was already shut. */
  boolean shut() {
    if (shut) {
      drain();
      return false;
    }
    synchronized (this) {
      if (shut) {
        drain();
        return false;
      }
      shut = true;
    }
    drain();
    return true;
  }

  /**
   * Refuses new entries without waiting for those inside: for an owner whose release is what
   * ends the calls in progress (a remote engine's close fails the waits of its callers), which
   * releases and then calls {@link #shut()} to wait for them to leave.
   */
  synchronized void refuse() {
    shut = true;
  }

  /**
   * For an owner's {@code close()}: shuts the gate and, if this call shut it, runs {@code release}
   * (the native resource, now that nobody is inside) and then {@code forget}, even if releasing
   * throws. Closing twice is harmless: the second call only waits for those inside.
   */
  void shut(Runnable release, Runnable forget) {
    if (shut()) {
      try {
        release.run();
      } finally {
        forget.run();
      }
    }
  }

  /** Lets callers in again after {@link #shut()} (used when a database is reopened). */
  void reopen() {
    shut = false;
  }

  private void drain() {
    while (inside.get() != 0) {
      LockSupport.parkNanos(20_000);
    }
  }
}
