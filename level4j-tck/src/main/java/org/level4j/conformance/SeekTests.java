package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.level4j.ErrorCode.LEVEL_INVALID_KEY;
import static org.level4j.ErrorCode.LEVEL_NOT_SUPPORTED;

import java.util.List;
import org.junit.jupiter.api.DynamicContainer;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.Level;
import org.level4j.LevelIterator;
import org.level4j.Range;
import org.level4j.Supports;

/**
 * {@link LevelIterator#seek}: forward and reverse, inside and outside the range, in sublevels,
 * after exhaustion. Where {@link Supports#seek()} is false, every case checks that seek throws
 * {@code LEVEL_NOT_SUPPORTED} instead.
 *
 * <p>A target outside the range, on either side and in either direction, leaves the iterator
 * exhausted until the next seek, as abstract-level documents (its README on
 * {@code iterator.seek()}) and tests: the table in {@link #respectsRange} is abstract-level 1.x's
 * own ({@code test/iterator-seek-test.js}), run for entries, keys and values.
 */
final class SeekTests {
  private SeekTests() {}

  private static final String[] TEN = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

  static DynamicContainer all(LevelFactory factory) {
    Feature f = new Feature("seek", factory);

    seek(f, "seekMovesToTheTargetKey", db -> {
      Expect.fill(db, "one", "three", "two");
      try (LevelIterator<String, Entry<String, String>> it = db.iterator()) {
        it.seek("three");
        assertThat(it.next()).isEqualTo(new Entry<>("three", "vthree"));
        assertThat(it.next()).isEqualTo(new Entry<>("two", "vtwo"));
        assertThat(it.next()).isNull();
      }
    });
    seek(f, "seekBetweenKeysMovesToTheNextKey", db -> {
      Expect.fill(db, "a", "c", "e");
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        it.seek("b");
        assertThat(it.next()).isEqualTo("c");
      }
    });
    seek(f, "seekOnReverseMovesToTheLastKeyAtOrBeforeTarget", db -> {
      Expect.fill(db, "one", "three", "two");
      try (LevelIterator<String, String> it = db.keys(Range.<String>all().reverse())) {
        it.seek("three!");
        assertThat(it.next()).isEqualTo("three");
        assertThat(it.next()).isEqualTo("one");
        assertThat(it.next()).isNull();
      }
    });
    seek(f, "seekOnReverseToAnExistingKeyIncludesIt", db -> {
      Expect.fill(db, "a", "b", "c");
      try (LevelIterator<String, String> it = db.keys(Range.<String>all().reverse())) {
        it.seek("b");
        assertThat(it.all()).containsExactly("b", "a");
      }
    });
    seek(f, "seekBeyondTheLastKeyExhaustsTheIterator", db -> {
      Expect.fill(db, "a", "b");
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        it.seek("zzz");
        assertThat(it.next()).isNull();
      }
    });
    seek(f, "seekOnReverseBeyondTheLastKeyYieldsTheLastKey", db -> {
      Expect.fill(db, "a", "b");
      try (LevelIterator<String, String> it = db.keys(Range.<String>all().reverse())) {
        it.seek("zzz");
        assertThat(it.all()).containsExactly("b", "a");
      }
    });
    seek(f, "seekBeforeTheFirstKeyYieldsEverything", db -> {
      Expect.fill(db, "b", "c");
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        it.seek("a");
        assertThat(it.all()).containsExactly("b", "c");
      }
    });
    seek(f, "seekOnReverseBeforeTheFirstKeyExhaustsTheIterator", db -> {
      Expect.fill(db, "b", "c");
      try (LevelIterator<String, String> it = db.keys(Range.<String>all().reverse())) {
        it.seek("a");
        assertThat(it.next()).isNull();
      }
    });
    seek(f, "seekToTheEmptyKeyStartsFromTheBeginning", db -> {
      Expect.fill(db, "a", "b");
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        it.next();
        it.next();
        it.seek("");
        assertThat(it.all()).containsExactly("a", "b");
      }
    });
    seek(f, "seekBackwardsRevisitsKeys", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        assertThat(it.nextv(6)).hasSize(6);
        it.seek("2");
        assertThat(it.nextv(2)).containsExactly("2", "3");
      }
    });
    seek(f, "seekForwardSkipsKeys", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        it.next();
        it.seek("7");
        assertThat(it.all()).containsExactly("7", "8", "9");
      }
    });
    seek(f, "seekAfterExhaustionRestartsTheIterator", db -> {
      Expect.fill(db, "a", "b", "c");
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        assertThat(it.nextv(10)).hasSize(3);
        assertThat(it.next()).isNull();
        it.seek("b");
        assertThat(it.next()).isEqualTo("b");
        assertThat(it.next()).isEqualTo("c");
        assertThat(it.next()).isNull();
      }
    });
    seek(f, "seekOnReverseAfterExhaustionRestartsTheIterator", db -> {
      Expect.fill(db, "a", "b", "c");
      try (LevelIterator<String, String> it = db.keys(Range.<String>all().reverse())) {
        assertThat(it.nextv(10)).containsExactly("c", "b", "a");
        it.seek("b");
        assertThat(it.nextv(10)).containsExactly("b", "a");
      }
    });
    seek(f, "theLastOfSeveralSeeksWins", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        it.seek("8");
        it.seek("3");
        assertThat(it.next()).isEqualTo("3");
      }
    });
    seek(f, "seekKeepsCountingTheLimit", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, String> it = db.keys(Range.<String>all().limit(3))) {
        assertThat(it.next()).isEqualTo("0");
        it.seek("5");
        assertThat(it.nextv(10)).containsExactly("5", "6");
        it.seek("0");
        assertThat(it.next()).isNull();
        assertThat(it.count()).isEqualTo(3);
      }
    });
    seek(f, "seekOnReverseWithLimit", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, String> it = db.keys(Range.<String>all().reverse().limit(1))) {
        it.seek("4x");
        assertThat(it.all()).containsExactly("4");
      }
    });
    seek(f, "seekWorksOnValuesIterators", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, String> it = db.values(Range.all())) {
        it.seek("8");
        assertThat(it.all()).containsExactly("v8", "v9");
      }
    });
    seek(f, "seekThenNextvReadsBatchesFromTheTarget", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, Entry<String, String>> it = db.iterator()) {
        it.seek("4");
        assertThat(it.nextv(3)).extracting(Entry::key).containsExactly("4", "5", "6");
      }
    });
    seek(f, "seekWithNullTargetIsInvalidKey", db -> {
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        Expect.code(LEVEL_INVALID_KEY, () -> it.seek(null));
      }
    });
    seek(f, "seekComparesBytesUnsigned", db -> {
      Level<byte[], byte[]> raw = db.bytes();
      for (int b : new int[] {0x00, 0x7f, 0x80, 0xff}) {
        raw.put(new byte[] {(byte) b}, new byte[] {(byte) b});
      }
      try (LevelIterator<byte[], byte[]> it = raw.keys(Range.all())) {
        it.seek(new byte[] {(byte) 0x80});
        assertThat(it.next()).containsExactly(0x80);
        it.seek(new byte[] {(byte) 0x81});
        assertThat(it.next()).containsExactly(0xff);
      }
      try (LevelIterator<byte[], byte[]> it = raw.keys(Range.<byte[]>all().reverse())) {
        it.seek(new byte[] {(byte) 0x7f, (byte) 0x80});
        assertThat(it.next()).containsExactly(0x7f);
        it.seek(new byte[] {(byte) 0xff, 0});
        assertThat(it.next()).containsExactly(0xff);
      }
    });
    seek(f, "seekInsideASublevelUsesItsKeys", db -> {
      Level<String, String> sub = db.sublevel("s");
      Expect.fill(db, "a", "z");
      Expect.fill(sub, "b", "c", "d");
      try (LevelIterator<String, String> it = sub.keys(Range.all())) {
        it.seek("c");
        assertThat(it.all()).containsExactly("c", "d");
      }
    });
    seek(f, "seekBeyondASublevelsEndDoesNotLeakIntoTheNext", db -> {
      Level<String, String> a = db.sublevel("a");
      Level<String, String> b = db.sublevel("b");
      Expect.fill(a, "x", "y");
      Expect.fill(b, "z");
      Expect.fill(db, "zzz");
      try (LevelIterator<String, String> it = a.keys(Range.all())) {
        it.seek("yy");
        assertThat(it.next()).isNull();
      }
      try (LevelIterator<String, String> it = a.keys(Range.all())) {
        it.seek("\u007f");
        assertThat(it.next()).isNull();
      }
    });
    seek(f, "seekOnReverseInASublevelStaysInsideIt", db -> {
      Level<String, String> a = db.sublevel("a");
      Level<String, String> b = db.sublevel("b");
      Expect.fill(a, "x", "y");
      Expect.fill(b, "a", "b");
      Expect.fill(db, "0");
      try (LevelIterator<String, String> it = a.keys(Range.<String>all().reverse())) {
        it.seek("zzz");
        assertThat(it.all()).containsExactly("y", "x");
      }
      try (LevelIterator<String, String> it = b.keys(Range.<String>all().reverse())) {
        it.seek("");
        assertThat(it.next()).isNull();
      }
    });
    seek(f, "seekInANestedSublevel", db -> {
      Level<String, String> inner = db.sublevel("a").sublevel("b");
      Expect.fill(inner, "1", "2", "3");
      Expect.fill(db.sublevel("a"), "9");
      try (LevelIterator<String, String> it = inner.keys(Range.all())) {
        it.seek("2");
        assertThat(it.all()).containsExactly("2", "3");
      }
    });
    seek(f, "seekKeepsTheIteratorsImplicitSnapshot", db -> {
      Expect.fill(db, "a", "c", "e");
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        db.put("d", "new");
        db.del("e");
        it.seek("c");
        List<String> rest = it.all();
        if (db.supports().implicitSnapshots()) {
          assertThat(rest).containsExactly("c", "e");
        } else {
          assertThat(rest).startsWith("c");
        }
      }
    });

    seek(f, "seekOutsideTheRangeExhaustsTheIteratorUntilTheNextSeek", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, String> it = db.keys(Range.<String>all().gt("5"))) {
        assertThat(it.next()).isEqualTo("6");
        it.seek("4");
        assertThat(it.next()).isNull();
        assertThat(it.nextv(10)).isEmpty();
        assertThat(it.next()).isNull();
        it.seek("8");
        assertThat(it.all()).containsExactly("8", "9");
      }
    });
    seek(f, "seekOnReverseAboveTheRangeExhaustsTheIteratorUntilTheNextSeek", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, String> it = db.keys(Range.<String>all().lt("5").reverse())) {
        it.seek("7");
        assertThat(it.next()).isNull();
        it.seek("2");
        assertThat(it.all()).containsExactly("2", "1", "0");
      }
    });
    seek(f, "seekPastTheFarEndOfTheRangeExhaustsTheIterator", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, String> it = db.keys(Range.<String>all().gte("3").lte("6"))) {
        it.seek("7");
        assertThat(it.next()).isNull();
      }
      try (LevelIterator<String, String> it =
          db.keys(Range.<String>all().gte("3").lte("6").reverse())) {
        it.seek("2");
        assertThat(it.next()).isNull();
        it.seek("4");
        assertThat(it.all()).containsExactly("4", "3");
      }
    });
    seek(f, "seekOutsideTheRangeLeavesAsyncReadsEmptyToo", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, Entry<String, String>> it =
          db.iterator(Range.<String>all().gte("5"))) {
        it.seek("1");
        assertThat(Expect.done(it.nextAsync())).isNull();
        assertThat(Expect.done(it.nextvAsync(10))).isEmpty();
        it.seek("9");
        assertThat(Expect.done(it.nextvAsync(10))).containsExactly(new Entry<>("9", "v9"));
      }
    });
    seek(f, "seekOutsideTheRangeYieldsNothingAndKeepsTheCount", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, String> it = db.values(Range.<String>all().gt("5").limit(2))) {
        assertThat(it.next()).isEqualTo("v6");
        it.seek("5");
        assertThat(it.next()).isNull();
        assertThat(it.count()).isEqualTo(1);
        it.seek("8");
        assertThat(it.all()).containsExactly("v8");
        assertThat(it.count()).isEqualTo(2);
      }
    });
    seek(f, "seekOnAnEmptyRangeYieldsNothingWhateverTheTarget", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, String> it = db.keys(Range.<String>all().gt("5").lt("5"))) {
        for (String target : new String[] {"", "4", "5", "6"}) {
          it.seek(target);
          assertThat(it.next()).as("after seek(%s)", target).isNull();
        }
      }
    });
    seek(f, "seekOutsideTheRangeOfASublevelExhaustsTheIterator", db -> {
      Level<String, String> sub = db.sublevel("s");
      Expect.fill(sub, TEN);
      Expect.fill(db, TEN);
      try (LevelIterator<String, String> it = sub.keys(Range.<String>all().gte("3").lt("6"))) {
        it.seek("2");
        assertThat(it.next()).isNull();
        it.seek("6");
        assertThat(it.next()).isNull();
        it.seek("4");
        assertThat(it.all()).containsExactly("4", "5");
      }
    });

    respectsRange(f.group("seekRespectsTheRange"));
    return f.build();
  }

  /**
   * abstract-level's table: range, target, the first key yielded after seek (null: none). Its
   * rows with both {@code gte} and {@code gt} (or {@code lte} and {@code lt}), where the inclusive
   * one wins, have no {@link Range} of their own (setting one drops the other), so they are the
   * {@code gte}/{@code lte} rows here; the wire's decoder gives many-level guests the same
   * precedence, and abstract-level's own suite checks it through a level4j host.
   */
  private static void respectsRange(Feature f) {
    Range<String> all = Range.all();
    row(f, all.gt("5"), "4", null);
    row(f, all.gt("5"), "5", null);
    row(f, all.gt("5"), "6", "6");
    row(f, all.gte("5"), "4", null);
    row(f, all.gte("5"), "5", "5");
    row(f, all.gte("5"), "6", "6");
    row(f, all.lt("5"), "4", "4");
    row(f, all.lt("5"), "5", null);
    row(f, all.lt("5"), "6", null);
    row(f, all.lte("5"), "4", "4");
    row(f, all.lte("5"), "5", "5");
    row(f, all.lte("5"), "6", null);
    row(f, all.lt("5").reverse(), "4", "4");
    row(f, all.lt("5").reverse(), "5", null);
    row(f, all.lt("5").reverse(), "6", null);
    row(f, all.lte("5").reverse(), "4", "4");
    row(f, all.lte("5").reverse(), "5", "5");
    row(f, all.lte("5").reverse(), "6", null);
    row(f, all.gt("5").reverse(), "4", null);
    row(f, all.gt("5").reverse(), "5", null);
    row(f, all.gt("5").reverse(), "6", "6");
    row(f, all.gte("5").reverse(), "4", null);
    row(f, all.gte("5").reverse(), "5", "5");
    row(f, all.gte("5").reverse(), "6", "6");
    row(f, all.gt("7").lt("8"), "7", null);
    row(f, all.gte("7").lt("8"), "7", "7");
    row(f, all.gte("7").lt("8"), "8", null);
    row(f, all.gt("7").lte("8"), "8", "8");
    // Beyond abstract-level's table: both bounds, reverse.
    row(f, all.gt("7").lte("8"), "7", null);
    row(f, all.gt("7").lte("8").reverse(), "7", null);
    row(f, all.gt("7").lte("8").reverse(), "9", null);
    row(f, all.gt("7").lte("8").reverse(), "8", "8");
  }

  /** One row, checked on an entries, a keys and a values iterator of the same database. */
  private static void row(Feature f, Range<String> range, String target, String first) {
    seek(f, "seek(" + target + ") on " + range + " yields " + first, db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, Entry<String, String>> it = db.iterator(range)) {
        it.seek(target);
        assertThat(it.next()).as("iterator").isEqualTo(first == null ? null
            : new Entry<>(first, "v" + first));
      }
      try (LevelIterator<String, String> it = db.keys(range)) {
        it.seek(target);
        assertThat(it.next()).as("keys").isEqualTo(first);
      }
      try (LevelIterator<String, String> it = db.values(range)) {
        it.seek(target);
        assertThat(it.next()).as("values").isEqualTo(first == null ? null : "v" + first);
      }
    });
  }

  private static void seek(Feature f, String name, Feature.Body body) {
    f.test(name, Supports::seek, SeekTests::refusesSeek, body);
  }

  private static void refusesSeek(Database db) {
    db.put("a", "1");
    try (LevelIterator<String, String> it = db.keys(Range.all())) {
      Expect.code(LEVEL_NOT_SUPPORTED, () -> it.seek("a"));
    }
  }
}
