package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.level4j.ErrorCode.LEVEL_INVALID_ARGUMENT;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DynamicContainer;
import org.level4j.Database;
import org.level4j.Level;
import org.level4j.LevelIterator;
import org.level4j.Range;

/** clear(): everything, bounded ranges, limits and reverse, sublevels, and open iterators. */
final class ClearTests {
  private ClearTests() {}

  static DynamicContainer all(LevelFactory factory) {
    Feature f = new Feature("clear", factory);

    f.test("clearRemovesEverything", db -> {
      Expect.fill(db, RangeTests.DATA);
      db.clear();
      assertThat(Expect.keys(db)).isEmpty();
    });
    f.test("clearOfAnEmptyDatabaseIsFine", db -> {
      db.clear();
      db.clear(Range.<String>all().gt("a"));
      assertThat(Expect.keys(db)).isEmpty();
    });
    String[] abcd = {"a", "b", "c", "d"};
    String[] abcde = {"a", "b", "c", "d", "e"};
    clearLeaves(f, "clearWithGtKeepsTheBoundAndBelow", abcd,
        Range.<String>all().gt("b"), "a", "b");
    clearLeaves(f, "clearWithGteRemovesTheBound", abcd,
        Range.<String>all().gte("b"), "a");
    clearLeaves(f, "clearWithLtKeepsTheBoundAndAbove", abcd,
        Range.<String>all().lt("c"), "c", "d");
    clearLeaves(f, "clearWithLteRemovesTheBound", abcd,
        Range.<String>all().lte("c"), "d");
    clearLeaves(f, "clearBetweenTwoBounds", abcde,
        Range.<String>all().gt("a").lte("d"), "a", "e");
    clearLeaves(f, "clearWithLimitRemovesTheFirstEntries", abcde,
        Range.<String>all().limit(2), "c", "d", "e");
    clearLeaves(f, "clearInReverseWithLimitRemovesTheLastEntries", abcde,
        Range.<String>all().reverse().limit(2), "a", "b", "c");
    clearLeaves(f, "clearInReverseWithBoundsAndLimit", abcde,
        Range.<String>all().lt("e").reverse().limit(2), "a", "b", "e");
    clearLeaves(f, "clearWithLimitZeroRemovesNothing", new String[] {"a", "b"},
        Range.<String>all().limit(0), "a", "b");
    clearLeaves(f, "clearWithLimitLargerThanTheDataRemovesEverything", new String[] {"a", "b"},
        Range.<String>all().limit(100));
    clearLeaves(f, "clearOfARangeWithLowerAboveUpperRemovesNothing", new String[] {"a", "b", "c"},
        Range.<String>all().gte("c").lte("a"), "a", "b", "c");
    f.test("clearWithNullRangeIsInvalidArgument",
        db -> Expect.code(LEVEL_INVALID_ARGUMENT, () -> db.clear(null)));
    f.test("putAfterClearWorks", db -> {
      Expect.fill(db, "a", "b");
      db.clear();
      db.put("a", "again");
      assertThat(Expect.entries(db)).containsExactly("a=again");
    });
    f.test("clearOfManyEntriesRemovesThemAll", db -> {
      List<org.level4j.Op<String, String>> ops = new ArrayList<>();
      for (int i = 0; i < 4000; i++) {
        ops.add(org.level4j.Op.put(String.format("%05d", i), "v"));
      }
      db.batch(ops);
      db.clear(Range.<String>all().gte("01000"));
      assertThat(Expect.keys(db)).hasSize(1000);
      db.clear();
      assertThat(Expect.keys(db)).isEmpty();
    });
    f.test("clearOfASublevelLeavesTheRootAndSiblings", db -> {
      Level<String, String> a = db.sublevel("a");
      Level<String, String> ab = db.sublevel("ab");
      Level<String, String> b = db.sublevel("b");
      Expect.fill(db, "0", "z");
      Expect.fill(a, "x", "y");
      Expect.fill(ab, "x");
      Expect.fill(b, "x");
      a.clear();
      assertThat(Expect.keys(db)).containsExactly("!ab!x", "!b!x", "0", "z");
    });
    f.test("clearOfASublevelRangeUsesItsKeys", db -> {
      Level<String, String> a = db.sublevel("a");
      Expect.fill(a, "1", "2", "3");
      Expect.fill(db, "2");
      a.clear(Range.<String>all().gte("2"));
      assertThat(Expect.keys(a)).containsExactly("1");
      assertThat(db.get("2")).isEqualTo("v2");
    });
    f.test("clearOfASublevelInReverseWithLimitStaysInsideIt", db -> {
      Level<String, String> a = db.sublevel("a");
      Expect.fill(a, "1", "2", "3");
      Expect.fill(db.sublevel("b"), "1");
      a.clear(Range.<String>all().reverse().limit(2));
      assertThat(Expect.keys(db)).containsExactly("!a!1", "!b!1");
    });
    f.test("clearOfANestedSublevelLeavesItsParentsOwnKeys", db -> {
      Level<String, String> parent = db.sublevel("p");
      Level<String, String> child = parent.sublevel("c");
      Expect.fill(parent, "k");
      Expect.fill(child, "k");
      child.clear();
      assertThat(Expect.keys(db)).containsExactly("!p!k");
    });
    f.test("clearOfTheRootRemovesSublevelEntriesToo", db -> {
      Expect.fill(db, "a");
      Expect.fill(db.sublevel("s"), "b");
      db.clear();
      assertThat(Expect.keys(db)).isEmpty();
      assertThat(Expect.keys(db.sublevel("s"))).isEmpty();
    });
    f.test("clearDoesNotChangeWhatAnOpenIteratorSees", db -> {
      Expect.fill(db, "a", "b", "c");
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        assertThat(it.next()).isEqualTo("a");
        db.clear();
        List<String> rest = it.all();
        if (db.supports().implicitSnapshots()) {
          assertThat(rest).containsExactly("b", "c");
        }
      }
      assertThat(Expect.keys(db)).isEmpty();
    });

    Feature matrix = f.group("everyBoundCombination");
    for (Map.Entry<String, UnaryOperator<Range<String>>> lower : RangeTests.LOWERS) {
      for (Map.Entry<String, UnaryOperator<Range<String>>> upper : RangeTests.UPPERS) {
        String name = (lower.getKey() + " " + upper.getKey()).trim();
        Range<String> range = upper.getValue().apply(lower.getValue().apply(Range.all()));
        matrix.test(name.isEmpty() ? "no bounds" : name, db -> clearEveryWay(db, range));
      }
    }
    for (int i = 0; i < 6; i++) {
      long base = 0xc1ea0000L + i;
      f.test("randomClearsMatchASortedMapModel #" + i, db -> randomClears(db, base));
    }
    return f.build();
  }

  private static void clearEveryWay(Database db, Range<String> bounds) {
    for (boolean reverse : new boolean[] {false, true}) {
      for (int limit : new int[] {-1, 2}) {
        Range<String> range = bounds.reverse(reverse).limit(limit);
        db.clear();
        Expect.fill(db, RangeTests.DATA);
        TreeMap<String, String> model = new TreeMap<>();
        for (String k : RangeTests.DATA) {
          model.put(k, "v" + k);
        }
        for (Map.Entry<String, String> gone : Model.visit(model, range)) {
          model.remove(gone.getKey());
        }
        db.clear(range);
        assertThat(Expect.keys(db)).as("after clear(%s)", range)
            .containsExactlyElementsOf(model.keySet());
      }
    }
  }

  private static void randomClears(Database db, long base) {
    long seed = Model.seed("randomClearsMatchASortedMapModel", base);
    Random random = new Random(seed);
    TreeMap<String, String> model = new TreeMap<>();
    for (int round = 0; round < 15; round++) {
      for (int i = 0; i < 15; i++) {
        String k = Model.key(random);
        db.put(k, "v" + round);
        model.put(k, "v" + round);
      }
      Range<String> range = Model.range(random);
      for (Map.Entry<String, String> gone : Model.visit(model, range)) {
        model.remove(gone.getKey());
      }
      db.clear(range);
      List<String> want = new ArrayList<>();
      model.forEach((k, v) -> want.add(k + "=" + v));
      assertThat(Expect.entries(db)).as("after clear(%s) (seed %s)", range, seed)
          .containsExactlyElementsOf(want);
    }
  }

  /** A case: with the keys {@code filled}, {@code clear(range)} leaves exactly {@code left}. */
  private static void clearLeaves(Feature f, String caseName, String[] filled, Range<String> range,
      String... left) {
    f.test(caseName, db -> {
      Expect.fill(db, filled);
      db.clear(range);
      assertThat(Expect.keys(db)).containsExactly(left);
    });
  }
}
