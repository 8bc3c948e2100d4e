package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.level4j.ErrorCode.LEVEL_INVALID_ARGUMENT;
import static org.level4j.ErrorCode.LEVEL_ITERATOR_NOT_OPEN;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.level4j.Codecs;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.LevelIterator;
import org.level4j.Range;

/** Iterators: order, limits, keys and values only, nextv, all, the Java adapters, closing. */
final class IteratorTests {
  private IteratorTests() {}

  private static final String[] TEN = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};

  static DynamicContainer all(LevelFactory factory) {
    Feature f = new Feature("iterator", factory);

    f.test("iteratorOfEmptyDatabaseEndsAtOnce", db -> {
      try (LevelIterator<String, Entry<String, String>> it = db.iterator()) {
        assertThat(it.next()).isNull();
        assertThat(it.nextv(10)).isEmpty();
      }
    });
    f.test("iteratorYieldsEntriesInKeyOrderWhateverTheInsertionOrder", db -> {
      Expect.fill(db, "c", "a", "d", "b");
      try (LevelIterator<String, Entry<String, String>> it = db.iterator()) {
        assertThat(it.next()).isEqualTo(new Entry<>("a", "va"));
        assertThat(it.next()).isEqualTo(new Entry<>("b", "vb"));
        assertThat(it.next()).isEqualTo(new Entry<>("c", "vc"));
        assertThat(it.next()).isEqualTo(new Entry<>("d", "vd"));
        assertThat(it.next()).isNull();
      }
    });
    f.test("keysAreOrderedByTheirBytesNotNumerically", db -> {
      Expect.fill(db, "10", "9", "1", "100", "2");
      assertThat(Expect.keys(db)).containsExactly("1", "10", "100", "2", "9");
    });
    f.test("reverseIteratorYieldsKeysDescending", db -> {
      Expect.fill(db, TEN);
      assertThat(Expect.keys(db, Range.<String>all().reverse()))
          .containsExactly("j", "i", "h", "g", "f", "e", "d", "c", "b", "a");
    });
    f.test("nextKeepsReturningNullAfterTheEnd", db -> {
      Expect.fill(db, "a");
      try (LevelIterator<String, Entry<String, String>> it = db.iterator()) {
        assertThat(it.next()).isNotNull();
        assertThat(it.next()).isNull();
        assertThat(it.next()).isNull();
        assertThat(it.nextv(5)).isEmpty();
      }
    });
    f.test("limitStopsAfterThatManyEntries", db -> {
      Expect.fill(db, TEN);
      assertThat(Expect.keys(db, Range.<String>all().limit(3))).containsExactly("a", "b", "c");
    });
    f.test("limitZeroYieldsNothing", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, Entry<String, String>> it = db.iterator(Range.<String>all().limit(0))) {
        assertThat(it.next()).isNull();
        assertThat(it.nextv(3)).isEmpty();
      }
    });
    f.test("negativeLimitMeansNoLimit", db -> {
      Expect.fill(db, TEN);
      assertThat(Expect.keys(db, Range.<String>all().limit(-1))).hasSize(10);
      assertThat(Expect.keys(db, Range.<String>all().limit(-7))).hasSize(10);
    });
    f.test("limitLargerThanTheDataYieldsEverything", db -> {
      Expect.fill(db, TEN);
      assertThat(Expect.keys(db, Range.<String>all().limit(1000))).hasSize(10);
    });
    f.test("reverseWithLimitYieldsTheHighestKeys", db -> {
      Expect.fill(db, TEN);
      assertThat(Expect.keys(db, Range.<String>all().reverse().limit(3)))
          .containsExactly("j", "i", "h");
    });
    f.test("limitCountsOnlyEntriesInsideTheRange", db -> {
      Expect.fill(db, TEN);
      assertThat(Expect.keys(db, Range.<String>all().gt("c").lte("h").reverse().limit(2)))
          .containsExactly("h", "g");
    });
    f.test("keysOnlyIteratorYieldsKeys", db -> {
      Expect.fill(db, "a", "b");
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        assertThat(it.next()).isEqualTo("a");
        assertThat(it.next()).isEqualTo("b");
        assertThat(it.next()).isNull();
      }
    });
    f.test("valuesOnlyIteratorYieldsValuesInKeyOrder", db -> {
      db.put("b", "second");
      db.put("a", "first");
      assertThat(Expect.values(db, Range.all())).containsExactly("first", "second");
    });
    f.test("keysOnlyIteratorRespectsRangeReverseAndLimit", db -> {
      Expect.fill(db, TEN);
      assertThat(Expect.keys(db, Range.<String>all().gte("c").lt("h").reverse().limit(4)))
          .containsExactly("g", "f", "e", "d");
    });
    f.test("valuesOnlyIteratorRespectsRangeReverseAndLimit", db -> {
      Expect.fill(db, TEN);
      assertThat(Expect.values(db, Range.<String>all().gt("c").lte("h").reverse().limit(2)))
          .containsExactly("vh", "vg");
    });
    f.test("valuesIteratorYieldsEmptyValuesAsEmptyStrings", db -> {
      db.put("a", "");
      db.put("b", "x");
      assertThat(Expect.values(db, Range.all())).containsExactly("", "x");
    });
    f.test("nextvReturnsBatchesOfAtMostTheAskedSize", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        assertThat(it.nextv(3)).containsExactly("a", "b", "c");
        assertThat(it.nextv(3)).containsExactly("d", "e", "f");
        assertThat(it.nextv(3)).containsExactly("g", "h", "i");
        assertThat(it.nextv(3)).containsExactly("j");
        assertThat(it.nextv(3)).isEmpty();
      }
    });
    f.test("nextvOfOneYieldsOneAtATime", db -> {
      Expect.fill(db, "a", "b");
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        assertThat(it.nextv(1)).containsExactly("a");
        assertThat(it.nextv(1)).containsExactly("b");
        assertThat(it.nextv(1)).isEmpty();
      }
    });
    f.test("nextvLargerThanTheRestReturnsTheRest", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        it.nextv(8);
        assertThat(it.nextv(1000)).containsExactly("i", "j");
      }
    });
    f.test("nextvRespectsTheLimit", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, String> it = db.keys(Range.<String>all().limit(5))) {
        assertThat(it.nextv(3)).containsExactly("a", "b", "c");
        assertThat(it.nextv(3)).containsExactly("d", "e");
        assertThat(it.nextv(3)).isEmpty();
        assertThat(it.next()).isNull();
      }
    });
    f.test("nextvInReverseWithLimit", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, Entry<String, String>> it =
          db.iterator(Range.<String>all().reverse().limit(4))) {
        assertThat(it.nextv(3)).extracting(Entry::key).containsExactly("j", "i", "h");
        assertThat(it.nextv(3)).extracting(Entry::key).containsExactly("g");
      }
    });
    f.test("nextvOfZeroOrLessReadsOneAsInAbstractLevel", db -> {
      Expect.fill(db, "a", "b", "c");
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        assertThat(it.nextv(0)).containsExactly("a");
        assertThat(it.nextv(-1)).containsExactly("b");
        assertThat(it.nextvAsync(0).join()).containsExactly("c");
        assertThat(it.nextv(0)).isEmpty();
      }
    });
    f.test("mixingNextAndNextvContinuesWhereTheOtherStopped", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        assertThat(it.next()).isEqualTo("a");
        assertThat(it.nextv(2)).containsExactly("b", "c");
        assertThat(it.next()).isEqualTo("d");
        assertThat(it.all()).containsExactly("e", "f", "g", "h", "i", "j");
      }
    });
    f.test("allReturnsEveryEntryAndClosesTheIterator", db -> {
      Expect.fill(db, "a", "b", "c");
      LevelIterator<String, Entry<String, String>> it = db.iterator();
      assertThat(it.all()).extracting(Entry::key).containsExactly("a", "b", "c");
      Expect.code(LEVEL_ITERATOR_NOT_OPEN, it::next);
      it.close();
    });
    f.test("allOfAnEmptyRangeIsEmpty", db -> {
      Expect.fill(db, "a");
      assertThat(db.iterator(Range.<String>all().gt("z")).all()).isEmpty();
    });
    f.test("allRespectsTheLimitAndWhatWasAlreadyRead", db -> {
      Expect.fill(db, TEN);
      LevelIterator<String, String> it = db.keys(Range.<String>all().limit(6));
      it.nextv(2);
      assertThat(it.all()).containsExactly("c", "d", "e", "f");
    });
    f.test("countTracksItemsHandedOut", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        assertThat(it.count()).isZero();
        it.next();
        assertThat(it.count()).isEqualTo(1);
        it.nextv(4);
        assertThat(it.count()).isEqualTo(5);
        it.nextv(100);
        assertThat(it.count()).isEqualTo(10);
        it.next();
        assertThat(it.count()).isEqualTo(10);
      }
    });
    f.test("iteratorOverThousandsOfEntriesYieldsThemAll", db -> {
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 1500; i++) {
        String k = String.format("%05d", i);
        expected.add(k);
      }
      List<org.level4j.Op<String, String>> ops = new ArrayList<>();
      for (String k : expected) {
        ops.add(org.level4j.Op.put(k, k));
      }
      db.batch(ops);
      assertThat(Expect.keys(db)).containsExactlyElementsOf(expected);
      List<String> reversed = new ArrayList<>(expected);
      java.util.Collections.reverse(reversed);
      assertThat(Expect.keys(db, Range.<String>all().reverse())).containsExactlyElementsOf(reversed);
    });
    f.test("manyIteratorsMayBeOpenAtOnce", db -> {
      Expect.fill(db, TEN);
      List<LevelIterator<String, String>> its = new ArrayList<>();
      try {
        for (int i = 0; i < 50; i++) {
          its.add(db.keys(Range.<String>all().reverse(i % 2 == 1)));
        }
        for (int round = 0; round < 10; round++) {
          for (int i = 0; i < its.size(); i++) {
            assertThat(its.get(i).next()).isEqualTo(TEN[i % 2 == 1 ? 9 - round : round]);
          }
        }
      } finally {
        its.forEach(LevelIterator::close);
      }
    });

    f.test("javaIteratorAdapterWorksInForEach", db -> {
      Expect.fill(db, "a", "b", "c");
      List<String> seen = new ArrayList<>();
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        for (String k : it) {
          seen.add(k);
        }
      }
      assertThat(seen).containsExactly("a", "b", "c");
    });
    f.test("javaIteratorAdapterThrowsNoSuchElementAtTheEnd", db -> {
      Expect.fill(db, "a");
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        Iterator<String> java = it.iterator();
        assertThat(java.hasNext()).isTrue();
        assertThat(java.hasNext()).isTrue();
        assertThat(java.next()).isEqualTo("a");
        assertThat(java.hasNext()).isFalse();
        assertThatThrownBy(java::next).isInstanceOf(NoSuchElementException.class);
      }
    });
    f.test("javaIteratorAdapterContinuesAfterNext", db -> {
      Expect.fill(db, "a", "b", "c");
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        it.next();
        List<String> rest = new ArrayList<>();
        it.iterator().forEachRemaining(rest::add);
        assertThat(rest).containsExactly("b", "c");
      }
    });
    f.test("streamAdapterYieldsTheRemainingItems", db -> {
      Expect.fill(db, TEN);
      LevelIterator<String, Entry<String, String>> it = db.iterator(Range.<String>all().lt("e"));
      it.next();
      try (Stream<Entry<String, String>> s = it.stream()) {
        assertThat(s.map(Entry::value).collect(Collectors.toList()))
            .containsExactly("vb", "vc", "vd");
      }
    });
    f.test("closingTheStreamClosesTheIterator", db -> {
      Expect.fill(db, TEN);
      LevelIterator<String, String> it = db.keys(Range.all());
      try (Stream<String> s = it.stream()) {
        assertThat(s.limit(2).collect(Collectors.toList())).containsExactly("a", "b");
      }
      Expect.code(LEVEL_ITERATOR_NOT_OPEN, it::next);
    });
    f.test("streamOfAnEmptyRangeIsEmpty", db -> {
      try (Stream<String> s = db.keys(Range.all()).stream()) {
        assertThat(s.count()).isZero();
      }
    });

    f.test("closeTwiceIsHarmless", db -> {
      Expect.fill(db, "a");
      LevelIterator<String, Entry<String, String>> it = db.iterator();
      it.close();
      it.close();
      Expect.code(LEVEL_ITERATOR_NOT_OPEN, it::next);
      try (LevelIterator<String, Entry<String, String>> again = db.iterator()) {
        assertThat(again.next()).isEqualTo(new Entry<>("a", "va"));
      }
    });
    f.test("nextAfterCloseIsIteratorNotOpen", db -> {
      Expect.fill(db, "a");
      LevelIterator<String, Entry<String, String>> it = db.iterator();
      it.close();
      Expect.code(LEVEL_ITERATOR_NOT_OPEN, it::next);
    });
    f.test("nextvAfterCloseIsIteratorNotOpen", db -> {
      Expect.fill(db, "a");
      LevelIterator<String, String> it = db.keys(Range.all());
      it.close();
      Expect.code(LEVEL_ITERATOR_NOT_OPEN, () -> it.nextv(5));
    });
    f.test("allAfterCloseIsIteratorNotOpen", db -> {
      LevelIterator<String, String> it = db.values(Range.all());
      it.close();
      Expect.code(LEVEL_ITERATOR_NOT_OPEN, it::all);
    });
    f.test("nextAfterCloseMidwayIsIteratorNotOpen", db -> {
      Expect.fill(db, TEN);
      LevelIterator<String, String> it = db.keys(Range.all());
      it.nextv(3);
      it.close();
      Expect.code(LEVEL_ITERATOR_NOT_OPEN, it::next);
    });
    f.test("nextAsyncAfterCloseIsAFailedFuture", db -> {
      LevelIterator<String, String> it = db.keys(Range.all());
      it.close();
      Expect.failed(LEVEL_ITERATOR_NOT_OPEN, it.nextAsync());
      Expect.failed(LEVEL_ITERATOR_NOT_OPEN, it.nextvAsync(3));
    });
    f.test("nextAsyncYieldsEntriesThenNull", db -> {
      Expect.fill(db, "a", "b");
      try (LevelIterator<String, Entry<String, String>> it = db.iterator()) {
        assertThat(Expect.done(it.nextAsync())).isEqualTo(new Entry<>("a", "va"));
        assertThat(Expect.done(it.nextAsync())).isEqualTo(new Entry<>("b", "vb"));
        assertThat(Expect.done(it.nextAsync())).isNull();
      }
    });
    f.test("nextvAsyncYieldsBatches", db -> {
      Expect.fill(db, TEN);
      try (LevelIterator<String, String> it = db.keys(Range.<String>all().limit(7))) {
        assertThat(Expect.done(it.nextvAsync(4))).containsExactly("a", "b", "c", "d");
        assertThat(Expect.done(it.nextvAsync(4))).containsExactly("e", "f", "g");
        assertThat(Expect.done(it.nextvAsync(4))).isEmpty();
      }
    });

    f.test("iteratorWithNullRangeIsInvalidArgument",
        db -> Expect.code(LEVEL_INVALID_ARGUMENT, () -> db.iterator(null)));
    f.test("keysWithNullRangeIsInvalidArgument",
        db -> Expect.code(LEVEL_INVALID_ARGUMENT, () -> db.keys(null)));
    f.test("rangeBoundNullIsInvalidArgument", db -> {
      Expect.code(LEVEL_INVALID_ARGUMENT, () -> Range.<String>all().gt(null));
      Expect.code(LEVEL_INVALID_ARGUMENT, () -> Range.<String>all().gte(null));
      Expect.code(LEVEL_INVALID_ARGUMENT, () -> Range.<String>all().lt(null));
      Expect.code(LEVEL_INVALID_ARGUMENT, () -> Range.<String>all().lte(null));
    });
    f.test("rangeBoundItsCodecCannotEncodeIsInvalidArgument", db -> {
      Expect.code(LEVEL_INVALID_ARGUMENT,
          () -> db.with(Codecs.HEX, Codecs.UTF8).iterator(Range.<String>all().gte("zz")));
    });
    f.test("iteratorSeesEveryKindOfWriteMadeBeforeIt", db -> {
      db.put("a", "1");
      db.batch(List.of(org.level4j.Op.put("b", "2"), org.level4j.Op.put("c", "3")));
      db.batch().put("d", "4").write();
      db.del("c");
      assertThat(Expect.entries(db)).containsExactly("a=1", "b=2", "d=4");
    });
    f.test("iteratorOfAWholeDatabaseIncludesSublevelEntries", IteratorTests::rootSeesSublevels);
    return f.build();
  }

  private static void rootSeesSublevels(Database db) {
    db.put("a", "1");
    db.sublevel("s").put("k", "2");
    assertThat(Expect.keys(db)).containsExactly("!s!k", "a");
  }
}
