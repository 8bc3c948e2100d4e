package org.level4j.net;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Cuts the bytes of a connection into frames and hands each to a {@link Handler}, in order, on
 * the thread that calls {@link #run} (a host's session) or {@link #readOnce} (a guest's reading
 * turn, which passes between threads). The buffer is direct and reused; it grows for a large
 * frame (never past the frame limit) and shrinks back afterwards.
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
    if (needed > buf.capacity()) {
      ByteBuffer bigger = ByteBuffer.allocateDirect(
          Math.max(needed, (int) Math.min(buf.capacity() * 2L, maxFrameBytes + 6L)));
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
