package org.level4j.conformance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import org.level4j.Range;

/**
 * The reference behaviour of ranges: a plain sorted map filtered by the bounds, turned around for
 * reverse, cut at the limit. Randomized cases compare a database against it.
 */
final class Model {
  /** System property that replays a randomized case: {@code -Dlevel4j.seed=1234}. */
  static final String SEED_PROPERTY = "level4j.seed";

  private Model() {}

  /** The entries {@code range} visits in {@code model}, in visiting order. */
  static <K, V> List<Map.Entry<K, V>> visit(NavigableMap<K, V> model, Range<K> range) {
    Comparator<? super K> cmp = model.comparator();
    List<Map.Entry<K, V>> out = new ArrayList<>();
    NavigableMap<K, V> ordered = range.isReverse() ? model.descendingMap() : model;
    for (Map.Entry<K, V> e : ordered.entrySet()) {
      if (range.limit() >= 0 && out.size() >= range.limit()) {
        break;
      }
      if (inside(e.getKey(), range, cmp)) {
        out.add(Map.entry(e.getKey(), e.getValue()));
      }
    }
    return out;
  }

  static <K> boolean inside(K key, Range<K> range, Comparator<? super K> cmp) {
    if (range.lower() != null) {
      int c = compare(cmp, key, range.lower());
      if (c < 0 || (c == 0 && !range.lowerInclusive())) {
        return false;
      }
    }
    if (range.upper() != null) {
      int c = compare(cmp, key, range.upper());
      if (c > 0 || (c == 0 && !range.upperInclusive())) {
        return false;
      }
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  private static <K> int compare(Comparator<? super K> cmp, K a, K b) {
    return cmp == null ? ((Comparable<K>) a).compareTo(b) : cmp.compare(a, b);
  }

  /**
   * The seed of a randomized case: the one given by {@link #SEED_PROPERTY} if set, else
   * {@code base}. Printed so that a failure can be replayed.
   */
  static long seed(String caseName, long base) {
    String given = System.getProperty(SEED_PROPERTY);
    long seed = given == null ? base : Long.parseLong(given.trim());
    System.out.println(caseName + ": seed " + seed + " (replay with -D" + SEED_PROPERTY + "="
        + seed + ")");
    return seed;
  }

  /** A random ASCII key over a small alphabet, so that keys collide and share prefixes. */
  static String key(Random random) {
    int n = random.nextInt(4);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append((char) ('a' + random.nextInt(5)));
    }
    return b.toString();
  }

  /** A random range over keys like {@link #key}. */
  static Range<String> range(Random random) {
    Range<String> r = Range.all();
    switch (random.nextInt(3)) {
      case 0:
        r = r.gt(key(random));
        break;
      case 1:
        r = r.gte(key(random));
        break;
      default:
        break;
    }
    switch (random.nextInt(3)) {
      case 0:
        r = r.lt(key(random));
        break;
      case 1:
        r = r.lte(key(random));
        break;
      default:
        break;
    }
    if (random.nextBoolean()) {
      r = r.reverse();
    }
    if (random.nextInt(3) == 0) {
      r = r.limit(random.nextInt(6));
    }
    return r;
  }
}
