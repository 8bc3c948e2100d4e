package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DynamicContainer;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.LevelIterator;
import org.level4j.Range;

/**
 * Iterator ranges: every combination of lower and upper bound (on present and absent keys), each
 * forward and reverse with several limits, through entries, keys and values; then edge cases and
 * randomized ranges against a sorted-map model.
 */
final class RangeTests {
  private RangeTests() {}

  static final String[] DATA = {"a", "b", "ba", "c", "d", "e", "f", "g", "h", "ha", "i", "j"};

  /** Lower bounds: none, on a present key ("b"), on an absent one ("bb"). */
  static final List<Map.Entry<String, UnaryOperator<Range<String>>>> LOWERS =
      bounds("gt", Range::gt, "gte", Range::gte, "b", "bb");

  /** Upper bounds: none, on a present key ("h"), on an absent one ("hb"). */
  static final List<Map.Entry<String, UnaryOperator<Range<String>>>> UPPERS =
      bounds("lt", Range::lt, "lte", Range::lte, "h", "hb");

  /**
   * No bound, then on each key the strict bound and the inclusive one, each named as the option
   * is ("gt b"), in that order.
   */
  private static List<Map.Entry<String, UnaryOperator<Range<String>>>> bounds(String strict,
      BiFunction<Range<String>, String, Range<String>> strictBound, String inclusive,
      BiFunction<Range<String>, String, Range<String>> inclusiveBound, String... keys) {
    List<Map.Entry<String, UnaryOperator<Range<String>>>> bounds = new ArrayList<>();
    bounds.add(Map.entry("", r -> r));
    for (String key : keys) {
      bounds.add(Map.entry(strict + " " + key, r -> strictBound.apply(r, key)));
      bounds.add(Map.entry(inclusive + " " + key, r -> inclusiveBound.apply(r, key)));
    }
    return List.copyOf(bounds);
  }

  private static final int[] LIMITS = {-1, 0, 1, 3, 100};

  static DynamicContainer all(LevelFactory factory) {
    Feature f = new Feature("range", factory);

    Feature matrix = f.group("everyBoundCombination");
    for (Map.Entry<String, UnaryOperator<Range<String>>> lower : LOWERS) {
      for (Map.Entry<String, UnaryOperator<Range<String>>> upper : UPPERS) {
        String name = (lower.getKey() + " " + upper.getKey()).trim();
        Range<String> range = upper.getValue().apply(lower.getValue().apply(Range.all()));
        matrix.test(name.isEmpty() ? "no bounds" : name, db -> everyWay(db, range));
      }
    }

    f.test("lowerBoundAboveUpperBoundIsEmptyNotAnError", db -> {
      Expect.fill(db, DATA);
      assertThat(Expect.keys(db, Range.<String>all().gt("x").lt("a"))).isEmpty();
      assertThat(Expect.keys(db, Range.<String>all().gte("h").lte("b").reverse())).isEmpty();
    });
    f.test("gteAndLteOnTheSameKeyYieldOnlyThatKey", db -> {
      Expect.fill(db, DATA);
      assertThat(Expect.keys(db, Range.<String>all().gte("c").lte("c"))).containsExactly("c");
      assertThat(Expect.keys(db, Range.<String>all().gte("c").lte("c").reverse()))
          .containsExactly("c");
    });
    f.test("exclusiveBoundsOnTheSameKeyYieldNothing", db -> {
      Expect.fill(db, DATA);
      assertThat(Expect.keys(db, Range.<String>all().gt("c").lt("c"))).isEmpty();
      assertThat(Expect.keys(db, Range.<String>all().gte("c").lt("c"))).isEmpty();
      assertThat(Expect.keys(db, Range.<String>all().gt("c").lte("c"))).isEmpty();
    });
    f.test("boundsOutsideTheDataYieldEverythingOrNothing", db -> {
      Expect.fill(db, DATA);
      assertThat(Expect.keys(db, Range.<String>all().gte("0").lte("z"))).hasSize(DATA.length);
      assertThat(Expect.keys(db, Range.<String>all().gt("z"))).isEmpty();
      assertThat(Expect.keys(db, Range.<String>all().lt("0"))).isEmpty();
      assertThat(Expect.keys(db, Range.<String>all().lt("0").reverse())).isEmpty();
    });
    f.test("gtReplacesAnEarlierGteAndViceVersa", db -> {
      Expect.fill(db, DATA);
      assertThat(Expect.keys(db, Range.<String>all().gte("b").gt("b").lt("c")))
          .containsExactly("ba");
      assertThat(Expect.keys(db, Range.<String>all().gt("b").gte("b").lt("c")))
          .containsExactly("b", "ba");
    });
    f.test("ltReplacesAnEarlierLteAndViceVersa", db -> {
      Expect.fill(db, DATA);
      assertThat(Expect.keys(db, Range.<String>all().gt("g").lte("h").lt("h")))
          .isEmpty();
      assertThat(Expect.keys(db, Range.<String>all().gt("g").lt("h").lte("h")))
          .containsExactly("h");
    });
    f.test("boundsCompareWholeKeysSoLongerKeysSortAfterTheirPrefix", db -> {
      Expect.fill(db, "b", "ba", "bzzz", "c");
      assertThat(Expect.keys(db, Range.<String>all().gte("b").lt("c")))
          .containsExactly("b", "ba", "bzzz");
      assertThat(Expect.keys(db, Range.<String>all().lte("b"))).containsExactly("b");
      assertThat(Expect.keys(db, Range.<String>all().gt("b").lt("bz"))).containsExactly("ba");
    });
    f.test("emptyKeyAsABound", db -> {
      Expect.fill(db, "", "a", "b");
      assertThat(Expect.keys(db, Range.<String>all().gt(""))).containsExactly("a", "b");
      assertThat(Expect.keys(db, Range.<String>all().gte(""))).containsExactly("", "a", "b");
      assertThat(Expect.keys(db, Range.<String>all().lt(""))).isEmpty();
      assertThat(Expect.keys(db, Range.<String>all().lte(""))).containsExactly("");
      assertThat(Expect.keys(db, Range.<String>all().lte("").reverse())).containsExactly("");
    });
    f.test("reverseDoesNotSwapTheBounds", db -> {
      Expect.fill(db, DATA);
      assertThat(Expect.keys(db, Range.<String>all().gte("c").lte("e").reverse()))
          .containsExactly("e", "d", "c");
    });
    f.test("rangeOfFromPartsEqualsTheBuilder", db -> {
      Expect.fill(db, DATA);
      assertThat(Expect.keys(db, Range.of("b", false, "f", true, true, 2)))
          .containsExactly("f", "e");
      assertThat(Expect.keys(db, Range.of(null, false, null, false, false, -1)))
          .hasSize(DATA.length);
    });

    for (int i = 0; i < 12; i++) {
      long base = 0x5eed0000L + i;
      f.test("randomRangesMatchASortedMapModel #" + i, db -> randomRanges(db, base));
    }
    return f.build();
  }

  /** Checks one range forward and reverse, at each limit, through entries, keys and values. */
  private static void everyWay(Database db, Range<String> bounds) {
    TreeMap<String, String> model = new TreeMap<>();
    for (String k : DATA) {
      model.put(k, "v" + k);
    }
    Expect.fill(db, DATA);
    for (boolean reverse : new boolean[] {false, true}) {
      for (int limit : LIMITS) {
        Range<String> range = bounds.reverse(reverse).limit(limit);
        List<Map.Entry<String, String>> want = Model.visit(model, range);
        List<String> wantKeys = new ArrayList<>();
        List<String> wantValues = new ArrayList<>();
        for (Map.Entry<String, String> e : want) {
          wantKeys.add(e.getKey());
          wantValues.add(e.getValue());
        }
        List<String> gotKeys = new ArrayList<>();
        List<String> gotValues = new ArrayList<>();
        try (LevelIterator<String, Entry<String, String>> it = db.iterator(range)) {
          for (Entry<String, String> e : it) {
            gotKeys.add(e.key());
            gotValues.add(e.value());
          }
        }
        assertThat(gotKeys).as("keys of %s", range).containsExactlyElementsOf(wantKeys);
        assertThat(gotValues).as("values of %s", range).containsExactlyElementsOf(wantValues);
        try (LevelIterator<String, String> it = db.keys(range)) {
          assertThat(it.all()).as("keys() of %s", range).containsExactlyElementsOf(wantKeys);
        }
        try (LevelIterator<String, String> it = db.values(range)) {
          assertThat(it.all()).as("values() of %s", range).containsExactlyElementsOf(wantValues);
        }
      }
    }
  }

  private static void randomRanges(Database db, long base) {
    long seed = Model.seed("randomRangesMatchASortedMapModel", base);
    Random random = new Random(seed);
    TreeMap<String, String> model = new TreeMap<>();
    for (int i = 0; i < 60; i++) {
      String k = Model.key(random);
      if (random.nextInt(4) == 0) {
        db.del(k);
        model.remove(k);
      } else {
        String v = Integer.toString(random.nextInt(1000));
        db.put(k, v);
        model.put(k, v);
      }
    }
    for (int i = 0; i < 40; i++) {
      Range<String> range = Model.range(random);
      List<String> want = new ArrayList<>();
      for (Map.Entry<String, String> e : Model.visit(model, range)) {
        want.add(e.getKey() + "=" + e.getValue());
      }
      assertThat(Expect.entries(db, range)).as("%s (seed %s)", range, seed)
          .containsExactlyElementsOf(want);
    }
  }
}
