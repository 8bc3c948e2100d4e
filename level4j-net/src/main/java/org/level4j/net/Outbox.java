package org.level4j.net;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;

/**
 * The sending side of a connection, shared by every thread that answers or asks on it.
 *
 * <p>Threads append whole frames to {@link #out()} while holding this object's monitor, then call
 * {@link #flush()}. Whoever flushes first becomes the writer: it swaps the filled buffer for an
 * empty one and writes outside the monitor, looping until nothing new arrived meanwhile; the
 * others return at once, their frames left to that writer. There is no writer thread and no
 * hand-off: an idle connection writes in the caller's thread, a busy one coalesces many frames
 * into one write.
 *
 * <p>A host's reader bounds what waits here with {@link #awaitRoom}: it stops taking requests
 * while more than its bound is unsent, so a peer that does not read cannot make the host buffer
 * answers without end. Every write that ends (done or failed) wakes such a waiter.
 */
final class Outbox {
  private static final int INITIAL = 8 * 1024;
  private static final int KEEP = 1 << 20;

  private final Connection connection;
  private Protobuf.Out filling = new Protobuf.Out(INITIAL);
  private Protobuf.Out spare = new Protobuf.Out(INITIAL);
  private boolean writing;
  private int inWrite; // bytes of the buffer the writer holds now (0 when none)
  private int roomWaiters; // threads waiting in awaitRoom: only then does a write wake anyone
  private long written; // bytes written so far

  Outbox(Connection connection) {
    this.connection = connection;
  }

  /** Where to append frames; only while holding this object's monitor. */
  Protobuf.Out out() {
    return filling;
  }

  /**
   * Writes what was appended, unless another thread is writing (it will write it too).
   *
   * @throws IOException if the connection failed; its frames are lost with it
   */
  void flush() throws IOException {
    Protobuf.Out o = claim();
    if (o != null) {
      write(o);
    }
  }

  /**
   * As {@link #flush}, for a thread that must not block in a write: one that reads the peer's
   * answers. A peer that answers while this side does not read blocks in its own write, stops
   * reading, and this side's write then waits for ever. Up to {@code inline} bytes (what a fresh
   * connection's buffers take without the peer reading) are written in this thread; more, such
   * as the requests a guest re-sends on a new connection, by a thread started for them, which
   * closes the connection if the write fails (as a failed flush does); whoever flushes
   * meanwhile finds that write under way and leaves its frames to it.
   *
   * @throws IOException if the connection failed in this thread's write
   */
  void flushAside(int inline) throws IOException {
    int unsent;
    Protobuf.Out o;
    synchronized (this) {
      unsent = filling.len;
      o = claim();
    }
    if (o == null) {
      return;
    }
    if (unsent <= inline) {
      write(o);
      return;
    }
    Thread t = new Thread(() -> {
      try {
        write(o);
      } catch (IOException e) {
        connection.close();
      }
    }, "level4j-outbox-writer");
    t.setDaemon(true);
    t.start();
  }

  /** Makes this thread the writer, taking the filled buffer; null if nothing or another writes. */
  private synchronized Protobuf.Out claim() {
    if (writing || filling.len == 0) {
      return null;
    }
    writing = true;
    Protobuf.Out o = filling;
    filling = spare;
    spare = null;
    inWrite = o.len;
    return o;
  }

  /** The writer's loop: writes {@code o}, then what was appended meanwhile, until nothing is. */
  private void write(Protobuf.Out o) throws IOException {
    boolean done = false;
    try {
      while (true) {
        connection.write(ByteBuffer.wrap(o.buf, 0, o.len));
        int len = o.len;
        o.clear();
        if (o.buf.length > KEEP) {
          o = new Protobuf.Out(INITIAL);
        }
        synchronized (this) {
          written += len;
          wakeRoomWaiters();
          if (filling.len == 0) {
            spare = o;
            writing = false;
            inWrite = 0;
            done = true;
            return;
          }
          Protobuf.Out next = filling;
          filling = o;
          o = next;
          inWrite = o.len;
        }
      }
    } finally {
      if (!done) {
        synchronized (this) {
          o.clear();
          filling.clear();
          spare = o;
          writing = false;
          inWrite = 0;
          wakeRoomWaiters();
        }
      }
    }
  }

  /**
   * A reader waiting for room (awaitRoom) looks again. Called holding the monitor. Nobody waits
   * nearly always: then no call at all, since notifyAll on a monitor that another thread has
   * held goes through the VM's slow path (seen in a follower's gets, both sides, each write).
   */
  private void wakeRoomWaiters() {
    if (roomWaiters > 0) {
      notifyAll();
    }
  }

  /**
   * Where the stream stands: every byte ever appended, written or not. Call holding this
   * object's monitor, to name the point after the frames appended so far.
   */
  long appended() {
    return written + inWrite + filling.len;
  }

  /** Bytes appended and not yet written (those being written included). */
  synchronized int unsent() {
    return filling.len + inWrite;
  }

  /**
   * Returns once at most {@code limit} bytes are unsent: writes them in this thread if no other
   * thread is writing, else waits until the writer has written enough. Blocks for as long as the
   * peer does not read; closing the connection ends the wait (the writer's write fails).
   *
   * @throws IOException if the connection failed
   */
  void awaitRoom(int limit) throws IOException {
    while (true) {
      synchronized (this) {
        if (filling.len + inWrite <= limit) {
          return;
        }
        if (writing) {
          roomWaiters++;
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the peer to read");
          } finally {
            roomWaiters--;
          }
          continue;
        }
      }
      flush();
    }
  }
}
