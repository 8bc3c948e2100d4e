package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.level4j.ErrorCode.LEVEL_DECODE_ERROR;
import static org.level4j.ErrorCode.LEVEL_INVALID_KEY;
import static org.level4j.ErrorCode.LEVEL_INVALID_VALUE;

import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicContainer;
import org.level4j.Codec;
import org.level4j.Codecs;
import org.level4j.Entry;
import org.level4j.Level;
import org.level4j.LevelIterator;
import org.level4j.Range;

/** Codecs: utf8, bytes, json, hex, base64, sortable longs, user codecs, and typed views. */
final class EncodingTests {
  private EncodingTests() {}

  /** A value type for the JSON cases. */
  public record User(String name, int age, List<String> tags) {}

  /** A class (not a record) with a no-argument constructor and setters. */
  public static final class Point {
    private int x;
    private int y;

    public Point() {}

    Point(int x, int y) {
      this.x = x;
      this.y = y;
    }

    public int getX() {
      return x;
    }

    public void setX(int x) {
      this.x = x;
    }

    public int getY() {
      return y;
    }

    public void setY(int y) {
      this.y = y;
    }
  }

  /** A user codec: ints as 4 big-endian bytes, sign bit flipped so byte order is numeric order. */
  static final Codec<Integer> SORTABLE_INT = new Codec<>() {
    @Override
    public String name() {
      return "sortable-int";
    }

    @Override
    public byte[] encode(Integer value) {
      return ByteBuffer.allocate(4).putInt(value ^ Integer.MIN_VALUE).array();
    }

    @Override
    public Integer decode(byte[] bytes) {
      if (bytes.length != 4) {
        throw new IllegalArgumentException("an int is 4 bytes, got " + bytes.length);
      }
      return ByteBuffer.wrap(bytes).getInt() ^ Integer.MIN_VALUE;
    }
  };

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  static DynamicContainer all(LevelFactory factory) {
    Feature f = new Feature("encoding", factory);

    f.test("defaultCodecsAreUtf8", db -> {
      assertThat(db.keyCodec()).isSameAs(Codecs.UTF8);
      assertThat(db.valueCodec()).isSameAs(Codecs.UTF8);
      db.put("k", "v");
      assertThat(db.bytes().get(utf8("k"))).isEqualTo(utf8("v"));
    });
    f.test("utf8RoundTripsNonAsciiKeysAndValues", db -> {
      String[] words = {"héllo", "wörld", "✓ check", "日本語", "emoji 😀", "ñ", "\u0000nul"};
      for (String w : words) {
        db.put(w, w + "!");
      }
      for (String w : words) {
        assertThat(db.get(w)).isEqualTo(w + "!");
      }
      assertThat(db.bytes().get(utf8("日本語"))).isEqualTo(utf8("日本語!"));
    });
    f.test("utf8KeysAreOrderedByTheirUtf8Bytes", db -> {
      Expect.fill(db, "z", "é", "a", "😀", "日");
      // é is c3 a9, 日 is e6 97 a5, 😀 is f0 9f 98 80: all above ASCII, in that order.
      assertThat(Expect.keys(db)).containsExactly("a", "z", "é", "日", "😀");
    });
    f.test("invalidUtf8StoredValueIsDecodeErrorOnGet", db -> {
      db.bytes().put(utf8("k"), bytes(0xff, 0xfe, 0x41));
      Expect.code(LEVEL_DECODE_ERROR, () -> db.get("k"));
      Expect.code(LEVEL_DECODE_ERROR, () -> db.getMany(List.of("k")));
      assertThat(db.has("k")).isTrue();
      assertThat(db.bytes().get(utf8("k"))).isEqualTo(bytes(0xff, 0xfe, 0x41));
    });
    f.test("invalidUtf8StoredValueIsDecodeErrorInIterators", db -> {
      db.bytes().put(utf8("k"), bytes(0xc3));
      try (LevelIterator<String, String> it = db.values(Range.all())) {
        Expect.code(LEVEL_DECODE_ERROR, it::next);
      }
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        assertThat(it.next()).isEqualTo("k");
      }
    });
    f.test("invalidUtf8StoredKeyIsDecodeErrorInIterators", db -> {
      db.bytes().put(bytes(0x80, 0x80), utf8("v"));
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        Expect.code(LEVEL_DECODE_ERROR, it::next);
      }
      try (LevelIterator<String, Entry<String, String>> it = db.iterator()) {
        Expect.code(LEVEL_DECODE_ERROR, it::next);
      }
      try (LevelIterator<String, String> it = db.values(Range.all())) {
        assertThat(it.next()).isEqualTo("v");
      }
    });
    f.test("decodeErrorOnGetAsyncIsAFailedFuture", db -> {
      db.bytes().put(utf8("k"), bytes(0xff));
      Expect.failed(LEVEL_DECODE_ERROR, db.async().get("k"));
    });

    f.test("bytesRoundTripIncludingZeroAndFf", db -> {
      Level<byte[], byte[]> raw = db.bytes();
      raw.put(bytes(0x00), bytes(0x00, 0x00));
      raw.put(bytes(0xff, 0x00, 0xff), bytes(0xff));
      assertThat(raw.get(bytes(0x00))).isEqualTo(bytes(0x00, 0x00));
      assertThat(raw.get(bytes(0xff, 0x00, 0xff))).isEqualTo(bytes(0xff));
      assertThat(raw.get(bytes(0xff))).isNull();
    });
    f.test("byteKeysAreOrderedUnsigned", db -> {
      Level<byte[], byte[]> raw = db.bytes();
      int[][] keys = {{0xff}, {0x80}, {0x00}, {0x7f}, {0x01}, {0xff, 0xff}, {0x00, 0x00}, {}};
      for (int[] k : keys) {
        raw.put(bytes(k), bytes(1));
      }
      try (LevelIterator<byte[], byte[]> it = raw.keys(Range.all())) {
        assertThat(it.all()).containsExactly(bytes(), bytes(0x00), bytes(0x00, 0x00),
            bytes(0x01), bytes(0x7f), bytes(0x80), bytes(0xff), bytes(0xff, 0xff));
      }
    });
    f.test("byteRangesCompareUnsigned", db -> {
      Level<byte[], byte[]> raw = db.bytes();
      for (int b : new int[] {0x00, 0x10, 0x7f, 0x80, 0xf0, 0xff}) {
        raw.put(bytes(b), bytes(b));
      }
      try (LevelIterator<byte[], byte[]> it =
          raw.keys(Range.<byte[]>all().gte(bytes(0x7f)).lt(bytes(0xff)))) {
        assertThat(it.all()).containsExactly(bytes(0x7f), bytes(0x80), bytes(0xf0));
      }
      try (LevelIterator<byte[], byte[]> it =
          raw.keys(Range.<byte[]>all().gt(bytes(0x80)).reverse())) {
        assertThat(it.all()).containsExactly(bytes(0xff), bytes(0xf0));
      }
      raw.clear(Range.<byte[]>all().gt(bytes(0x7f)));
      try (LevelIterator<byte[], byte[]> it = raw.keys(Range.all())) {
        assertThat(it.all()).containsExactly(bytes(0x00), bytes(0x10), bytes(0x7f));
      }
    });
    f.test("everySingleByteKeyIsOrderedUnsigned", db -> {
      Level<byte[], byte[]> raw = db.bytes();
      List<org.level4j.Op<byte[], byte[]>> ops = new ArrayList<>();
      for (int b = 255; b >= 0; b--) {
        ops.add(org.level4j.Op.put(bytes(b), bytes(b)));
      }
      raw.batch(ops);
      try (LevelIterator<byte[], Entry<byte[], byte[]>> it = raw.iterator()) {
        int expected = 0;
        for (Entry<byte[], byte[]> e : it) {
          assertThat(e.key()).isEqualTo(bytes(expected));
          assertThat(e.value()).isEqualTo(bytes(expected));
          expected++;
        }
        assertThat(expected).isEqualTo(256);
      }
    });
    f.test("bytesViewSeesStringDataAsUtf8", db -> {
      db.put("ключ", "значение");
      assertThat(db.bytes().get(utf8("ключ"))).isEqualTo(utf8("значение"));
    });

    f.test("jsonRoundTripsARecord", db -> {
      Level<String, User> users = db.with(Codecs.UTF8, Codecs.json(User.class));
      User alice = new User("Alice", 31, List.of("admin", "ops"));
      users.put("alice", alice);
      assertThat(users.get("alice")).isEqualTo(alice);
      assertThat(db.get("alice")).contains("\"name\":\"Alice\"").contains("\"age\":31");
    });
    f.test("jsonRoundTripsAClassWithSetters", db -> {
      Level<String, Point> points = db.sublevel("p", Codecs.UTF8, Codecs.json(Point.class));
      points.put("origin", new Point(0, 0));
      points.put("p", new Point(3, -4));
      Point p = points.get("p");
      assertThat(p.getX()).isEqualTo(3);
      assertThat(p.getY()).isEqualTo(-4);
    });
    f.test("jsonOfAGenericType", db -> {
      Level<String, List<Integer>> lists =
          db.with(Codecs.UTF8, Codecs.json(new TypeReference<List<Integer>>() {}));
      lists.put("primes", List.of(2, 3, 5, 7));
      assertThat(lists.get("primes")).containsExactly(2, 3, 5, 7);
      assertThat(db.get("primes")).isEqualTo("[2,3,5,7]");
    });
    f.test("jsonOfAnyValue", db -> {
      Level<String, Object> any = db.with(Codecs.UTF8, Codecs.JSON);
      any.put("map", Map.of("a", 1));
      any.put("list", List.of("x", true));
      any.put("string", "text");
      any.put("number", 42);
      assertThat(any.get("map")).isEqualTo(Map.of("a", 1));
      assertThat(any.get("list")).isEqualTo(List.of("x", true));
      assertThat(any.get("string")).isEqualTo("text");
      assertThat(any.get("number")).isEqualTo(42);
    });
    f.test("jsonValuesInIterators", db -> {
      Level<String, User> users = db.sublevel("u", Codecs.UTF8, Codecs.json(User.class));
      users.put("b", new User("B", 2, List.of()));
      users.put("a", new User("A", 1, List.of()));
      try (LevelIterator<String, User> it = users.values(Range.all())) {
        assertThat(it.all()).extracting(User::name).containsExactly("A", "B");
      }
    });
    f.test("jsonThatDoesNotMatchTheTypeIsDecodeError", db -> {
      db.put("u", "{\"name\": [1, 2]");
      Level<String, User> users = db.with(Codecs.UTF8, Codecs.json(User.class));
      Expect.code(LEVEL_DECODE_ERROR, () -> users.get("u"));
    });

    f.test("hexKeysAndValuesStandForTheirBytes", db -> {
      Level<String, String> hex = db.with(Codecs.HEX, Codecs.HEX);
      hex.put("00ff", "deadbeef");
      assertThat(db.bytes().get(bytes(0x00, 0xff))).isEqualTo(bytes(0xde, 0xad, 0xbe, 0xef));
      assertThat(hex.get("00ff")).isEqualTo("deadbeef");
      db.bytes().put(bytes(0xab), bytes(0x01));
      try (LevelIterator<String, Entry<String, String>> it = hex.iterator()) {
        assertThat(it.all()).containsExactly(new Entry<>("00ff", "deadbeef"),
            new Entry<>("ab", "01"));
      }
    });
    f.test("invalidHexIsInvalidKeyOrValue", db -> {
      Level<String, String> hex = db.with(Codecs.HEX, Codecs.HEX);
      Expect.code(LEVEL_INVALID_KEY, () -> hex.put("xyz", "00"));
      Expect.code(LEVEL_INVALID_VALUE, () -> hex.put("00", "0"));
      assertThat(Expect.keys(db.bytes())).isEmpty();
    });
    f.test("base64ValuesStandForTheirBytes", db -> {
      Level<String, String> b64 = db.with(Codecs.UTF8, Codecs.BASE64);
      b64.put("k", "AP8=");
      assertThat(db.bytes().get(utf8("k"))).isEqualTo(bytes(0x00, 0xff));
      db.bytes().put(utf8("j"), bytes(0xfb, 0xff));
      assertThat(b64.get("j")).isEqualTo("+/8=");
    });
    f.test("invalidBase64IsInvalidValue", db -> {
      Level<String, String> b64 = db.with(Codecs.UTF8, Codecs.BASE64);
      Expect.code(LEVEL_INVALID_VALUE, () -> b64.put("k", "not base64!"));
    });

    f.test("sortableLongKeysOrderNegativeBeforeZeroBeforePositive", db -> {
      Level<Long, String> nums = db.with(Codecs.SORTABLE_LONG, Codecs.UTF8);
      long[] values = {10, -1, 0, Long.MAX_VALUE, 9, Long.MIN_VALUE, -100, 1, 256};
      for (long v : values) {
        nums.put(v, Long.toString(v));
      }
      assertThat(Expect.keys(nums)).containsExactly(Long.MIN_VALUE, -100L, -1L, 0L, 1L, 9L,
          10L, 256L, Long.MAX_VALUE);
      assertThat(nums.get(-100L)).isEqualTo("-100");
    });
    f.test("sortableLongRangesAreNumeric", db -> {
      Level<Long, String> nums = db.sublevel("n", Codecs.SORTABLE_LONG, Codecs.UTF8);
      for (long v = -5; v <= 5; v++) {
        nums.put(v, "v");
      }
      assertThat(Expect.keys(nums, Range.<Long>all().gte(-2L).lt(3L)))
          .containsExactly(-2L, -1L, 0L, 1L, 2L);
      assertThat(Expect.keys(nums, Range.<Long>all().lt(0L).reverse().limit(2)))
          .containsExactly(-1L, -2L);
      nums.clear(Range.<Long>all().lt(0L));
      assertThat(Expect.keys(nums)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    });
    f.test("sortableLongValues", db -> {
      Level<String, Long> counts = db.with(Codecs.UTF8, Codecs.SORTABLE_LONG);
      counts.put("a", -42L);
      assertThat(counts.get("a")).isEqualTo(-42L);
      assertThat(db.bytes().get(utf8("a"))).hasSize(8);
    });
    f.test("sortableLongOfWrongLengthIsDecodeError", db -> {
      db.put("a", "abc");
      Level<String, Long> counts = db.with(Codecs.UTF8, Codecs.SORTABLE_LONG);
      Expect.code(LEVEL_DECODE_ERROR, () -> counts.get("a"));
    });

    f.test("userCodecRoundTripsAndOrders", db -> {
      Level<Integer, String> ints = db.sublevel("i", SORTABLE_INT, Codecs.UTF8);
      for (int v : new int[] {3, -7, 0, 100, -1}) {
        ints.put(v, "n" + v);
      }
      assertThat(Expect.keys(ints)).containsExactly(-7, -1, 0, 3, 100);
      assertThat(ints.get(-7)).isEqualTo("n-7");
      assertThat(Expect.keys(ints, Range.<Integer>all().gt(-1).lte(3))).containsExactly(0, 3);
    });
    f.test("userCodecThatCannotEncodeIsInvalidKeyOrValue", db -> {
      Codec<String> picky = new Codec<>() {
        @Override
        public String name() {
          return "picky";
        }

        @Override
        public byte[] encode(String value) {
          if (value.startsWith("bad")) {
            throw new IllegalArgumentException("no bad things");
          }
          return utf8(value);
        }

        @Override
        public String decode(byte[] bytes) {
          return new String(bytes, StandardCharsets.UTF_8);
        }
      };
      Level<String, String> level = db.with(picky, picky);
      Expect.code(LEVEL_INVALID_KEY, () -> level.put("bad key", "v"));
      Expect.code(LEVEL_INVALID_VALUE, () -> level.put("k", "bad value"));
      Expect.code(LEVEL_INVALID_KEY, () -> level.get("bad"));
      level.put("good", "fine");
      assertThat(level.get("good")).isEqualTo("fine");
    });
    f.test("userCodecReturningNullIsInvalidKeyOrValue", db -> {
      Codec<String> broken = new Codec<>() {
        @Override
        public String name() {
          return "broken";
        }

        @Override
        public byte[] encode(String value) {
          return null;
        }

        @Override
        public String decode(byte[] bytes) {
          return "";
        }
      };
      Expect.code(LEVEL_INVALID_KEY, () -> db.with(broken, Codecs.UTF8).put("k", "v"));
      Expect.code(LEVEL_INVALID_VALUE, () -> db.with(Codecs.UTF8, broken).put("k", "v"));
    });
    f.test("userCodecThatCannotDecodeIsDecodeError", db -> {
      Level<Integer, String> ints = db.with(SORTABLE_INT, Codecs.UTF8);
      db.put("not four bytes", "v");
      try (LevelIterator<Integer, Integer> it = ints.keys(Range.all())) {
        org.level4j.LevelException e = Expect.code(LEVEL_DECODE_ERROR, it::next);
        assertThat(e.getCause()).as("the codec's own exception").isNotNull();
        assertThat(e.getMessage()).contains("sortable-int");
      }
    });

    f.test("typedViewsShareTheSameData", db -> {
      Level<String, Long> counts = db.with(Codecs.UTF8, Codecs.SORTABLE_LONG);
      counts.put("n", 7L);
      Level<byte[], byte[]> raw = db.with(Codecs.BYTES, Codecs.BYTES);
      assertThat(raw.get(utf8("n"))).isEqualTo(Codecs.SORTABLE_LONG.encode(7L));
      raw.put(utf8("n"), Codecs.SORTABLE_LONG.encode(8L));
      assertThat(counts.get("n")).isEqualTo(8L);
      assertThat(db.bytes().get(utf8("n"))).isEqualTo(Codecs.SORTABLE_LONG.encode(8L));
    });
    f.test("typedViewReportsItsCodecsAndPrefix", db -> {
      Level<String, Long> counts = db.with(Codecs.HEX, Codecs.SORTABLE_LONG);
      assertThat(counts.keyCodec()).isSameAs(Codecs.HEX);
      assertThat(counts.valueCodec()).isSameAs(Codecs.SORTABLE_LONG);
      assertThat(counts.prefix()).isEmpty();
      assertThat(counts.database()).isSameAs(db);
    });
    f.test("typedViewOfASublevelKeepsThePrefix", db -> {
      Level<String, String> sub = db.sublevel("s");
      Level<byte[], byte[]> raw = sub.with(Codecs.BYTES, Codecs.BYTES);
      raw.put(utf8("k"), utf8("v"));
      assertThat(sub.get("k")).isEqualTo("v");
      assertThat(db.get("!s!k")).isEqualTo("v");
      assertThat(raw.prefix()).isEqualTo(utf8("!s!"));
    });
    f.test("typedViewsAreUsableInBatches", db -> {
      Level<String, Long> counts = db.with(Codecs.UTF8, Codecs.SORTABLE_LONG);
      counts.batch(List.of(org.level4j.Op.put("a", 1L), org.level4j.Op.put("b", 2L)));
      assertThat(counts.getMany(List.of("a", "b", "c"))).containsExactly(1L, 2L, null);
      assertThat(Arrays.asList(counts.hasMany(List.of("a", "c")).toArray()))
          .containsExactly(true, false);
    });
    return f.build();
  }
}
