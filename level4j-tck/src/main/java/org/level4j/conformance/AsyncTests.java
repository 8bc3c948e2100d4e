package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.level4j.ErrorCode.LEVEL_INVALID_ARGUMENT;
import static org.level4j.ErrorCode.LEVEL_INVALID_KEY;
import static org.level4j.ErrorCode.LEVEL_INVALID_VALUE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DynamicContainer;
import org.level4j.AsyncLevel;
import org.level4j.Codecs;
import org.level4j.Database;
import org.level4j.Level;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.Supports;
import org.level4j.WriteOptions;

/** The asynchronous API: results, pipelining many calls, and errors as failed futures. */
final class AsyncTests {
  private AsyncTests() {}

  static DynamicContainer all(LevelFactory factory) {
    Feature f = new Feature("async", factory);

    f.test("asyncGetOfAbsentKeyIsNull",
        db -> assertThat(Expect.done(db.async().get("absent"))).isNull());
    f.test("asyncPutThenGet", db -> {
      Expect.done(db.async().put("k", "v"));
      assertThat(Expect.done(db.async().get("k"))).isEqualTo("v");
      assertThat(db.get("k")).isEqualTo("v");
    });
    f.test("asyncPutWithSyncOption", db -> {
      Expect.done(db.async().put("k", "v", WriteOptions.SYNC));
      assertThat(db.get("k")).isEqualTo("v");
    });
    f.test("manyPutsInFlightThenGets", db -> {
      AsyncLevel<String, String> async = db.async();
      List<CompletableFuture<Void>> puts = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        puts.add(async.put(String.format("k%04d", i), "v" + i));
      }
      Expect.done(CompletableFuture.allOf(puts.toArray(new CompletableFuture<?>[0])));
      List<CompletableFuture<String>> gets = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        gets.add(async.get(String.format("k%04d", i)));
      }
      for (int i = 0; i < 1000; i++) {
        assertThat(Expect.done(gets.get(i))).isEqualTo("v" + i);
      }
      assertThat(Expect.keys(db)).hasSize(1000);
    });
    f.test("asyncWritesToTheSameKeyApplyInCallOrder", Supports::conditionalBatch,
        AsyncTests::lastOfManyAsyncPutsWins, db -> {
          // Each write expects the value of the write called just before it: applied in any
          // other order, some write would find another value and fail with LEVEL_CONFLICT.
          AsyncLevel<String, String> async = db.async();
          List<CompletableFuture<Void>> writes = new ArrayList<>();
          for (int i = 0; i < 200; i++) {
            Op<String, String> previous = i == 0 ? Op.expectAbsent("k")
                : Op.expect("k", Integer.toString(i - 1));
            writes.add(async.batch(List.of(previous, Op.put("k", Integer.toString(i)))));
          }
          for (CompletableFuture<Void> w : writes) {
            Expect.done(w);
          }
          assertThat(db.get("k")).isEqualTo("199");
        });
    f.test("asyncGetMany", db -> {
      Expect.fill(db, "a", "c");
      assertThat(Expect.done(db.async().getMany(List.of("a", "b", "c"))))
          .containsExactly("va", null, "vc");
    });
    f.test("asyncHas", db -> {
      db.put("a", "1");
      assertThat(Expect.done(db.async().has("a"))).isTrue();
      assertThat(Expect.done(db.async().has("b"))).isFalse();
    });
    f.test("asyncDel", db -> {
      db.put("a", "1");
      Expect.done(db.async().del("a"));
      assertThat(db.has("a")).isFalse();
      Expect.done(db.async().del("never"));
    });
    f.test("asyncBatch", db -> {
      db.put("x", "old");
      Expect.done(db.async().batch(List.of(Op.put("a", "1"), Op.del("x"), Op.put("b", "2"))));
      assertThat(Expect.entries(db)).containsExactly("a=1", "b=2");
    });
    f.test("asyncEmptyBatch", db -> Expect.done(db.async().batch(List.of())));
    f.test("asyncBatchWithSyncOption", db -> {
      Expect.done(db.async().batch(List.of(Op.put("a", "1")), WriteOptions.SYNC));
      assertThat(db.get("a")).isEqualTo("1");
    });
    f.test("asyncClear", db -> {
      Expect.fill(db, "a", "b", "c");
      Expect.done(db.async().clear(Range.<String>all().gte("b")));
      assertThat(Expect.keys(db)).containsExactly("a");
      Expect.done(db.async().clear(Range.all()));
      assertThat(Expect.keys(db)).isEmpty();
    });
    f.test("asyncOnASublevelUsesItsPrefixAndCodecs", db -> {
      Level<String, Long> counts = db.sublevel("n", Codecs.UTF8, Codecs.SORTABLE_LONG);
      Expect.done(counts.async().put("a", 5L));
      assertThat(Expect.done(counts.async().get("a"))).isEqualTo(5L);
      assertThat(db.has("!n!a")).isTrue();
      Expect.done(counts.async().clear(Range.all()));
      assertThat(Expect.keys(db)).isEmpty();
    });
    f.test("asyncReadsSeeSyncWritesAndViceVersa", db -> {
      db.put("a", "sync");
      Expect.done(db.async().put("b", "async"));
      assertThat(Expect.done(db.async().getMany(List.of("a", "b"))))
          .containsExactly("sync", "async");
      assertThat(db.getMany(List.of("a", "b"))).containsExactly("sync", "async");
    });

    f.test("asyncPutWithNullKeyIsAFailedFutureNotAThrow",
        db -> Expect.failed(LEVEL_INVALID_KEY, db.async().put(null, "v")));
    f.test("asyncPutWithNullValueIsAFailedFuture", db -> {
      Expect.failed(LEVEL_INVALID_VALUE, db.async().put("k", null));
      assertThat(db.has("k")).isFalse();
    });
    f.test("asyncGetWithNullKeyIsAFailedFuture",
        db -> Expect.failed(LEVEL_INVALID_KEY, db.async().get(null)));
    f.test("asyncHasWithNullKeyIsAFailedFuture",
        db -> Expect.failed(LEVEL_INVALID_KEY, db.async().has(null)));
    f.test("asyncDelWithNullKeyIsAFailedFuture",
        db -> Expect.failed(LEVEL_INVALID_KEY, db.async().del(null)));
    f.test("asyncGetManyWithANullKeyIsAFailedFuture",
        db -> Expect.failed(LEVEL_INVALID_KEY, db.async().getMany(Arrays.asList("a", null))));
    f.test("asyncGetManyOfNullListIsAFailedFuture",
        db -> Expect.failed(LEVEL_INVALID_ARGUMENT, db.async().getMany(null)));
    f.test("asyncBatchWithAnInvalidOpWritesNothing", db -> {
      Expect.failed(LEVEL_INVALID_VALUE,
          db.async().batch(List.of(Op.put("a", "1"), Op.put("b", null))));
      Expect.failed(LEVEL_INVALID_ARGUMENT, db.async().batch(Arrays.asList(Op.put("a", "1"), null)));
      Expect.failed(LEVEL_INVALID_ARGUMENT, db.async().batch(null));
      assertThat(Expect.keys(db)).isEmpty();
    });
    f.test("asyncClearWithNullRangeIsAFailedFuture",
        db -> Expect.failed(LEVEL_INVALID_ARGUMENT, db.async().clear(null)));
    f.test("asyncValueThatCannotBeDecodedIsAFailedFuture", db -> {
      db.put("k", "abc");
      Expect.failed(org.level4j.ErrorCode.LEVEL_DECODE_ERROR,
          db.with(Codecs.UTF8, Codecs.SORTABLE_LONG).async().get("k"));
    });
    f.test("oneFailedFutureDoesNotDisturbTheOthersInFlight", db -> {
      AsyncLevel<String, String> async = db.async();
      CompletableFuture<Void> a = async.put("a", "1");
      CompletableFuture<Void> bad = async.put("b", null);
      CompletableFuture<Void> c = async.put("c", "3");
      Expect.done(a);
      Expect.failed(LEVEL_INVALID_VALUE, bad);
      Expect.done(c);
      assertThat(Expect.keys(db)).containsExactly("a", "c");
    });
    return f.build();
  }

  /**
   * Where batches cannot carry preconditions, a write cannot show what it replaced, so of many
   * writes to one key in flight only the last one's value can be checked.
   */
  private static void lastOfManyAsyncPutsWins(Database db) {
    AsyncLevel<String, String> async = db.async();
    List<CompletableFuture<Void>> puts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      puts.add(async.put("k", Integer.toString(i)));
    }
    Expect.done(CompletableFuture.allOf(puts.toArray(new CompletableFuture<?>[0])));
    assertThat(db.get("k")).isEqualTo("199");
  }
}
