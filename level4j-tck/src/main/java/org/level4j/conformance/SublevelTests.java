package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.level4j.ErrorCode.LEVEL_INVALID_ARGUMENT;
import static org.level4j.ErrorCode.LEVEL_INVALID_PREFIX;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DynamicContainer;
import org.level4j.Codecs;
import org.level4j.Entry;
import org.level4j.Level;
import org.level4j.LevelIterator;
import org.level4j.Op;
import org.level4j.Range;

/**
 * Sublevels: abstract-level's key layout ({@code !name!key}, nested {@code !a!!b!key}), isolation
 * of reads, iterators and clear, their own codecs, and name rules.
 */
final class SublevelTests {
  private SublevelTests() {}

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static DynamicContainer all(LevelFactory factory) {
    Feature f = new Feature("sublevel", factory);

    f.test("sublevelKeysAreStoredUnderBangNameBang", db -> {
      db.sublevel("users").put("alice", "1");
      assertThat(db.bytes().get(utf8("!users!alice"))).isEqualTo(utf8("1"));
      assertThat(Expect.keys(db)).containsExactly("!users!alice");
    });
    f.test("nestedSublevelKeysStackThePrefixes", db -> {
      db.sublevel("a").sublevel("b").put("key", "v");
      assertThat(db.bytes().get(utf8("!a!!b!key"))).isEqualTo(utf8("v"));
      assertThat(db.sublevel("a").get("!b!key")).isEqualTo("v");
    });
    f.test("prefixReportsTheStoredPrefix", db -> {
      assertThat(db.prefix()).isEmpty();
      assertThat(db.sublevel("a").prefix()).isEqualTo(utf8("!a!"));
      assertThat(db.sublevel("a").sublevel("b").prefix()).isEqualTo(utf8("!a!!b!"));
    });
    f.test("dataWrittenUnderThePrefixAtTheRootIsSeenByTheSublevel", db -> {
      db.put("!s!k", "from root");
      assertThat(db.sublevel("s").get("k")).isEqualTo("from root");
    });
    f.test("sublevelGetOfAbsentKeyIsNull", db -> {
      db.put("k", "root");
      assertThat(db.sublevel("s").get("k")).isNull();
      assertThat(db.sublevel("s").has("k")).isFalse();
    });
    f.test("sameNameGivesTheSameData", db -> {
      db.sublevel("s").put("k", "v");
      assertThat(db.sublevel("s").get("k")).isEqualTo("v");
    });
    f.test("sublevelReadsAndWritesAreIsolated", db -> {
      Level<String, String> a = db.sublevel("a");
      Level<String, String> b = db.sublevel("b");
      a.put("k", "in a");
      b.put("k", "in b");
      db.put("k", "in root");
      assertThat(a.get("k")).isEqualTo("in a");
      assertThat(b.get("k")).isEqualTo("in b");
      assertThat(db.get("k")).isEqualTo("in root");
      a.del("k");
      assertThat(b.get("k")).isEqualTo("in b");
      assertThat(db.get("k")).isEqualTo("in root");
    });
    f.test("sublevelGetManyAndHasMany", db -> {
      Level<String, String> s = db.sublevel("s");
      s.put("a", "1");
      db.put("b", "2");
      assertThat(s.getMany(List.of("a", "b"))).containsExactly("1", null);
      assertThat(s.hasMany(List.of("a", "b"))).containsExactly(true, false);
    });
    f.test("sublevelIteratorSeesOnlyItsOwnKeys", db -> {
      Level<String, String> a = db.sublevel("a");
      Expect.fill(db, "0", "a", "z", "~");
      Expect.fill(a, "x", "y");
      Expect.fill(db.sublevel("b"), "x");
      Expect.fill(db.sublevel("a").sublevel("n"), "x");
      assertThat(Expect.entries(a)).containsExactly("!n!x=vx", "x=vx", "y=vy");
    });
    f.test("sublevelReverseIteratorSeesOnlyItsOwnKeys", db -> {
      Level<String, String> a = db.sublevel("a");
      Expect.fill(a, "x", "y");
      Expect.fill(db.sublevel("b"), "x");
      Expect.fill(db, "!a\"", "!a!");
      assertThat(Expect.keys(a, Range.<String>all().reverse())).containsExactly("y", "x", "");
    });
    f.test("sublevelsWhoseNamesShareAPrefixAreIsolated", db -> {
      Level<String, String> a = db.sublevel("a");
      Level<String, String> ab = db.sublevel("ab");
      Expect.fill(a, "1");
      Expect.fill(ab, "2");
      assertThat(Expect.keys(a)).containsExactly("1");
      assertThat(Expect.keys(ab)).containsExactly("2");
      assertThat(Expect.keys(a, Range.<String>all().reverse())).containsExactly("1");
    });
    f.test("sublevelRangesUseItsOwnKeys", db -> {
      Level<String, String> s = db.sublevel("s");
      Expect.fill(s, "a", "b", "c", "d");
      Expect.fill(db, "b", "c");
      assertThat(Expect.keys(s, Range.<String>all().gt("a").lt("d"))).containsExactly("b", "c");
      assertThat(Expect.keys(s, Range.<String>all().lte("b").reverse())).containsExactly("b", "a");
      assertThat(Expect.keys(s, Range.<String>all().gte("c").limit(1))).containsExactly("c");
    });
    f.test("sublevelRangeBeyondItsKeysIsEmpty", db -> {
      Level<String, String> s = db.sublevel("s");
      Expect.fill(s, "a");
      Expect.fill(db.sublevel("t"), "a");
      assertThat(Expect.keys(s, Range.<String>all().gt("a"))).isEmpty();
      assertThat(Expect.keys(s, Range.<String>all().gt("a").reverse())).isEmpty();
    });
    f.test("sublevelWithItsOwnCodecs", db -> {
      Level<Long, String> events = db.sublevel("events", Codecs.SORTABLE_LONG, Codecs.UTF8);
      events.put(-1L, "before");
      events.put(2L, "after");
      assertThat(Expect.keys(events)).containsExactly(-1L, 2L);
      assertThat(events.keyCodec()).isSameAs(Codecs.SORTABLE_LONG);
      byte[] stored = db.bytes().keys(Range.all()).all().get(0);
      assertThat(new String(stored, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("!events!");
      assertThat(stored).hasSize(8 + 8);
    });
    f.test("sublevelInheritsTheCodecsOfItsParent", db -> {
      Level<String, Long> counts = db.with(Codecs.UTF8, Codecs.SORTABLE_LONG);
      Level<String, Long> sub = counts.sublevel("c");
      sub.put("n", 3L);
      assertThat(sub.valueCodec()).isSameAs(Codecs.SORTABLE_LONG);
      assertThat(db.bytes().get(utf8("!c!n"))).isEqualTo(Codecs.SORTABLE_LONG.encode(3L));
    });
    f.test("sublevelBatchStaysInsideIt", db -> {
      Level<String, String> s = db.sublevel("s");
      db.put("k", "root");
      s.batch(List.of(Op.put("k", "sub"), Op.del("x")));
      assertThat(db.get("k")).isEqualTo("root");
      assertThat(s.get("k")).isEqualTo("sub");
    });
    f.test("sublevelEmptyKeyIsItsPrefix", db -> {
      Level<String, String> s = db.sublevel("s");
      s.put("", "empty");
      assertThat(db.get("!s!")).isEqualTo("empty");
      assertThat(Expect.keys(s)).containsExactly("");
    });
    f.test("sublevelSharesTheDatabasesLifecycleAndSupports", db -> {
      Level<String, String> s = db.sublevel("s").sublevel("t");
      assertThat(s.database()).isSameAs(db);
      assertThat(s.status()).isEqualTo(db.status());
      assertThat(s.supports()).isEqualTo(db.supports());
    });
    f.test("sublevelIteratorEntriesCarrySublevelKeys", db -> {
      Level<String, String> s = db.sublevel("s");
      s.put("k", "v");
      try (LevelIterator<String, Entry<String, String>> it = s.iterator()) {
        assertThat(it.next()).isEqualTo(new Entry<>("k", "v"));
      }
    });
    f.test("sublevelOfABytesViewStoresRawKeysUnderThePrefix", db -> {
      Level<byte[], byte[]> raw = db.bytes().sublevel("r");
      raw.put(new byte[] {(byte) 0xff}, new byte[] {1});
      raw.put(new byte[] {0x00}, new byte[] {2});
      assertThat(db.bytes().get(new byte[] {'!', 'r', '!', (byte) 0xff})).containsExactly(1);
      try (LevelIterator<byte[], byte[]> it = raw.keys(Range.all())) {
        assertThat(it.all()).containsExactly(new byte[] {0x00}, new byte[] {(byte) 0xff});
      }
    });
    f.test("sublevelNamesMayUseHashToTildeAsInAbstractLevel", db -> {
      for (String name : new String[] {"#", "x-y_z", "~", "0", "UPPER", "a.b", ""}) {
        db.sublevel(name).put("k", name);
      }
      assertThat(db.sublevel("a.b").get("k")).isEqualTo("a.b");
      assertThat(db.get("!~!k")).isEqualTo("~");
      assertThat(db.get("!!k")).as("the empty name").isEqualTo("");
    });
    f.test("sublevelNameWithBangIsInvalidPrefix",
        db -> Expect.code(LEVEL_INVALID_PREFIX, () -> db.sublevel("a!b")));
    f.test("sublevelNameWithSpaceOrQuoteIsInvalidPrefix", db -> {
      Expect.code(LEVEL_INVALID_PREFIX, () -> db.sublevel("a b"));
      Expect.code(LEVEL_INVALID_PREFIX, () -> db.sublevel("\"quoted\""));
    });
    f.test("sublevelNameNullIsInvalidArgument",
        db -> Expect.code(LEVEL_INVALID_ARGUMENT, () -> db.sublevel(null)));
    f.test("sublevelNameWithNonAsciiIsInvalidPrefix",
        db -> Expect.code(LEVEL_INVALID_PREFIX, () -> db.sublevel("café")));
    f.test("sublevelNameWithControlCharacterIsInvalidPrefix", db -> {
      Expect.code(LEVEL_INVALID_PREFIX, () -> db.sublevel("a\nb"));
      Expect.code(LEVEL_INVALID_PREFIX, () -> db.sublevel("\u0000"));
      Expect.code(LEVEL_INVALID_PREFIX, () -> db.sublevel("del\u007f"));
    });
    f.test("invalidSublevelNameWritesNothing", db -> {
      Expect.code(LEVEL_INVALID_PREFIX, () -> db.sublevel("a b").put("k", "v"));
      assertThat(Expect.keys(db)).isEmpty();
    });
    f.test("sublevelWithNullCodecIsInvalidArgument", db -> {
      Expect.code(LEVEL_INVALID_ARGUMENT, () -> db.sublevel("s", null, Codecs.UTF8));
      Expect.code(LEVEL_INVALID_ARGUMENT, () -> db.with(Codecs.UTF8, null));
    });
    return f.build();
  }
}
