package org.level4j.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * Whether every processor of this machine is taken: more threads ready to run than processors
 * plus one, as the kernel counts them now (the fourth field of Linux's {@code /proc/loadavg}),
 * read again at most once a millisecond by whichever thread asks. Where that count cannot be
 * read, never.
 *
 * <p>Threads: any; a stale or doubly read answer is harmless (it only decides whether to poll).
 */
/*
 * Why: a poller (Spin) burns a processor while it waits for its peer. With a processor to spare
 * that buys a sooner answer for CPU nobody else wanted. When every processor is taken, the poll
 * takes the processor that the peer (the host that has to write the put, the guest that has to
 * send the next request) or another process needs, so the answer comes later and every poll of
 * the wait is CPU lost. Measured on 2 cores with a RaveLevel leader and 4 writing followers (bench
 * --followers 4, 2026-12-02): each follower and the host's sessions made about 6 read calls per
 * put, 4 of them fruitless polls, and nearly every wait ended asleep anyway (0.9 epoll_wait per
 * put); polling off saved about a tenth of the CPU per put.
 *
 * One thread of slack: the pollers themselves are ready to run. A follower and its leader's
 * session polling for each other are two threads on two processors, and any third (a collector,
 * the JIT, RocksDB's flush) made "more than the processors" true: polling stopped exactly where
 * it pays most (measured the same day: a single follower's put_seq 0.85x of the code before
 * Cores with no slack, 1.01x with one; bench --followers 4 kept most of its gain, 29.4 against
 * 28.2 us of CPU per put, the code before Cores 34.4).
 *
 * The count is the kernel's instantaneous one (the load averages are minutes late), so it is
 * noisy; a wrong answer costs one window of polling or one wake-up that polling would have saved,
 * for as long as it is kept. The file stays open and is read again from its start: one system
 * call a look, no allocation (opening and reading it anew each time, with Files.readString,
 * showed up as 7% of a follower's calling thread in perf).
 *
 * Kept 1 ms, not 10 as first: a short burst of another thread (RocksDB's flush, a few
 * milliseconds every 40 ms under RaveLevel's flushAfter) seen as "busy" turned polling off on
 * both sides for the whole 10 ms after it, so every wait of those 10 ms slept (in
 * FollowerFloor.followerPut the follower's waits skipped for a busy machine went from about
 * 26,000 with the flush limit off to 52,000 with it on). Measured (FollowerFloor, all processes,
 * runs alternated, 2026-12-05): a follower's put with the 40 ms limit 8.93 and 9.04 µs against
 * 10.05 and 9.51 (2 forks each), and 9.40 against 9.94 µs on average over 4 shorter pairs; its
 * get and the put without the limit unchanged; bench --followers 4 unchanged (26.2 to 28.9
 * against 26.4 to 28.0 µs of CPU per put, 4 pairs of cpu-per-put.py).
 */
final class Cores {
  private static final long REFRESH_NANOS = 1_000_000L;

  /** This machine's: busy while more threads are ready to run than its processors plus one. */
  static final BooleanSupplier BUSY = new Cores(Path.of("/proc/loadavg"),
      Runtime.getRuntime().availableProcessors())::busy;

  private final Path loadavg;
  private final int processors;
  /** The file, kept open and read again from its start: one system call a look. */
  private FileChannel file; // guarded by this, like buf
  private final ByteBuffer buf = ByteBuffer.allocate(128);
  private volatile boolean readable = true;
  private volatile long readAt = System.nanoTime() - REFRESH_NANOS;
  private volatile boolean busy;

  Cores(Path loadavg, int processors) {
    this.loadavg = loadavg;
    this.processors = processors;
  }

  /** Whether more threads were ready to run than the processors plus one, at most 1 ms ago. */
  boolean busy() {
    if (!readable) {
      return false;
    }
    long now = System.nanoTime();
    if (now - readAt >= REFRESH_NANOS) {
      readAt = now;
      int running = running();
      if (running < 0) {
        readable = false;
        busy = false;
      } else {
        busy = running > processors + 1;
      }
    }
    return busy;
  }

  /** The threads ready to run now (the asking one included), or -1 if it cannot be read. */
  private synchronized int running() {
    try {
      if (file == null) {
        file = FileChannel.open(loadavg);
      }
      buf.clear();
      // /proc/loadavg is one short line; a read at offset 0 makes the kernel write it anew. The
      // first read returns all of it: reading on to the end cost a second call every look.
      while (buf.hasRemaining() && file.read(buf, buf.position()) > 0
          && buf.get(buf.position() - 1) != '\n') {
        // a file that came in pieces: read on to the end of its line
      }
      return parseRunning(buf.array(), buf.position());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The "running" of {@code /proc/loadavg}'s "0.50 0.40 0.30 running/threads last-pid", or -1. */
  static int parseRunning(byte[] line, int length) {
    int field = 0;
    int i = 0;
    while (i < length && field < 3) {
      if (line[i++] == ' ') {
        field++;
      }
    }
    int running = 0;
    int digits = 0;
    for (; i < length && line[i] >= '0' && line[i] <= '9' && digits < 9; i++, digits++) {
      running = running * 10 + (line[i] - '0');
    }
    return digits > 0 && i < length && line[i] == '/' ? running : -1;
  }
}
