package org.level4j.net;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Cuts the bytes of a connection into frames and hands each to a {@link Handler}, in order, on
 * the thread that calls {@link #run} (a host's session) or {@link #readOnce} (a guest's reading
 * turn, which passes between threads). The buffer is direct and reused; it grows for a large
 * frame as the frame's bytes arrive (never past the frame limit) and shrinks back afterwards.
 */
final class FrameReader {
  private static final int INITIAL = 64 * 1024;

  /** What to do with frames. */
  interface Handler {
    /** One frame: its tag and body. {@code body} is only valid during this call. */
    void frame(int tag, Protobuf.In body);

    /** Every complete frame read so far was handled; the reader is about to wait for more. */
    void drained();
  }

  private final int maxFrameBytes;
  /*
   * Why the buffer grows with what arrives, not with what a length prefix announces: sized from the
   * prefix, six bytes announcing a 64 MiB frame made the process allocate (and zero) 64 MiB of
   * direct memory, and a hundred such connections exhausted it. Grown only when a read has filled
   * it, doubling and capped at what the frame needs, the buffer is at most twice the bytes the peer
   * actually sent (or its initial size), and a large frame costs a copy per doubling: about its own
   * size again, in all.
   */
  private ByteBuffer buf = ByteBuffer.allocateDirect(INITIAL);

  FrameReader(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * Reads until the peer closes the connection cleanly (between frames).
   *
   * @throws Malformed on a frame over the limit, a bad length prefix, a body the handler
   *     cannot decode, or a connection that ends inside a frame
   * @throws IOException if reading fails
   */
  void run(Connection connection, Handler handler) throws IOException {
    while (readOnce(connection, handler)) {
      // one read at a time; the handler saw its frames and drained()
    }
  }

  /**
   * Reads once (blocking until some bytes arrive), hands every complete frame read so far to
   * {@code handler}, then calls {@link Handler#drained()}. A frame cut by the read stays buffered
   * for the next call. Calls may come from different threads, one at a time, each call
   * happening-after the previous one (the guest passes the reading turn under its lock).
   *
   * @return false once the peer closed the connection cleanly (between frames)
   * @throws Malformed as {@link #run}
   * @throws IOException if reading fails
   */
  boolean readOnce(Connection connection, Handler handler) throws IOException {
    int n = connection.read(buf);
    if (n < 0) {
      if (buf.position() > 0) {
        throw new Malformed("truncated frame: the connection ended " + buf.position()
            + " bytes into a frame");
      }
      return false;
    }
    buf.flip();
    int needed = 0;
    while (true) {
      long p = peekLength(buf);
      if (p < 0) {
        break;
      }
      long length = p & 0xFF_FFFF_FFFFL;
      int prefix = (int) (p >>> 40);
      if (length > maxFrameBytes) {
        throw new Malformed("a frame of " + length + " bytes exceeds the limit of "
            + maxFrameBytes + " bytes");
      }
      if (buf.remaining() < prefix + length) {
        needed = prefix + (int) length;
        break;
      }
      int start = buf.position() + prefix;
      int end = start + (int) length;
      if (length > 0) {
        handler.frame(buf.get(start) & 0xFF, new Protobuf.In(buf, start + 1, end));
      }
      buf.position(end);
    }
    buf.compact();
    if (needed > buf.capacity() && !buf.hasRemaining()) {
      // Full, and the frame at its start needs more: double, but never past what it needs
      // (which the limit on its length bounds).
      ByteBuffer bigger = ByteBuffer.allocateDirect((int) Math.min(buf.capacity() * 2L, needed));
      buf.flip();
      bigger.put(buf);
      buf = bigger;
    } else if (buf.capacity() > INITIAL && buf.position() <= INITIAL && needed <= INITIAL) {
      ByteBuffer smaller = ByteBuffer.allocateDirect(INITIAL);
      buf.flip();
      smaller.put(buf);
      buf = smaller;
    }
    handler.drained();
    return true;
  }

  /** The buffer's size in bytes now, for tests of what a connection holds. */
  int capacity() {
    return buf.capacity();
  }

  /**
   * Reads the length prefix at {@code buf}'s position without moving it: the frame length in
   * the low 40 bits and the prefix's own length above them, or -1 if the varint is not complete
   * yet.
   *
   * @throws Malformed if the varint is longer than 5 bytes
   */
  static long peekLength(ByteBuffer buf) {
    long v = 0;
    int p = buf.position();
    for (int i = 0; i < 5; i++) {
      if (p + i >= buf.limit()) {
        return -1;
      }
      int b = buf.get(p + i);
      v |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        return v | ((long) (i + 1) << 40);
      }
    }
    throw new Malformed("frame length prefix is longer than 5 bytes");
  }
}
