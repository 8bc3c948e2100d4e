package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.level4j.ErrorCode.LEVEL_CONFLICT;
import static org.level4j.ErrorCode.LEVEL_INVALID_VALUE;
import static org.level4j.ErrorCode.LEVEL_NOT_SUPPORTED;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DynamicContainer;
import org.level4j.Codecs;
import org.level4j.Database;
import org.level4j.Level;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.Supports;

/**
 * Conditional batches ({@link Op#expect}, {@link Op#expectAbsent}): applied only if every
 * precondition holds, else {@code LEVEL_CONFLICT} naming the key, and nothing written. Where
 * {@link Supports#conditionalBatch()} is false, each case checks that a batch with a precondition
 * fails with {@code LEVEL_NOT_SUPPORTED} and writes nothing.
 */
final class ConditionalBatchTests {
  private ConditionalBatchTests() {}

  static DynamicContainer all(LevelFactory factory) {
    Feature f = new Feature("conditional batch", factory);

    f.test("expectWithoutAValueIsInvalidValue",
        db -> Expect.code(LEVEL_INVALID_VALUE, () -> Op.expect("k", null)));

    conditional(f, "expectOfTheCurrentValueLetsTheBatchThrough", db -> {
      db.put("k", "1");
      db.batch(List.of(Op.expect("k", "1"), Op.put("k", "2"), Op.put("other", "x")));
      assertThat(Expect.entries(db)).containsExactly("k=2", "other=x");
    });
    conditional(f, "expectAbsentOfAnAbsentKeyLetsTheBatchThrough", db -> {
      db.batch(List.of(Op.expectAbsent("k"), Op.put("k", "created")));
      assertThat(db.get("k")).isEqualTo("created");
    });
    conditional(f, "expectAbsentOfADeletedKeyLetsTheBatchThrough", db -> {
      db.put("k", "1");
      db.del("k");
      db.batch(List.of(Op.expectAbsent("k"), Op.put("k", "again")));
      assertThat(db.get("k")).isEqualTo("again");
    });
    conditional(f, "expectOfAnotherValueIsConflictAndWritesNothing", db -> {
      db.put("k", "actual");
      Expect.code(LEVEL_CONFLICT,
          () -> db.batch(List.of(Op.put("a", "1"), Op.expect("k", "expected"), Op.del("k"))));
      assertThat(Expect.entries(db)).containsExactly("k=actual");
    });
    conditional(f, "expectOfAnAbsentKeyIsConflict", db -> {
      Expect.code(LEVEL_CONFLICT, () -> db.batch(List.of(Op.expect("k", "v"), Op.put("a", "1"))));
      assertThat(Expect.keys(db)).isEmpty();
    });
    conditional(f, "expectAbsentOfAPresentKeyIsConflict", db -> {
      db.put("k", "here");
      Expect.code(LEVEL_CONFLICT,
          () -> db.batch(List.of(Op.expectAbsent("k"), Op.put("k", "overwritten"))));
      assertThat(db.get("k")).isEqualTo("here");
    });
    conditional(f, "expectOfTheEmptyValueIsNotExpectAbsent", db -> {
      db.put("k", "");
      db.batch(List.of(Op.expect("k", ""), Op.put("a", "1")));
      Expect.code(LEVEL_CONFLICT, () -> db.batch(List.of(Op.expectAbsent("k"))));
      Expect.code(LEVEL_CONFLICT, () -> db.batch(List.of(Op.expect("j", ""))));
      assertThat(Expect.keys(db)).containsExactly("a", "k");
    });
    conditional(f, "conflictMessageNamesTheKey", db -> {
      db.put("the-key", "1");
      LevelException e = Expect.code(LEVEL_CONFLICT,
          () -> db.batch(List.of(Op.expect("the-key", "2"), Op.put("x", "y"))));
      assertThat(e.getMessage()).contains("the-key");
    });
    conditional(f, "allPreconditionsMustHold", db -> {
      Expect.fill(db, "a", "b");
      Expect.code(LEVEL_CONFLICT, () -> db.batch(List.of(
          Op.expect("a", "va"), Op.expect("b", "wrong"), Op.put("c", "1"))));
      db.batch(List.of(Op.expect("a", "va"), Op.expect("b", "vb"), Op.expectAbsent("c"),
          Op.put("c", "1")));
      assertThat(db.get("c")).isEqualTo("1");
    });
    conditional(f, "batchOfOnlyPreconditionsWritesNothingButStillChecks", db -> {
      db.put("k", "v");
      db.batch(List.of(Op.expect("k", "v")));
      Expect.code(LEVEL_CONFLICT, () -> db.batch(List.of(Op.expect("k", "w"))));
      assertThat(Expect.entries(db)).containsExactly("k=v");
    });
    conditional(f, "chainedBatchExpectAndExpectAbsent", db -> {
      db.put("k", "1");
      db.batch().expect("k", "1").expectAbsent("new").put("k", "2").put("new", "n").write();
      assertThat(Expect.entries(db)).containsExactly("k=2", "new=n");
      Expect.code(LEVEL_CONFLICT, () -> db.batch().expect("k", "1").put("k", "3").write());
      assertThat(db.get("k")).isEqualTo("2");
    });
    conditional(f, "expectInASublevelUsesItsKeys", db -> {
      Level<String, String> s = db.sublevel("s");
      s.put("k", "sub");
      db.put("k", "root");
      s.batch(List.of(Op.expect("k", "sub"), Op.put("k", "sub2")));
      assertThat(s.get("k")).isEqualTo("sub2");
      Expect.code(LEVEL_CONFLICT, () -> s.batch(List.of(Op.expect("k", "root"), Op.del("k"))));
      assertThat(s.get("k")).isEqualTo("sub2");
    });
    conditional(f, "expectWithATypedCodecComparesEncodedValues", db -> {
      Level<String, Long> counts = db.with(Codecs.UTF8, Codecs.SORTABLE_LONG);
      counts.put("n", 41L);
      counts.batch(List.of(Op.expect("n", 41L), Op.put("n", 42L)));
      assertThat(counts.get("n")).isEqualTo(42L);
      Expect.code(LEVEL_CONFLICT, () -> counts.batch(List.of(Op.expect("n", 41L))));
    });
    conditional(f, "conflictInAsyncBatchIsAFailedFuture", db -> {
      db.put("k", "1");
      Expect.failed(LEVEL_CONFLICT, db.async().batch(List.of(Op.expect("k", "2"),
          Op.put("k", "3"))));
      assertThat(db.get("k")).isEqualTo("1");
    });
    conditional(f, "preconditionsAreNotPassedToHooksOrListeners", db -> {
      List<String> seen = new ArrayList<>();
      db.prewrite((op, batch) -> seen.add("hook " + op));
      db.onWrite(ops -> ops.forEach(op -> seen.add("listener " + op)));
      db.batch(List.of(Op.expectAbsent("k"), Op.put("k", "v")));
      assertThat(seen).containsExactly("hook put(k, v)", "listener put(k, v)");
    });
    conditional(f, "conflictingBatchIsNotAnnouncedToListeners", db -> {
      AtomicInteger calls = new AtomicInteger();
      db.onWrite(ops -> calls.incrementAndGet());
      Expect.code(LEVEL_CONFLICT, () -> db.batch(List.of(Op.expect("k", "v"), Op.put("a", "b"))));
      assertThat(calls.get()).isZero();
    });
    conditional(f, "compareAndSetCounterFromManyThreadsCountsExactly", db -> {
      db.put("counter", "0");
      int threads = 4;
      int increments = 50;
      List<Thread> workers = new ArrayList<>();
      List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread w = new Thread(() -> {
          try {
            for (int i = 0; i < increments; i++) {
              while (true) {
                String seen = db.get("counter");
                String next = Integer.toString(Integer.parseInt(seen) + 1);
                try {
                  db.batch(List.of(Op.expect("counter", seen), Op.put("counter", next)));
                  break;
                } catch (LevelException e) {
                  if (e.code() != LEVEL_CONFLICT) {
                    throw e;
                  }
                }
              }
            }
          } catch (RuntimeException | Error e) {
            failures.add(e);
          }
        });
        workers.add(w);
        w.start();
      }
      for (Thread w : workers) {
        w.join(30_000);
      }
      assertThat(failures).isEmpty();
      assertThat(db.get("counter")).isEqualTo(Integer.toString(threads * increments));
    });
    return f.build();
  }

  private static void conditional(Feature f, String name, Feature.Body body) {
    f.test(name, Supports::conditionalBatch, ConditionalBatchTests::refusesPreconditions, body);
  }

  private static void refusesPreconditions(Database db) {
    db.put("k", "v");
    Expect.code(LEVEL_NOT_SUPPORTED,
        () -> db.batch(List.of(Op.expect("k", "v"), Op.put("written", "no"))));
    Expect.code(LEVEL_NOT_SUPPORTED, () -> db.batch().expectAbsent("x").put("written", "no").write());
    assertThat(db.has("written")).isFalse();
  }
}
