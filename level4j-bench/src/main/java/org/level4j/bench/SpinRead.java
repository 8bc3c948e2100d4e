package org.level4j.bench;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One end of {@link FollowerFloor}'s {@code echo100Spin}: a socket read the way level4j's guests
 * and hosts read (level4j-net's {@code SocketConnection.Quiet} and {@code Spin}): the channel is
 * non-blocking; a read that finds nothing polls the socket for up to {@code level4j.spinMicros}
 * (100 µs) while polling pays on this connection, then sleeps on a selector.
 */
/*
 * A copy of Spin's policy, which is package-private in level4j-net (a benchmark class in
 * org.level4j.net would split that package over two jars). The copy is checked against Spin's
 * constants when this class loads, so that it cannot silently drift from them; the algorithm
 * itself is short enough to compare by eye.
 */
final class SpinRead implements AutoCloseable {
  static final long WINDOW_NANOS = Math.max(0, Long.getLong("level4j.spinMicros", 100)) * 1000;
  private static final int MAX_POLLERS = Runtime.getRuntime().availableProcessors() - 1;
  private static final AtomicInteger POLLERS = new AtomicInteger();
  private static final int MAX_SCORE = 8;
  private static final int FAIL_COST = 4;
  private static final int PROBE_EVERY = 64;

  static {
    try {
      Class<?> spin = Class.forName("org.level4j.net.Spin");
      check(spin, "WINDOW_NANOS", WINDOW_NANOS);
      check(spin, "MAX_SCORE", MAX_SCORE);
      check(spin, "FAIL_COST", FAIL_COST);
      check(spin, "PROBE_EVERY", PROBE_EVERY);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("org.level4j.net.Spin is gone or changed: update SpinRead "
          + "to match", e);
    }
  }

  private static void check(Class<?> spin, String name, long mine) throws
      ReflectiveOperationException {
    Field f = spin.getDeclaredField(name);
    f.setAccessible(true);
    long theirs = ((Number) f.get(null)).longValue();
    if (theirs != mine) {
      throw new IllegalStateException("Spin." + name + " is " + theirs + ", SpinRead's " + mine
          + ": update SpinRead to match");
    }
  }

  private final SocketChannel channel;
  private final Selector readable;
  private int score = MAX_SCORE;
  private int waits;

  SpinRead(SocketChannel channel) throws IOException {
    this.channel = channel;
    channel.configureBlocking(false);
    readable = Selector.open();
    channel.register(readable, SelectionKey.OP_READ);
  }

  /** Reads some bytes into {@code dst} (which has room): how many, or -1 at the end. */
  int read(ByteBuffer dst) throws IOException {
    int n = channel.read(dst);
    if (n != 0) {
      return n;
    }
    n = poll(dst);
    while (n == 0) {
      readable.select();
      readable.selectedKeys().clear();
      n = channel.read(dst);
    }
    return n;
  }

  /**
   * Writes all of {@code b}. A 100-byte message always fits an idle socket's buffer, so this
   * never waits in practice; where it would, it polls.
   */
  void writeFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (channel.write(b) == 0) {
        Thread.onSpinWait();
      }
    }
  }

  /** Spin.await: polls while polling pays here, for up to the window; 0 if nothing came. */
  private int poll(ByteBuffer dst) throws IOException {
    if (WINDOW_NANOS == 0 || MAX_POLLERS < 1) {
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
        int n = channel.read(dst);
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

  @Override
  public void close() throws IOException {
    readable.close();
    channel.close();
  }
}
