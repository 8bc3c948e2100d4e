package org.level4j.net;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether a thread about to sleep until its connection has data (a socket, or shared rings
 * beside one: {@link SharedRings}) should first poll it for a short while. One per connection,
 * used by whichever thread reads it (one at a time, each read happening-after the previous one).
 *
 * <p>Set the window with the system property {@code level4j.spinMicros} (default 100; 0 turns
 * polling off). Polling only ever happens on a machine with two or more processors, and never
 * while more threads are ready to run than it has processors plus one ({@link Cores}).
 */
/*
 * Why: on a virtual machine, waking a thread that sleeps in the kernel costs tens of
 * microseconds, several times what a request costs the host. A sequential caller pays two such
 * wake-ups per call (the host's and its own). When the answer, or the next request, is due within
 * microseconds, polling the socket a little is far cheaper than sleeping.
 *
 * Polling burns a processor, so it must pay for itself:
 * - Each connection keeps a score. A poll that found data before the window ended adds 1 (up to
 *   MAX_SCORE); one that did not takes FAIL_COST. The connection polls while its score is above
 *   zero: that is, while at least about four polls in five pay. When the peer is slow, idle or
 *   far away (a real network), polls fail and the connection goes back to sleeping at once.
 * - A connection that stopped polling tries again once every PROBE_EVERY waits, so it notices
 *   when polling would pay again. A probe that pays restores the full score: a burst of slow
 *   answers (the JIT compiling on every core at start, a collector's pause) must not leave a
 *   connection that polls well sleeping for good, as a score of 1 did (one failure turned it off
 *   again; seen as a follower's put_seq stuck at the unpolled rate for a whole run).
 * - At most one thread fewer than the processors polls at once in a process, so the work the
 *   poller waits for always has a processor.
 * - Nobody polls while the machine has more threads ready to run than processors plus one
 *   (Cores; the one is the poller's peer, polling too): the
 *   limit above is per process, and several busy processes on few processors polled at once,
 *   each taking the processor its peer needed. The score did not stop them: answers still came
 *   within the window often enough (a poll that pays late still scores), but each wait made about
 *   four fruitless read calls first (bench --followers 4 on 2 cores).
 */
final class Spin {
  static final long WINDOW_NANOS = Math.max(0, Long.getLong("level4j.spinMicros", 100)) * 1000;
  private static final int MAX_POLLERS = Runtime.getRuntime().availableProcessors() - 1;
  private static final AtomicInteger POLLERS = new AtomicInteger();
  private static final int MAX_SCORE = 8;
  private static final int FAIL_COST = 4;
  private static final int PROBE_EVERY = 64;

  private final java.util.function.BooleanSupplier busy;
  private int score = MAX_SCORE;
  private int waits;

  /** Polls unless this machine's processors are all taken ({@link Cores#BUSY}). */
  Spin() {
    this(Cores.BUSY);
  }

  /** Polls unless {@code busy} says the processors are all taken. */
  Spin(java.util.function.BooleanSupplier busy) {
    this.busy = busy;
  }

  /** Reads into {@code dst} without blocking: bytes read, 0 for none yet, -1 at the end. */
  interface Poll {
    int poll(java.nio.ByteBuffer dst) throws java.io.IOException;
  }

  /**
   * Polls {@code p} into {@code dst} until it returns non-zero or the window ends, if polling
   * pays on this connection now. Returns what it last returned (0: nothing came; the caller
   * sleeps).
   */
  int await(Poll p, java.nio.ByteBuffer dst) throws java.io.IOException {
    if (WINDOW_NANOS == 0 || MAX_POLLERS < 1 || busy.getAsBoolean()) {
      return 0;
    }
    waits++;
    if (score <= 0 && waits % PROBE_EVERY != 0) {
      return 0;
    }
    if (POLLERS.incrementAndGet() > MAX_POLLERS) {
      POLLERS.decrementAndGet();
      return 0;
    }
    try {
      long end = System.nanoTime() + WINDOW_NANOS;
      do {
        Thread.onSpinWait();
        int n = p.poll(dst);
        if (n != 0) {
          score = score <= 0 ? MAX_SCORE : Math.min(MAX_SCORE, score + 1);
          return n;
        }
      } while (System.nanoTime() - end < 0);
      score = Math.max(score, 0) - FAIL_COST;
      return 0;
    } finally {
      POLLERS.decrementAndGet();
    }
  }
}
