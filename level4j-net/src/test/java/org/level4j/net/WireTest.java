package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.Range;

class WireTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(Wire.Out o) {
    return Arrays.copyOf(o.buf, o.len);
  }

  /** Decodes the single frame in {@code o} as a request. */
  static Object request(Wire.Out o) {
    ByteBuffer buf = ByteBuffer.wrap(bytes(o));
    long p = Wire.peekLength(buf);
    int prefix = (int) (p >>> 40);
    int len = (int) (p & 0xFF_FFFF_FFFFL);
    assertThat(prefix + len).isEqualTo(o.len);
    return Wire.decodeRequest(buf.get(prefix) & 0xFF, new Wire.In(buf, prefix + 1, prefix + len));
  }

  private static Object response(Wire.Out o) {
    ByteBuffer buf = ByteBuffer.wrap(bytes(o));
    long p = Wire.peekLength(buf);
    int prefix = (int) (p >>> 40);
    int len = (int) (p & 0xFF_FFFF_FFFFL);
    return Wire.decodeResponse(buf.get(prefix) & 0xFF, new Wire.In(buf, prefix + 1, prefix + len));
  }

  @Test
  void getIsEncodedExactlyAsManyLevelDoes() {
    Wire.Out o = new Wire.Out(16);
    Wire.get(o, 1, b("hello"));
    assertThat(HexFormat.of().formatHex(bytes(o))).isEqualTo("0a000801120568656c6c6f");
  }

  @Test
  void writeCarriesPreconditionsAndItsRequestId() {
    Wire.Out o = new Wire.Out(16);
    org.level4j.RequestId request = new org.level4j.RequestId(b("guest"), 1L << 40, 7);
    Wire.write(o, 9, List.of(Op.expect(b("a"), b("")), Op.expectAbsent(b("b")),
        Op.put(b("a"), b("1")), Op.del(b("c"))), request, true);
    assertThat(o.buf[1] & 0xFF).isEqualTo(Wire.WRITE);
    Wire.Write w = (Wire.Write) request(o);
    assertThat(w.id()).isEqualTo(9);
    assertThat(w.problem()).isNull();
    assertThat(w.sync()).isTrue();
    assertThat(w.request()).isEqualTo(request);
    assertThat(w.ops()).extracting(Op::toString).containsExactly(
        "expect(\"a\", \"\")", "expect(\"b\", null)", "put(\"a\", \"1\")", "del(\"c\")");
  }

  @Test
  void writeWithoutRequestIdAndBatchWithAnExpectAreToldApart() {
    Wire.Out o = new Wire.Out(16);
    Wire.write(o, 3, List.of(Op.put(b("k"), b("v"))), null, false);
    Wire.Write w = (Wire.Write) request(o);
    assertThat(w.request()).isNull();
    assertThat(w.sync()).isFalse();
    // Many-level's Batch knows no "expect": a Batch carrying one is refused, not half applied.
    Wire.Out batch = new Wire.Out(16);
    Wire.batch(batch, 4, List.of(Op.put(b("k"), b("v"))));
    byte[] frame = bytes(batch);
    String hex = HexFormat.of().formatHex(frame).replace(HexFormat.of().formatHex(b("put")),
        HexFormat.of().formatHex(b("xyz")));
    Wire.Batch decoded = (Wire.Batch) request(outOf(HexFormat.of().parseHex(hex)));
    assertThat(decoded.problem()).contains("\"xyz\"");
  }

  @Test
  void helloSaysWhichExtensionsTheHostServes() {
    Wire.Out o = new Wire.Out(16);
    Wire.hello(o, Wire.FEATURE_PRECONDITIONS | Wire.FEATURE_REQUEST_IDS);
    Wire.Hello h = (Wire.Hello) response(o);
    assertThat(h.version()).isEqualTo(Wire.VERSION);
    assertThat(h.features()).isEqualTo(3);
  }

  private static Wire.Out outOf(byte[] frame) {
    Wire.Out o = new Wire.Out(frame.length);
    System.arraycopy(frame, 0, o.buf, 0, frame.length);
    o.len = frame.length;
    return o;
  }

  @Test
  void lengthsOfLargeFramesTakeSeveralVarintBytes() {
    Wire.Out o = new Wire.Out(16);
    Wire.put(o, 7, b("k"), new byte[300]);
    assertThat(o.buf[0] & 0xFF).isGreaterThan(0x7F); // two-byte length prefix
    Wire.Put p = (Wire.Put) request(o);
    assertThat(p.id()).isEqualTo(7);
    assertThat(p.value()).hasSize(300);
  }

  @Test
  void everyRequestSurvivesARoundTrip() {
    Wire.Out o = new Wire.Out(16);
    Wire.batch(o, -1, List.of(Op.put(b("a"), b("1")), Op.del(b("b"))));
    Wire.Batch batch = (Wire.Batch) request(o);
    assertThat(Integer.toUnsignedLong(batch.id())).isEqualTo(0xFFFFFFFFL);
    assertThat(batch.ops()).hasToString("[put(\"a\", \"1\"), del(\"b\")]");
    assertThat(batch.problem()).isNull();

    o.clear();
    Wire.iterator(o, 3, 2, Range.<byte[]>all().gt(b("a")).lte(b("z")).reverse().limit(10),
        true, false, 5, b("m"), null);
    Wire.Iterator it = (Wire.Iterator) request(o);
    assertThat(it.range()).hasToString("Range[gt=\"a\" lte=\"z\" reverse limit=10]");
    assertThat(it.keys()).isTrue();
    assertThat(it.values()).isFalse();
    assertThat(it.consumed()).isEqualTo(5);
    assertThat(it.bookmark()).isEqualTo(b("m"));
    assertThat(it.seek()).isNull();

    o.clear();
    Wire.clear(o, 4, Range.all());
    assertThat(((Wire.Clear) request(o)).range()).hasToString("Range[]");

    o.clear();
    Wire.iteratorAck(o, 3, 2, 1L << 40);
    assertThat(request(o)).isEqualTo(new Wire.IteratorAck(3, 2, 1L << 40));
  }

  @Test
  void responsesCarryCodesReasonsAndNotFound() {
    Wire.Out o = new Wire.Out(16);
    Wire.callback(o, 9, new LevelException(ErrorCode.LEVEL_READONLY, "read-only host"), null);
    Wire.Callback c = (Wire.Callback) response(o);
    assertThat(c.error().code()).isEqualTo(ErrorCode.LEVEL_READONLY);
    assertThat(c.error().reason()).isEqualTo("read-only host");

    o.clear();
    Wire.notFound(o, 9);
    c = (Wire.Callback) response(o);
    assertThat(c.error()).isNull();
    assertThat(c.value()).isNull();

    o.clear();
    Wire.getManyCallback(o, 2, null, Arrays.asList(b("x"), null, new byte[0]));
    Wire.GetManyCallback m = (Wire.GetManyCallback) response(o);
    assertThat(m.values()).hasSize(3);
    assertThat(m.values().get(1)).isNull();
    assertThat(m.values().get(2)).isEmpty();
  }

  @Test
  void aCodeFromANodePeerThatLevel4jDoesNotKnowIsARemoteError() {
    assertThat(Wire.error("LEVEL_SOMETHING_NEW", null).code()).isEqualTo(ErrorCode.LEVEL_REMOTE_ERROR);
    assertThat(Wire.error("LEVEL_SOMETHING_NEW", null).reason()).contains("LEVEL_SOMETHING_NEW");
  }

  @Test
  void malformedBodiesAreRejected() {
    ByteBuffer junk = ByteBuffer.wrap(new byte[] {0x12, 0x7f, 0x01});
    assertThatThrownBy(() -> Wire.decodeRequest(Wire.GET, new Wire.In(junk, 0, 3)))
        .isInstanceOf(Wire.Malformed.class);
    ByteBuffer sixByteLength = ByteBuffer.wrap(new byte[] {(byte) 0x80, (byte) 0x80,
        (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01});
    assertThatThrownBy(() -> Wire.peekLength(sixByteLength)).isInstanceOf(Wire.Malformed.class);
    assertThat(Wire.decodeRequest(40, new Wire.In(junk, 0, 3))).isNull();
  }

  @Test
  void idsWrapFromTheLargestUint32ToOneAndSkipIdsInUse() {
    assertThat(GuestEngine.nextId(0, Map.of())).isEqualTo(1);
    assertThat(GuestEngine.nextId(-1, Map.of())).isEqualTo(1);
    assertThat(GuestEngine.nextId(-1, Map.of(1, "busy"))).isEqualTo(2);
    assertThat(GuestEngine.nextId(-2, Map.of())).isEqualTo(-1);
  }
}
