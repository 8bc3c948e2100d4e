package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.MemoryLevel;
import org.level4j.Op;
import org.level4j.Range;

/**
 * How many keys a getMany, or operations a batch, one request may carry: one per 64 bytes of
 * {@code maxFrameBytes}. A request with more is answered with {@code LEVEL_LIMIT_EXCEEDED}
 * without being decoded, whatever its frame's size, and its connection goes on; requests within
 * the bound are served as before. Real sockets, a level4j guest and raw frames.
 */
class HostItemsPerRequestTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int MIB = 1 << 20;

  @TempDir
  Path dir;

  private final Opened opened = new Opened();

  @AfterEach
  void stop() throws Exception {
    opened.close();
  }

  private Path serve(Database db, HostOptions options) {
    Path socket = dir.resolve("db.sock");
    opened.keep(Host.of(db, options)).listen(Listener.unix(socket));
    return socket;
  }

  @Test
  void theBoundIsOneItemPer64BytesOfTheFrameLimitAndAtLeast1024() {
    assertThat(HostSession.maxItems(HostOptions.defaults().maxFrameBytes())).isEqualTo(1 << 20);
    assertThat(HostSession.maxItems(MIB)).isEqualTo(16_384);
    assertThat(HostSession.maxItems(16)).isEqualTo(1024);
  }

  /** The audit's request: one frame of the default limit, 33 million empty keys. */
  @Test
  void aGetManyOfThirtyMillionEmptyKeysIsRefusedAndTheConnectionGoesOn() throws Exception {
    Database db = opened.keep(MemoryLevel.open());
    db.put("a", "1");
    Path socket = serve(db, HostOptions.defaults());
    int limit = HostOptions.defaults().maxFrameBytes();
    int keys = (limit - 16) / 2;
    try (RawPeer raw = new RawPeer(socket)) {
      raw.send(getManyOfEmptyKeys(7, keys, limit));
      HostMessage.GetManyCallback refused = (HostMessage.GetManyCallback) raw.response(WAIT);
      assertThat(refused.id()).isEqualTo(7);
      assertThat(refused.values()).isEmpty();
      assertThat(refused.error().code()).isEqualTo(ErrorCode.LEVEL_LIMIT_EXCEEDED);
      assertThat(refused.error().getMessage()).contains("getMany has " + keys + " keys",
          "more than the 1048576", "maxFrameBytes", "split it");

      Protobuf.Out o = new Protobuf.Out(64);
      GuestMessage.get(o, 8, b("a"), 0);
      GuestMessage.getMany(o, 9, List.of(b("a"), b("b")), 0);
      raw.send(o);
      assertThat(((HostMessage.Callback) raw.response(WAIT)).value()).isEqualTo(b("1"));
      HostMessage.GetManyCallback many = (HostMessage.GetManyCallback) raw.response(WAIT);
      assertThat(many.id()).isEqualTo(9);
      assertThat(many.values()).containsExactly(b("1"), null);
    }
  }

  @Test
  void aGuestsGetManyAndBatchOverTheBoundFailWithLimitExceededAndTheGuestGoesOn() {
    Database db = opened.keep(MemoryLevel.open());
    db.put("a", "1");
    Path socket = serve(db, HostOptions.builder().maxFrameBytes(MIB).build()); // 16,384 items
    Guest guest = opened.keep(Guest.connect(Connector.unix(socket)));
    List<String> keys = new ArrayList<>();
    List<Op<String, String>> ops = new ArrayList<>();
    for (int i = 0; i < 16_385; i++) {
      keys.add("k" + i);
      ops.add(Op.put("k" + i, "v"));
    }

    assertThatThrownBy(() -> guest.getMany(keys)).isInstanceOfSatisfying(LevelException.class,
        e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_LIMIT_EXCEEDED);
          assertThat(e.getMessage()).contains("getMany has 16385 keys, more than the 16384",
              "split it into getMany calls of at most 16384 keys");
        });
    assertThatThrownBy(() -> guest.batch(ops)).isInstanceOfSatisfying(LevelException.class,
        e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_LIMIT_EXCEEDED);
          assertThat(e.getMessage()).contains("batch has 16385 operations, more than the 16384",
              "split it into batches");
        });
    assertThat(db.keys(Range.all()).all()).as("nothing of the refused batch").containsExactly("a");

    assertThat(guest.isConnected()).isTrue();
    assertThat(guest.get("a")).isEqualTo("1");
    guest.batch(ops.subList(0, 16_384));
    List<String> values = guest.getMany(keys.subList(0, 16_384));
    assertThat(values).hasSize(16_384).containsOnly("v");
  }

  /** The Write extension (a batch with preconditions or a request id) has the same bound. */
  @Test
  void aWriteOverTheBoundIsRefusedWholeAndTheConnectionGoesOn() throws Exception {
    Database db = opened.keep(MemoryLevel.open());
    Path socket = serve(db, HostOptions.builder().maxFrameBytes(MIB).build());
    List<Op<byte[], byte[]>> ops = new ArrayList<>();
    ops.add(Op.expectAbsent(b("w")));
    for (int i = 0; i < 20_000; i++) {
      ops.add(Op.del(b("d" + i)));
    }
    ops.add(Op.put(b("w"), b("1")));
    Protobuf.Out o = new Protobuf.Out(1 << 20);
    GuestMessage.write(o, 3, ops, null, false);
    GuestMessage.write(o, 4, ops.subList(ops.size() - 2, ops.size()), null, false);
    try (RawPeer raw = new RawPeer(socket)) {
      raw.send(o);
      HostMessage.Callback refused = (HostMessage.Callback) raw.response(WAIT);
      assertThat(refused.id()).isEqualTo(3);
      assertThat(refused.error().code()).isEqualTo(ErrorCode.LEVEL_LIMIT_EXCEEDED);
      assertThat(refused.error().getMessage()).contains("batch has 20002 operations");
      HostMessage.Callback applied = (HostMessage.Callback) raw.response(WAIT);
      assertThat(applied.id()).isEqualTo(4);
      assertThat(applied.error()).isNull();
    }
    assertThat(db.get("w")).isEqualTo("1");
  }

  /** A Node guest's batch travels as a Batch: raw, with empty keys, as a hostile one would. */
  @Test
  void aBatchOfAMillionEmptyDelsIsRefusedWithoutWritingAnything() throws Exception {
    Database db = opened.keep(MemoryLevel.open());
    db.put("a", "1");
    Path socket = serve(db, HostOptions.builder().maxFrameBytes(16 * MIB).build()); // 262,144
    List<Op<byte[], byte[]>> ops = new ArrayList<>();
    for (int i = 0; i < 1_000_000; i++) {
      ops.add(Op.del(new byte[0]));
    }
    Protobuf.Out o = new Protobuf.Out(16 * MIB);
    GuestMessage.batch(o, 5, ops);
    GuestMessage.batch(o, 6, List.of(Op.del(b("a"))));
    try (RawPeer raw = new RawPeer(socket)) {
      raw.send(o);
      HostMessage.Callback refused = (HostMessage.Callback) raw.response(WAIT);
      assertThat(refused.id()).isEqualTo(5);
      assertThat(refused.error().code()).isEqualTo(ErrorCode.LEVEL_LIMIT_EXCEEDED);
      assertThat(refused.error().getMessage()).contains("batch has 1000000 operations, more "
          + "than the 262144");
      HostMessage.Callback next = (HostMessage.Callback) raw.response(WAIT);
      assertThat(next.id()).isEqualTo(6);
      assertThat(next.error()).isNull();
    }
    assertThat(db.keys(Range.all()).all()).isEmpty();
  }

  @Test
  void aGetManyOfTenThousandKeysAndABatchOfTenThousandPutsAreServedByADefaultHost() {
    Database db = opened.keep(MemoryLevel.open());
    Path socket = serve(db, HostOptions.defaults());
    Guest guest = opened.keep(Guest.connect(Connector.unix(socket)));
    List<String> keys = new ArrayList<>();
    List<Op<String, String>> ops = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      keys.add("k" + i);
      ops.add(Op.put("k" + i, "v" + i));
    }
    guest.batch(ops);
    keys.add("absent");
    List<String> values = guest.getMany(keys);
    assertThat(values).hasSize(10_001);
    for (int i = 0; i < 10_000; i++) {
      assertThat(values.get(i)).isEqualTo("v" + i);
    }
    assertThat(values.get(10_000)).isNull();
  }

  /** A GetMany frame whose length is {@code frameBytes}: its id, then empty keys. */
  private static byte[] getManyOfEmptyKeys(int id, int keys, int frameBytes) {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    varint(head, frameBytes);
    int prefix = head.size();
    head.write(Wire.GET_MANY);
    head.write(1 << 3); // field 1, varint: the id
    varint(head, id);
    byte[] frame = Arrays.copyOf(head.toByteArray(), prefix + frameBytes);
    int at = head.size();
    for (int i = 0; i < keys; i++) {
      frame[at++] = 2 << 3 | 2; // field 2, length-delimited
      frame[at++] = 0; // of no bytes
    }
    int left = frame.length - at; // filled with a field 3, which the host skips as unknown
    assertThat(left).isBetween(2, 127);
    frame[at++] = 3 << 3 | 2;
    frame[at] = (byte) (left - 2);
    return frame;
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while (v >= 0x80) {
      out.write((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
