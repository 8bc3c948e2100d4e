package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.level4j.conformance.Seed;

/**
 * What a {@link FrameReader} holds while frames arrive: memory that follows the bytes received,
 * not the length a peer announces, and frames still cut right however the bytes are split.
 */
class FrameReaderTest {
  private static final int MIB = 1 << 20;
  private static final int INITIAL = 64 * 1024;

  @Test
  void aFrameAnnouncedHugeButNotSentHoldsOnlyTheInitialBuffer() throws Exception {
    FrameReader reader = new FrameReader(64 * MIB);
    Frames seen = new Frames();
    ByteArrayOutputStream start = new ByteArrayOutputStream();
    start.writeBytes(prefix(64 * MIB - 16));
    start.write(Wire.PUT);
    start.writeBytes(new byte[100]);
    Script peer = new Script(start.toByteArray());

    assertThat(reader.readOnce(peer, seen)).isTrue();
    assertThat(reader.capacity()).isEqualTo(INITIAL);
    assertThat(seen.frames).isEmpty();
  }

  @Test
  void aFrameArrivingSlowlyGrowsTheBufferWithTheBytesReceivedOnly() throws Exception {
    FrameReader reader = new FrameReader(64 * MIB);
    Frames seen = new Frames();
    int received = 0;
    Script peer = new Script(concat(prefix(64 * MIB - 16), new byte[] {(byte) Wire.PUT}));
    received += peer.left();
    reader.readOnce(peer, seen);
    for (int i = 0; i < 40; i++) { // 40 reads of 10 KB: 400 KB of a 64 MiB frame
      peer.add(new byte[10_000]);
      received += 10_000;
      reader.readOnce(peer, seen);
      assertThat(reader.capacity()).as("after %d bytes received", received)
          .isLessThanOrEqualTo(Math.max(INITIAL, 2 * received));
    }
    assertThat(reader.capacity()).isGreaterThan(INITIAL);
    assertThat(seen.frames).isEmpty();
  }

  @Test
  void largeFramesArrivingInPiecesAreReadWholeAndTheBufferShrinksBack() throws Exception {
    long seed = Seed.of("largeFramesArrivingInPiecesAreReadWholeAndTheBufferShrinksBack");
    Random random = new Random(seed);
    List<byte[]> bodies = List.of(body(random, 10), body(random, 5 * MIB), body(random, 1),
        body(random, 3 * MIB + 7), body(random, INITIAL - 3), body(random, 200));
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (byte[] b : bodies) {
      wire.writeBytes(frame(Wire.BATCH, b));
    }
    byte[] all = wire.toByteArray();
    Script peer = new Script();
    for (int at = 0; at < all.length; ) { // pieces of 1 byte to 300 KB, as a socket may hand them
      int n = Math.min(all.length - at, random.nextBoolean() ? 1 + random.nextInt(16)
          : 1 + random.nextInt(300_000));
      peer.add(Arrays.copyOfRange(all, at, at + n));
      at += n;
    }
    FrameReader reader = new FrameReader(8 * MIB);
    Frames seen = new Frames();
    while (reader.readOnce(peer, seen)) {
      assertThat(reader.capacity()).isLessThanOrEqualTo(8 * MIB + 5);
    }

    assertThat(seen.frames).hasSize(bodies.size());
    for (int i = 0; i < bodies.size(); i++) {
      assertThat(seen.tags.get(i)).isEqualTo(Wire.BATCH);
      assertThat(seen.frames.get(i)).as("frame %d", i).isEqualTo(bodies.get(i));
    }
    assertThat(reader.capacity()).as("shrunk back after the large frames").isEqualTo(INITIAL);
  }

  @Test
  void aFrameOverTheLimitIsRefusedAtItsPrefix() {
    FrameReader reader = new FrameReader(1 * MIB);
    Script peer = new Script(prefix(MIB + 1)); // the prefix alone: no byte of the body came
    assertThatThrownBy(() -> reader.readOnce(peer, new Frames())).isInstanceOf(Malformed.class)
        .hasMessageContaining("exceeds the limit of " + MIB + " bytes");
    assertThat(reader.capacity()).isEqualTo(INITIAL);
  }

  @Test
  void aFrameOfExactlyTheLimitIsReadWhole() throws Exception {
    int limit = 200_000;
    byte[] b = body(new Random(1), limit - 1 - 1 - 3); // the tag, the field's key and length
    byte[] frame = frame(Wire.PUT, b);
    assertThat(frame).hasSize(3 + limit);
    Script peer = new Script(frame);
    FrameReader reader = new FrameReader(limit);
    Frames seen = new Frames();
    while (reader.readOnce(peer, seen)) {
      assertThat(reader.capacity()).isLessThanOrEqualTo(limit + 3);
    }
    assertThat(seen.frames).containsExactly(b);
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** A connection whose peer sends the pieces given, one piece at most per read, then ends. */
  private static final class Script implements Connection {
    private final ArrayDeque<ByteBuffer> pieces = new ArrayDeque<>();

    Script(byte[]... pieces) {
      for (byte[] p : pieces) {
        add(p);
      }
    }

    void add(byte[] piece) {
      pieces.add(ByteBuffer.wrap(piece));
    }

    int left() {
      return pieces.stream().mapToInt(ByteBuffer::remaining).sum();
    }

    @Override
    public int read(ByteBuffer dst) {
      ByteBuffer head = pieces.peek();
      if (head == null) {
        return -1;
      }
      int n = Math.min(head.remaining(), dst.remaining());
      dst.put(dst.position(), head, head.position(), n);
      dst.position(dst.position() + n);
      head.position(head.position() + n);
      if (!head.hasRemaining()) {
        pieces.remove();
      }
      return n;
    }

    @Override
    public void write(ByteBuffer src) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }

  /** Keeps each frame's tag and its field 1. */
  private static final class Frames implements FrameReader.Handler {
    final List<Integer> tags = new ArrayList<>();
    final List<byte[]> frames = new ArrayList<>();

    @Override
    public void frame(int tag, Protobuf.In body) {
      tags.add(tag);
      frames.add(body.bytes(1));
    }

    @Override
    public void drained() {}
  }

  /** A frame whose body is one field, 1, of {@code value}'s bytes. */
  private static byte[] frame(int tag, byte[] value) {
    Protobuf.Out o = new Protobuf.Out(value.length + 16);
    int f = o.begin(tag);
    o.bytes(1, value);
    o.end(f);
    return Arrays.copyOf(o.buf, o.len);
  }

  private static byte[] prefix(int length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long v = length;
    while (v >= 0x80) {
      out.write((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
    return out.toByteArray();
  }

  private static byte[] body(Random random, int length) {
    byte[] b = new byte[length];
    random.nextBytes(b);
    return b;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
