package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.level4j.ErrorCode.LEVEL_INVALID_ARGUMENT;
import static org.level4j.ErrorCode.LEVEL_NOT_SUPPORTED;
import static org.level4j.ErrorCode.LEVEL_SNAPSHOT_NOT_OPEN;

import java.util.List;
import org.junit.jupiter.api.DynamicContainer;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.Level;
import org.level4j.LevelIterator;
import org.level4j.MemoryLevel;
import org.level4j.Range;
import org.level4j.Snapshot;
import org.level4j.Supports;

/**
 * Implicit snapshots (an iterator reads the data as it was when it was created) and explicit ones
 * ({@link Level#snapshot()}). Where explicit snapshots are not supported, each case checks that
 * {@code snapshot()} says so with {@code LEVEL_NOT_SUPPORTED}.
 */
final class SnapshotTests {
  private SnapshotTests() {}

  static DynamicContainer all(LevelFactory factory) {
    Feature f = new Feature("snapshot", factory);

    implicit(f, "iteratorDoesNotSeePutsMadeAfterItWasCreated", db -> {
      Expect.fill(db, "a", "c");
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        db.put("b", "new");
        db.put("d", "new");
        assertThat(it.all()).containsExactly("a", "c");
      }
    });
    implicit(f, "iteratorSnapshotIsTakenAtCreationNotAtTheFirstNext", db -> {
      Expect.fill(db, "a");
      try (LevelIterator<String, Entry<String, String>> it = db.iterator()) {
        db.put("a", "changed");
        db.put("b", "added");
        assertThat(it.all()).containsExactly(new Entry<>("a", "va"));
      }
    });
    implicit(f, "iteratorStillSeesKeysDeletedAfterItWasCreated", db -> {
      Expect.fill(db, "a", "b", "c");
      try (LevelIterator<String, String> it = db.keys(Range.all())) {
        assertThat(it.next()).isEqualTo("a");
        db.del("b");
        db.del("c");
        assertThat(it.all()).containsExactly("b", "c");
      }
    });
    implicit(f, "iteratorSeesOldValuesOfKeysOverwrittenLater", db -> {
      Expect.fill(db, "a", "b");
      try (LevelIterator<String, String> it = db.values(Range.all())) {
        db.batch().put("a", "x").put("b", "y").write();
        assertThat(it.all()).containsExactly("va", "vb");
      }
    });
    implicit(f, "reverseIteratorDoesNotSeeLaterWrites", db -> {
      Expect.fill(db, "a", "b");
      try (LevelIterator<String, String> it = db.keys(Range.<String>all().reverse())) {
        db.put("c", "new");
        db.del("a");
        assertThat(it.all()).containsExactly("b", "a");
      }
    });
    implicit(f, "sublevelIteratorDoesNotSeeLaterWrites", db -> {
      Level<String, String> sub = db.sublevel("s");
      Expect.fill(sub, "a");
      try (LevelIterator<String, String> it = sub.keys(Range.all())) {
        sub.put("b", "new");
        assertThat(it.all()).containsExactly("a");
      }
    });
    implicit(f, "iteratorsCreatedAtDifferentTimesSeeDifferentData", db -> {
      db.put("a", "1");
      try (LevelIterator<String, String> first = db.values(Range.all())) {
        db.put("a", "2");
        try (LevelIterator<String, String> second = db.values(Range.all())) {
          db.put("a", "3");
          assertThat(first.next()).isEqualTo("1");
          assertThat(second.next()).isEqualTo("2");
          assertThat(db.get("a")).isEqualTo("3");
        }
      }
    });

    explicit(f, "snapshotGetSeesTheValueAtSnapshotTime", db -> {
      db.put("k", "old");
      try (Snapshot s = db.snapshot()) {
        db.put("k", "new");
        assertThat(db.get("k", s)).isEqualTo("old");
        assertThat(db.get("k")).isEqualTo("new");
      }
    });
    explicit(f, "snapshotGetOfAKeyAddedLaterIsNull", db -> {
      try (Snapshot s = db.snapshot()) {
        db.put("k", "v");
        assertThat(db.get("k", s)).isNull();
        assertThat(db.has("k", s)).isFalse();
      }
    });
    explicit(f, "snapshotStillSeesAKeyDeletedLater", db -> {
      db.put("k", "v");
      try (Snapshot s = db.snapshot()) {
        db.del("k");
        assertThat(db.get("k", s)).isEqualTo("v");
        assertThat(db.has("k", s)).isTrue();
        assertThat(db.has("k")).isFalse();
      }
    });
    explicit(f, "snapshotGetMany", db -> {
      Expect.fill(db, "a", "b");
      try (Snapshot s = db.snapshot()) {
        db.batch().del("a").put("b", "x").put("c", "y").write();
        assertThat(db.getMany(List.of("a", "b", "c"), s)).containsExactly("va", "vb", null);
      }
    });
    explicit(f, "snapshotIterator", db -> {
      Expect.fill(db, "a", "b", "c");
      try (Snapshot s = db.snapshot()) {
        db.del("b");
        db.put("d", "new");
        try (LevelIterator<String, Entry<String, String>> it = db.iterator(Range.all(), s)) {
          assertThat(it.all()).extracting(Entry::key).containsExactly("a", "b", "c");
        }
        try (LevelIterator<String, String> it = db.keys(Range.<String>all().reverse(), s)) {
          assertThat(it.all()).containsExactly("c", "b", "a");
        }
        try (LevelIterator<String, String> it = db.values(Range.<String>all().gt("a"), s)) {
          assertThat(it.all()).containsExactly("vb", "vc");
        }
      }
    });
    explicit(f, "snapshotIteratorsCreatedLaterStillSeeSnapshotTime", db -> {
      db.put("a", "1");
      try (Snapshot s = db.snapshot()) {
        db.put("a", "2");
        try (LevelIterator<String, String> it = db.values(Range.all(), s)) {
          db.put("a", "3");
          assertThat(it.all()).containsExactly("1");
        }
        db.put("a", "4");
        try (LevelIterator<String, String> it = db.values(Range.all(), s)) {
          assertThat(it.all()).containsExactly("1");
        }
      }
    });
    explicit(f, "snapshotSurvivesClear", db -> {
      Expect.fill(db, "a", "b");
      try (Snapshot s = db.snapshot()) {
        db.clear();
        assertThat(db.getMany(List.of("a", "b"), s)).containsExactly("va", "vb");
      }
    });
    explicit(f, "snapshotReadsThroughASublevel", db -> {
      Level<String, String> sub = db.sublevel("s");
      sub.put("k", "old");
      try (Snapshot s = db.snapshot()) {
        sub.put("k", "new");
        assertThat(sub.get("k", s)).isEqualTo("old");
        assertThat(Expect.done(sub.async().get("k", s))).isEqualTo("old");
      }
    });
    explicit(f, "snapshotTakenFromASublevelCoversTheWholeDatabase", db -> {
      db.put("root", "1");
      try (Snapshot s = db.sublevel("s").snapshot()) {
        db.put("root", "2");
        assertThat(db.get("root", s)).isEqualTo("1");
      }
    });
    explicit(f, "severalSnapshotsEachSeeTheirOwnTime", db -> {
      db.put("k", "1");
      Snapshot one = db.snapshot();
      db.put("k", "2");
      Snapshot two = db.snapshot();
      db.del("k");
      Snapshot three = db.snapshot();
      try (one; two; three) {
        assertThat(db.get("k", one)).isEqualTo("1");
        assertThat(db.get("k", two)).isEqualTo("2");
        assertThat(db.get("k", three)).isNull();
      }
    });
    explicit(f, "closingOneSnapshotLeavesOthersWorking", db -> {
      db.put("k", "1");
      Snapshot one = db.snapshot();
      Snapshot two = db.snapshot();
      db.put("k", "2");
      one.close();
      try (two) {
        assertThat(db.get("k", two)).isEqualTo("1");
      }
    });
    explicit(f, "asyncGetWithSnapshot", db -> {
      db.put("k", "old");
      try (Snapshot s = db.snapshot()) {
        db.put("k", "new");
        assertThat(Expect.done(db.async().get("k", s))).isEqualTo("old");
      }
    });
    explicit(f, "closedSnapshotIsSnapshotNotOpen", db -> {
      db.put("k", "v");
      Snapshot s = db.snapshot();
      s.close();
      Expect.code(LEVEL_SNAPSHOT_NOT_OPEN, () -> db.get("k", s));
      Expect.code(LEVEL_SNAPSHOT_NOT_OPEN, () -> db.has("k", s));
      Expect.code(LEVEL_SNAPSHOT_NOT_OPEN, () -> db.getMany(List.of("k"), s));
      Expect.code(LEVEL_SNAPSHOT_NOT_OPEN, () -> db.iterator(Range.all(), s));
      Expect.code(LEVEL_SNAPSHOT_NOT_OPEN, () -> db.keys(Range.all(), s));
      Expect.code(LEVEL_SNAPSHOT_NOT_OPEN, () -> db.values(Range.all(), s));
      Expect.failed(LEVEL_SNAPSHOT_NOT_OPEN, db.async().get("k", s));
    });
    explicit(f, "closingASnapshotTwiceIsHarmless", db -> {
      db.put("k", "old");
      Snapshot s = db.snapshot();
      s.close();
      s.close();
      Expect.code(LEVEL_SNAPSHOT_NOT_OPEN, () -> db.get("k", s));
      db.put("k", "new");
      try (Snapshot again = db.snapshot()) {
        db.put("k", "newer");
        assertThat(db.get("k", again)).isEqualTo("new");
      }
    });
    explicit(f, "snapshotOfAnotherDatabaseIsInvalidArgument", db -> {
      try (Database other = MemoryLevel.open(); Snapshot s = other.snapshot()) {
        Expect.code(LEVEL_INVALID_ARGUMENT, () -> db.get("k", s));
        Expect.code(LEVEL_INVALID_ARGUMENT, () -> db.iterator(Range.all(), s));
      }
    });
    explicit(f, "manySnapshotsCanBeOpenAtOnce", db -> {
      Snapshot[] snaps = new Snapshot[100];
      for (int i = 0; i < snaps.length; i++) {
        db.put("k", Integer.toString(i));
        snaps[i] = db.snapshot();
      }
      try {
        for (int i = 0; i < snaps.length; i++) {
          assertThat(db.get("k", snaps[i])).isEqualTo(Integer.toString(i));
        }
      } finally {
        for (Snapshot s : snaps) {
          s.close();
        }
      }
    });
    return f.build();
  }

  private static void implicit(Feature f, String name, Feature.Body body) {
    f.test(name, Supports::implicitSnapshots, SnapshotTests::withoutImplicitSnapshots, body);
  }

  /**
   * Where iterators read no snapshot, what one sees of writes made after it was created is left
   * open, as abstract-level does; it must still read in order, each key once, and see the keys
   * that nobody touched after it was created.
   */
  private static void withoutImplicitSnapshots(Database db) {
    Expect.fill(db, "a", "c", "e");
    try (LevelIterator<String, String> it = db.keys(Range.all())) {
      assertThat(it.next()).isEqualTo("a");
      db.put("b", "new");
      db.del("e");
      db.put("f", "new");
      List<String> rest = it.all();
      assertThat(rest).isSorted().doesNotHaveDuplicates().contains("c")
          .isSubsetOf("b", "c", "e", "f");
    }
  }

  private static void explicit(Feature f, String name, Feature.Body body) {
    f.test(name, Supports::explicitSnapshots,
        db -> Expect.code(LEVEL_NOT_SUPPORTED, db::snapshot), body);
  }
}
