package org.level4j.net;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether a thread about to sleep until its connection has data (a socket, or shared rings
 * beside one: {@link SharedRings}) should first poll it for a short while. One per connection,
 * used by whichever thread reads it (one at a time, each read happening-after the previous one).
 *
 * <p>Set the window with the system property {@code level4j.spinMicros} (default 100; 0 turns
 * polling off). Polling only ever happens on a machine with two or more processors. While more
 * threads are ready to run than it has processors plus one ({@link Cores}), a poller gives its
 * processor away between two looks ({@link Thread#yield}) instead of spinning on it.
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
 * - Nobody spins while the machine has more threads ready to run than processors plus one
 *   (Cores; the one is the poller's peer, polling too): the limit above is per process, and
 *   several busy processes on few processors spinning at once each took the processor its peer
 *   needed (bench --followers 4 on 2 cores: about four fruitless read calls a wait).
 * - Then it yields instead: it looks, and if nothing came, gives the processor to whichever
 *   thread is ready (Thread.yield, one system call), for the same window. Sleeping there costs
 *   most: the peer must ring (a write on the socket), and waking a thread whose processor has
 *   gone idle is the dearest thing a virtual machine does. A yielding poller takes only the time
 *   nobody else wants, and its peer sees it awake and does not ring. Measured on 2 cores, leader
 *   and 4 followers writing (bench/cpu-per-put.py, 2026-12-05, alternated): 37,400 to 43,800
 *   puts a second at 42 to 49 us of CPU per put, against 22,600 to 24,500 at 71 to 76 sleeping.
 *   A yielding window that ends empty does not count against the score: counted as a spinning
 *   one, it turned polling off in one run of five, and the five processes fell back to sleeping
 *   (26,000 puts a second), where answers come late and every window fails. Only over a Unix
 *   socket: a peer on another machine does not wait for this one's processors, and its answers
 *   take longer than the window. And not for a guest's reader thread (SocketConnection's
 *   yieldWhileBusy): it reads the answers of many requests in flight, which come one by one to
 *   a poller and in batches to a sleeper; a follower's put_window64 yielding there gave 108,000
 *   to 223,000 puts a second against 215,000 to 255,000 (4 rounds alternated).
 */
final class Spin {
  static final long WINDOW_NANOS = Math.max(0, Long.getLong("level4j.spinMicros", 100)) * 1000;
  private static final int MAX_POLLERS = Runtime.getRuntime().availableProcessors() - 1;
  private static final AtomicInteger POLLERS = new AtomicInteger();
  private static final int MAX_SCORE = 8;
  private static final int FAIL_COST = 4;
  private static final int PROBE_EVERY = 64;

  private final java.util.function.BooleanSupplier busy;
  private final Runnable giveWay;
  private final long windowNanos;
  private final AtomicInteger pollers;
  private int score = MAX_SCORE;
  private int waits;

  /**
   * Spins with a processor to spare; while all are taken ({@link Cores#BUSY}), yields if the peer
   * is {@code local} (a Unix socket: it needs this machine's processors too), else sleeps.
   */
  Spin(boolean local) {
    this(Cores.BUSY, local ? Thread::yield : null, WINDOW_NANOS, POLLERS);
  }

  /**
   * Spins unless {@code busy} says the processors are all taken; then polls calling
   * {@code giveWay} before each look, or does not poll if it is null. Polls for {@code
   * windowNanos} at most, and only while {@code pollers} (the threads polling, this process's
   * {@link #POLLERS} but in tests) counts fewer than the processors.
   */
  Spin(java.util.function.BooleanSupplier busy, Runnable giveWay, long windowNanos,
      AtomicInteger pollers) {
    this.busy = busy;
    this.giveWay = giveWay;
    this.windowNanos = windowNanos;
    this.pollers = pollers;
  }

  /** Reads into {@code dst} without blocking: bytes read, 0 for none yet, -1 at the end. */
  interface Poll {
    int poll(java.nio.ByteBuffer dst) throws java.io.IOException;
  }

  /**
   * Polls {@code p} into {@code dst} until it returns non-zero or the window ends, if polling
   * pays on this connection now. Returns what it last returned (0: nothing came; the caller
   * sleeps). With {@code mayYield} false it does not poll at all while the processors are all
   * taken (a guest's reader thread: see the notes above).
   */
  int await(Poll p, java.nio.ByteBuffer dst, boolean mayYield) throws java.io.IOException {
    if (windowNanos == 0 || MAX_POLLERS < 1) {
      return 0;
    }
    if (busy.getAsBoolean()) {
      // Not scored: see the notes above.
      return giveWay == null || !mayYield ? 0 : poll(p, dst, giveWay);
    }
    waits++;
    if (score <= 0 && waits % PROBE_EVERY != 0) {
      return 0;
    }
    if (pollers.incrementAndGet() > MAX_POLLERS) {
      pollers.decrementAndGet();
      return 0;
    }
    try {
      int n = poll(p, dst, Thread::onSpinWait);
      if (n != 0) {
        score = score <= 0 ? MAX_SCORE : Math.min(MAX_SCORE, score + 1);
      } else {
        score = Math.max(score, 0) - FAIL_COST;
      }
      return n;
    } finally {
      pollers.decrementAndGet();
    }
  }

  /** Looks at {@code p} after each {@code pause} until something comes or the window ends. */
  private int poll(Poll p, java.nio.ByteBuffer dst, Runnable pause) throws java.io.IOException {
    long end = System.nanoTime() + windowNanos;
    do {
      pause.run();
      int n = p.poll(dst);
      if (n != 0) {
        return n;
      }
    } while (System.nanoTime() - end < 0);
    return 0;
  }
}
