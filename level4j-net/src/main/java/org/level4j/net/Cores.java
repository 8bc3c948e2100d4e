package org.level4j.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * Whether every processor of this machine is taken: more threads ready to run than processors,
 * as the kernel counts them now (the fourth field of Linux's {@code /proc/loadavg}), read again
 * at most once every 10 ms by whichever thread asks. Where that count cannot be read, never.
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
 * The count is the kernel's instantaneous one (the load averages are minutes late), so it is
 * noisy; a wrong answer costs one window of polling or one wake-up that polling would have saved,
 * for at most 10 ms. Reading it costs a few system calls per 10 ms per process.
 */
final class Cores {
  private static final long REFRESH_NANOS = 10_000_000L;
  private static final Path LOADAVG = Path.of("/proc/loadavg");

  /** This machine's: busy while more threads are ready to run than the JVM has processors. */
  static final BooleanSupplier BUSY = new Cores(LOADAVG,
      Runtime.getRuntime().availableProcessors())::busy;

  private final Path loadavg;
  private final int processors;
  private volatile boolean readable = true;
  private volatile long readAt = System.nanoTime() - REFRESH_NANOS;
  private volatile boolean busy;

  Cores(Path loadavg, int processors) {
    this.loadavg = loadavg;
    this.processors = processors;
  }

  /** Whether more threads were ready to run than there are processors, at most 10 ms ago. */
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
        busy = running > processors;
      }
    }
    return busy;
  }

  /** The threads ready to run now (the asking one included), or -1 if it cannot be read. */
  private int running() {
    try {
      return parseRunning(Files.readString(loadavg));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The "running" of {@code /proc/loadavg}'s "0.50 0.40 0.30 running/threads last-pid", or -1. */
  static int parseRunning(String loadavg) {
    String[] fields = loadavg.trim().split(" ");
    if (fields.length < 4) {
      return -1;
    }
    int slash = fields[3].indexOf('/');
    if (slash <= 0) {
      return -1;
    }
    try {
      return Integer.parseInt(fields[3], 0, slash, 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
