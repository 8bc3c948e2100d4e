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

  private static byte[] bytes(Protobuf.Out o) {
    return Arrays.copyOf(o.buf, o.len);
  }

  /** Decodes the single frame in {@code o} as a request. */
  static GuestMessage request(Protobuf.Out o) {
    ByteBuffer buf = ByteBuffer.wrap(bytes(o));
    long p = FrameReader.peekLength(buf);
    int prefix = (int) (p >>> 40);
    int len = (int) (p & 0xFF_FFFF_FFFFL);
    assertThat(prefix + len).isEqualTo(o.len);
    return GuestMessage.decode(buf.get(prefix) & 0xFF,
        new Protobuf.In(buf, prefix + 1, prefix + len));
  }

  private static HostMessage response(Protobuf.Out o) {
    ByteBuffer buf = ByteBuffer.wrap(bytes(o));
    long p = FrameReader.peekLength(buf);
    int prefix = (int) (p >>> 40);
    int len = (int) (p & 0xFF_FFFF_FFFFL);
    return HostMessage.decode(buf.get(prefix) & 0xFF,
        new Protobuf.In(buf, prefix + 1, prefix + len));
  }

  @Test
  void getIsEncodedExactlyAsManyLevelDoes() {
    Protobuf.Out o = new Protobuf.Out(16);
    GuestMessage.get(o, 1, b("hello"), 0);
    assertThat(HexFormat.of().formatHex(bytes(o))).isEqualTo("0a000801120568656c6c6f");
  }

  @Test
  void writeCarriesPreconditionsAndItsRequestId() {
    Protobuf.Out o = new Protobuf.Out(16);
    org.level4j.RequestId request = new org.level4j.RequestId(b("guest"), 1L << 40, 7);
    GuestMessage.write(o, 9, List.of(Op.expect(b("a"), b("")), Op.expectAbsent(b("b")),
        Op.put(b("a"), b("1")), Op.del(b("c"))), request, true);
    assertThat(o.buf[1] & 0xFF).isEqualTo(Wire.WRITE);
    GuestMessage.Write w = (GuestMessage.Write) request(o);
    assertThat(w.id()).isEqualTo(9);
    assertThat(w.problem()).isNull();
    assertThat(w.sync()).isTrue();
    assertThat(w.request()).isEqualTo(request);
    assertThat(w.ops()).extracting(Op::toString).containsExactly(
        "expect(\"a\", \"\")", "expect(\"b\", null)", "put(\"a\", \"1\")", "del(\"c\")");
  }

  @Test
  void writeWithoutRequestIdAndBatchWithAnExpectAreToldApart() {
    Protobuf.Out o = new Protobuf.Out(16);
    GuestMessage.write(o, 3, List.of(Op.put(b("k"), b("v"))), null, false);
    GuestMessage.Write w = (GuestMessage.Write) request(o);
    assertThat(w.request()).isNull();
    assertThat(w.sync()).isFalse();
    // Many-level's Batch knows no "expect": a Batch carrying one is refused, not half applied.
    Protobuf.Out batch = new Protobuf.Out(16);
    GuestMessage.batch(batch, 4, List.of(Op.put(b("k"), b("v"))));
    byte[] frame = bytes(batch);
    String hex = HexFormat.of().formatHex(frame).replace(HexFormat.of().formatHex(b("put")),
        HexFormat.of().formatHex(b("xyz")));
    GuestMessage.Batch decoded = (GuestMessage.Batch) request(outOf(HexFormat.of().parseHex(hex)));
    assertThat(decoded.problem()).contains("\"xyz\"");
  }

  @Test
  void helloSaysWhichExtensionsTheHostServes() {
    Protobuf.Out o = new Protobuf.Out(16);
    HostMessage.hello(o, Wire.FEATURE_PRECONDITIONS | Wire.FEATURE_REQUEST_IDS);
    HostMessage.Hello h = (HostMessage.Hello) response(o);
    assertThat(h.version()).isEqualTo(Wire.VERSION);
    assertThat(h.features()).isEqualTo(3);
  }

  private static Protobuf.Out outOf(byte[] frame) {
    Protobuf.Out o = new Protobuf.Out(frame.length);
    System.arraycopy(frame, 0, o.buf, 0, frame.length);
    o.len = frame.length;
    return o;
  }

  @Test
  void lengthsOfLargeFramesTakeSeveralVarintBytes() {
    Protobuf.Out o = new Protobuf.Out(16);
    GuestMessage.put(o, 7, b("k"), new byte[300]);
    assertThat(o.buf[0] & 0xFF).isGreaterThan(0x7F); // two-byte length prefix
    GuestMessage.Put p = (GuestMessage.Put) request(o);
    assertThat(p.id()).isEqualTo(7);
    assertThat(p.value()).hasSize(300);
  }

  @Test
  void batchOperationsFollowProtobufsRulesForRepeatedUnknownAndMistypedFields() {
    // Hand-built, as another implementation may send it: fields out of order, an unknown
    // field, a key sent twice (the last counts) and a value sent as a varint (skipped, as
    // protobuf skips a field of an unexpected wire type).
    Protobuf.Out o = new Protobuf.Out(16);
    int f = o.begin(Wire.BATCH);
    o.uint(1, 8);
    int op = o.beginNested(2);
    o.bytes(3, b("1"));
    o.varintField(9, 42);
    o.bytes(2, b("first"));
    o.bytes(1, b("put"));
    o.bytes(2, b("k"));
    o.endNested(op);
    op = o.beginNested(2);
    o.bytes(1, b("put"));
    o.bytes(2, b("no-value"));
    o.varintField(3, 5);
    o.endNested(op);
    op = o.beginNested(2);
    o.bytes(2, b("gone"));
    o.bytes(1, b("del"));
    o.endNested(op);
    o.end(f);
    GuestMessage.Batch batch = (GuestMessage.Batch) request(o);
    assertThat(batch.id()).isEqualTo(8);
    assertThat(batch.ops()).hasToString("[put(\"k\", \"1\"), del(\"gone\")]");
    assertThat(batch.problem()).isEqualTo("batch operation 1 has type \"put\" and no value;"
        + " only \"put\" with a value and \"del\" are allowed");
  }

  @Test
  void everyRequestSurvivesARoundTrip() {
    Protobuf.Out o = new Protobuf.Out(16);
    GuestMessage.batch(o, -1, List.of(Op.put(b("a"), b("1")), Op.del(b("b"))));
    GuestMessage.Batch batch = (GuestMessage.Batch) request(o);
    assertThat(Integer.toUnsignedLong(batch.id())).isEqualTo(0xFFFFFFFFL);
    assertThat(batch.ops()).hasToString("[put(\"a\", \"1\"), del(\"b\")]");
    assertThat(batch.problem()).isNull();

    o.clear();
    GuestMessage.iterator(o, 3, 2, Range.<byte[]>all().gt(b("a")).lte(b("z")).reverse().limit(10),
        true, false, 5, b("m"), null, 0);
    GuestMessage.Iterator it = (GuestMessage.Iterator) request(o);
    assertThat(it.range()).hasToString("Range[gt=\"a\" lte=\"z\" reverse limit=10]");
    assertThat(it.keys()).isTrue();
    assertThat(it.values()).isFalse();
    assertThat(it.consumed()).isEqualTo(5);
    assertThat(it.bookmark()).isEqualTo(b("m"));
    assertThat(it.seek()).isNull();

    o.clear();
    GuestMessage.clear(o, 4, Range.all());
    assertThat(((GuestMessage.Clear) request(o)).range()).hasToString("Range[]");

    o.clear();
    GuestMessage.iteratorAck(o, 3, 2, 1L << 40);
    assertThat(request(o)).isEqualTo(new GuestMessage.IteratorAck(3, 2, 1L << 40));
  }

  @Test
  void responsesCarryCodesReasonsAndNotFound() {
    Protobuf.Out o = new Protobuf.Out(16);
    HostMessage.callback(o, 9, new LevelException(ErrorCode.LEVEL_READONLY, "read-only host"), null);
    HostMessage.Callback c = (HostMessage.Callback) response(o);
    assertThat(c.error().code()).isEqualTo(ErrorCode.LEVEL_READONLY);
    assertThat(c.error().reason()).isEqualTo("read-only host");

    o.clear();
    HostMessage.notFound(o, 9);
    c = (HostMessage.Callback) response(o);
    assertThat(c.error()).isNull();
    assertThat(c.value()).isNull();

    o.clear();
    HostMessage.getManyCallback(o, 2, null, Arrays.asList(b("x"), null, new byte[0]));
    HostMessage.GetManyCallback m = (HostMessage.GetManyCallback) response(o);
    assertThat(m.values()).hasSize(3);
    assertThat(m.values().get(1)).isNull();
    assertThat(m.values().get(2)).isEmpty();
  }

  @Test
  void aCodeFromANodePeerThatLevel4jDoesNotKnowIsARemoteError() {
    assertThat(HostMessage.error("LEVEL_SOMETHING_NEW", null).code()).isEqualTo(ErrorCode.LEVEL_REMOTE_ERROR);
    assertThat(HostMessage.error("LEVEL_SOMETHING_NEW", null).reason()).contains("LEVEL_SOMETHING_NEW");
  }

  @Test
  void malformedBodiesAreRejected() {
    ByteBuffer junk = ByteBuffer.wrap(new byte[] {0x12, 0x7f, 0x01});
    assertThatThrownBy(() -> GuestMessage.decode(Wire.GET, new Protobuf.In(junk, 0, 3)))
        .isInstanceOf(Malformed.class);
    ByteBuffer sixByteLength = ByteBuffer.wrap(new byte[] {(byte) 0x80, (byte) 0x80,
        (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01});
    assertThatThrownBy(() -> FrameReader.peekLength(sixByteLength)).isInstanceOf(Malformed.class);
    assertThat(GuestMessage.decode(40, new Protobuf.In(junk, 0, 3))).isEqualTo(new GuestMessage.Unknown(40));
  }

  @Test
  void aGetManyOverTheItemBoundDecodesAsTooManyItemsWithItsLastId() {
    List<byte[]> keys = java.util.Collections.nCopies(3000, b("k"));
    Protobuf.Out o = new Protobuf.Out(16);
    int f = o.begin(Wire.GET_MANY);
    o.uint(1, 1);
    for (byte[] k : keys) {
      o.bytes(2, k);
    }
    o.uint(1, 42); // of a field sent twice the last value counts, here as anywhere
    o.end(f);
    assertThat(request(o, 2999)).isEqualTo(new GuestMessage.TooManyItems(42, Wire.GET_MANY, 3000));
    GuestMessage.GetMany whole = (GuestMessage.GetMany) request(o, 3000);
    assertThat(whole.id()).isEqualTo(42);
    assertThat(whole.keys()).hasSize(3000);
  }

  @Test
  void batchAndWriteOperationsOverTheItemBoundAreCountedNotRead() {
    Protobuf.Out o = new Protobuf.Out(16);
    int f = o.begin(Wire.BATCH);
    o.uint(1, 7);
    for (int i = 0; i < 2000; i++) {
      o.bytes(2, new byte[0]); // an operation without type or key: malformed, if it were read
    }
    o.end(f);
    assertThat(request(o, 1999)).isEqualTo(new GuestMessage.TooManyItems(7, Wire.BATCH, 2000));
    assertThatThrownBy(() -> request(o, 2000)).isInstanceOf(Malformed.class);

    Protobuf.Out w = new Protobuf.Out(16);
    GuestMessage.write(w, 8, java.util.Collections.nCopies(2000, Op.del(b("k"))), null, true);
    assertThat(request(w, 1000)).isEqualTo(new GuestMessage.TooManyItems(8, Wire.WRITE, 2000));
    assertThat(((GuestMessage.Write) request(w, 2000)).ops()).hasSize(2000);
  }

  /** Decodes the single frame in {@code o} as a host that takes {@code maxItems} items does. */
  private static GuestMessage request(Protobuf.Out o, int maxItems) {
    ByteBuffer buf = ByteBuffer.wrap(bytes(o));
    long p = FrameReader.peekLength(buf);
    int prefix = (int) (p >>> 40);
    int len = (int) (p & 0xFF_FFFF_FFFFL);
    return GuestMessage.decode(buf.get(prefix) & 0xFF,
        new Protobuf.In(buf, prefix + 1, prefix + len), maxItems);
  }

  @Test
  void idsWrapFromTheLargestUint32ToOneAndSkipIdsInUse() {
    assertThat(Pending.nextId(0, Map.of())).isEqualTo(1);
    assertThat(Pending.nextId(-1, Map.of())).isEqualTo(1);
    assertThat(Pending.nextId(-1, Map.of(1, "busy"))).isEqualTo(2);
    assertThat(Pending.nextId(-2, Map.of())).isEqualTo(-1);
  }

  @Test
  void checkpointCarriesItsPathAsUtf8UnderTag37() {
    Protobuf.Out o = new Protobuf.Out(16);
    GuestMessage.checkpoint(o, 5, "/srv/copies/d\u00e9j\u00e0");
    assertThat(Wire.CHECKPOINT).isEqualTo(37);
    assertThat(Wire.FEATURE_CHECKPOINTS).isEqualTo(16);
    assertThat(request(o)).isEqualTo(new GuestMessage.Checkpoint(5, "/srv/copies/d\u00e9j\u00e0"));
  }
}
