package org.level4j.net;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The in-memory {@link Connection#pipe()}: two bounded byte rings, one per direction. A writer
 * blocks while its ring is full, a reader while it is empty; closing either end ends both
 * directions (a reader first drains what was written before the close). Waiting ignores
 * interrupts (keeping the thread's status): the ends are {@link QuietConnection}s.
 */
final class MemoryPipe {
  private static final int CAPACITY = 256 * 1024;

  private MemoryPipe() {}

  static Connection.Pipe open() {
    Ring up = new Ring();
    Ring down = new Ring();
    return new Connection.Pipe(new End(down, up, "pipe:host"), new End(up, down, "pipe:guest"));
  }

  /** One direction: a circular buffer guarded by its own monitor. */
  private static final class Ring {
    private final byte[] buf = new byte[CAPACITY];
    private int head;
    private int size;
    private boolean closed;

    synchronized int read(ByteBuffer dst) {
      boolean interrupted = false;
      while (size == 0 && !closed) {
        interrupted |= await();
      }
      restore(interrupted);
      if (size == 0) {
        return -1;
      }
      int n = Math.min(size, dst.remaining());
      int first = Math.min(n, buf.length - head);
      dst.put(buf, head, first);
      dst.put(buf, 0, n - first);
      head = (head + n) % buf.length;
      size -= n;
      notifyAll();
      return n;
    }

    synchronized void write(ByteBuffer src) throws IOException {
      boolean interrupted = false;
      try {
        while (src.hasRemaining()) {
          while (size == buf.length && !closed) {
            interrupted |= await();
          }
          if (closed) {
            throw new IOException("pipe closed");
          }
          int tail = (head + size) % buf.length;
          int n = Math.min(src.remaining(), buf.length - size);
          int first = Math.min(n, buf.length - tail);
          src.get(buf, tail, first);
          src.get(buf, 0, n - first);
          size += n;
          notifyAll();
        }
      } finally {
        restore(interrupted);
      }
    }

    synchronized void close() {
      closed = true;
      notifyAll();
    }

    /** Waits for a change; returns whether an interrupt came meanwhile (kept for later). */
    private boolean await() {
      try {
        wait();
        return false;
      } catch (InterruptedException e) {
        return true;
      }
    }

    private static void restore(boolean interrupted) {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether {@code c} is an end of an in-memory pipe: its peer is in this process. */
  static boolean isEnd(Connection c) {
    return c instanceof End;
  }

  /** One end: reads {@code in}, writes {@code out}, and is called {@code name}. */
  private record End(Ring in, Ring out, String name) implements QuietConnection {
    @Override
    public int read(ByteBuffer dst) throws IOException {
      return in.read(dst);
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
      out.write(src);
    }

    @Override
    public void close() {
      in.close();
      out.close();
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
