package org.level4j.net;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The in-memory {@link Connection#pipe()}: two bounded byte rings, one per direction. A writer
 * blocks while its ring is full, a reader while it is empty; closing either end ends both
 * directions (a reader first drains what was written before the close).
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

    synchronized int read(ByteBuffer dst) throws IOException {
      while (size == 0 && !closed) {
        await();
      }
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
      while (src.hasRemaining()) {
        while (size == buf.length && !closed) {
          await();
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
    }

    synchronized void close() {
      closed = true;
      notifyAll();
    }

    private void await() throws IOException {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting on a pipe");
      }
    }
  }

  private static final class End implements Connection {
    private final Ring in;
    private final Ring out;
    private final String name;

    End(Ring in, Ring out, String name) {
      this.in = in;
      this.out = out;
      this.name = name;
    }

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
