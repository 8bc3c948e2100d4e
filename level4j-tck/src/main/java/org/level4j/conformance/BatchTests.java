package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.level4j.ErrorCode.LEVEL_BATCH_NOT_OPEN;
import static org.level4j.ErrorCode.LEVEL_INVALID_ARGUMENT;
import static org.level4j.ErrorCode.LEVEL_INVALID_KEY;
import static org.level4j.ErrorCode.LEVEL_INVALID_VALUE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DynamicContainer;
import org.level4j.Batch;
import org.level4j.Codecs;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.Level;
import org.level4j.LevelException;
import org.level4j.MemoryLevel;
import org.level4j.Op;
import org.level4j.WriteOptions;

/** Batches as a list of operations and as a chained builder: ordered, atomic, cross-sublevel. */
final class BatchTests {
  private BatchTests() {}

  static DynamicContainer all(LevelFactory factory) {
    Feature f = new Feature("batch", factory);

    f.test("batchAppliesPutsAndDels", db -> {
      Expect.fill(db, "old");
      db.batch(List.of(Op.put("a", "1"), Op.put("b", "2"), Op.del("old")));
      assertThat(Expect.entries(db)).containsExactly("a=1", "b=2");
    });
    f.test("batchOpsOnTheSameKeyApplyInOrder", db -> {
      db.put("d", "before");
      db.batch(List.of(
          Op.put("a", "1"), Op.del("a"),
          Op.del("b"), Op.put("b", "2"),
          Op.put("c", "1"), Op.put("c", "2"),
          Op.del("d"), Op.put("d", "after")));
      assertThat(Expect.entries(db)).containsExactly("b=2", "c=2", "d=after");
    });
    f.test("emptyBatchIsANoOp", db -> {
      db.put("k", "v");
      db.batch(List.of());
      assertThat(Expect.entries(db)).containsExactly("k=v");
    });
    f.test("batchDelOfAbsentKeyIsFine", db -> {
      db.batch(List.of(Op.del("absent"), Op.put("k", "v")));
      assertThat(Expect.entries(db)).containsExactly("k=v");
    });
    f.test("batchOfNullListIsInvalidArgument",
        db -> Expect.code(LEVEL_INVALID_ARGUMENT, () -> db.batch((List<Op<String, String>>) null)));
    f.test("batchWithANullOpWritesNothing", db -> {
      Expect.code(LEVEL_INVALID_ARGUMENT,
          () -> db.batch(Arrays.asList(Op.put("a", "1"), null, Op.put("b", "2"))));
      assertThat(Expect.keys(db)).isEmpty();
    });
    f.test("batchWithANullKeyWritesNothing", db -> {
      db.put("keep", "1");
      Expect.code(LEVEL_INVALID_KEY,
          () -> db.batch(List.of(Op.put("a", "1"), Op.del("keep"), Op.put(null, "2"))));
      assertThat(Expect.entries(db)).containsExactly("keep=1");
    });
    f.test("batchWithANullValueWritesNothing", db -> {
      Expect.code(LEVEL_INVALID_VALUE,
          () -> db.batch(List.of(Op.put("a", "1"), Op.put("b", null))));
      assertThat(Expect.keys(db)).isEmpty();
    });
    f.test("batchWithAValueItsCodecCannotEncodeWritesNothing", db -> {
      Level<String, String> hex = db.with(Codecs.UTF8, Codecs.HEX);
      Expect.code(LEVEL_INVALID_VALUE,
          () -> hex.batch(List.of(Op.put("a", "00ff"), Op.put("b", "not hex"))));
      assertThat(Expect.keys(db)).isEmpty();
    });
    f.test("batchWithSyncOptionIsWritten", db -> {
      db.batch(List.of(Op.put("a", "1")), WriteOptions.SYNC);
      assertThat(db.get("a")).isEqualTo("1");
    });
    f.test("batchOfThousandsOfOpsIsApplied", db -> {
      List<Op<String, String>> ops = new ArrayList<>();
      for (int i = 0; i < 5000; i++) {
        ops.add(Op.put(String.format("k%05d", i), "v" + i));
      }
      db.batch(ops);
      assertThat(Expect.keys(db)).hasSize(5000);
      assertThat(db.get("k04999")).isEqualTo("v4999");
    });
    f.test("batchOnSublevelWritesUnderItsPrefix", db -> {
      Level<String, String> sub = db.sublevel("s");
      sub.batch(List.of(Op.put("a", "1"), Op.put("b", "2")));
      assertThat(Expect.entries(db)).containsExactly("!s!a=1", "!s!b=2");
    });

    f.test("chainedBatchWritesNothingBeforeWrite", db -> {
      Batch<String, String> b = db.batch().put("a", "1").put("b", "2");
      assertThat(db.has("a")).isFalse();
      b.write();
      assertThat(Expect.entries(db)).containsExactly("a=1", "b=2");
    });
    f.test("chainedBatchAppliesPutsAndDelsInOrder", db -> {
      Expect.fill(db, "x");
      db.batch().put("a", "1").del("a").del("x").put("y", "2").write();
      assertThat(Expect.entries(db)).containsExactly("y=2");
    });
    f.test("chainedBatchLengthCountsQueuedOps", db -> {
      try (Batch<String, String> b = db.batch()) {
        assertThat(b.length()).isZero();
        b.put("a", "1").del("b").put("c", "3");
        assertThat(b.length()).isEqualTo(3);
      }
    });
    f.test("chainedBatchClearDropsQueuedOpsAndStaysUsable", db -> {
      Batch<String, String> b = db.batch().put("a", "1").put("b", "2");
      b.clear();
      assertThat(b.length()).isZero();
      b.put("c", "3").write();
      assertThat(Expect.keys(db)).containsExactly("c");
    });
    f.test("emptyChainedBatchWriteIsANoOp", db -> {
      db.batch().write();
      assertThat(Expect.keys(db)).isEmpty();
    });
    f.test("chainedBatchCannotBeWrittenTwice", db -> {
      Batch<String, String> b = db.batch().put("a", "1");
      b.write();
      Expect.code(LEVEL_BATCH_NOT_OPEN, b::write);
      Expect.code(LEVEL_BATCH_NOT_OPEN, () -> b.put("b", "2"));
      assertThat(Expect.keys(db)).containsExactly("a");
    });
    f.test("chainedBatchClosedWithoutWriteWritesNothing", db -> {
      try (Batch<String, String> b = db.batch()) {
        b.put("a", "1");
      }
      assertThat(Expect.keys(db)).isEmpty();
    });
    f.test("chainedBatchCannotBeUsedAfterClose", db -> {
      Batch<String, String> b = db.batch();
      b.close();
      Expect.code(LEVEL_BATCH_NOT_OPEN, () -> b.put("a", "1"));
      Expect.code(LEVEL_BATCH_NOT_OPEN, b::write);
      assertThat(Expect.keys(db)).isEmpty();
    });
    f.test("chainedBatchClearAfterWriteIsBatchNotOpen", db -> {
      Batch<String, String> b = db.batch().put("a", "1");
      b.write();
      Expect.code(LEVEL_BATCH_NOT_OPEN, b::clear);
      Expect.code(LEVEL_BATCH_NOT_OPEN, () -> b.del("a"));
    });
    f.test("databaseCloseClosesItsOpenChainedBatches", db -> {
      Batch<String, String> b = db.batch().put("a", "1");
      db.close();
      Expect.code(LEVEL_BATCH_NOT_OPEN, () -> b.put("b", "2"));
      try {
        db.open();
      } catch (LevelException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_NOT_SUPPORTED);
        return;
      }
      Expect.code(LEVEL_BATCH_NOT_OPEN, b::write);
      assertThat(db.get("a")).isNull();
    });
    f.test("chainedBatchOfAClosedDatabaseIsNotOpen", db -> {
      db.close();
      Expect.code(ErrorCode.LEVEL_DATABASE_NOT_OPEN, db::batch);
      Expect.code(ErrorCode.LEVEL_DATABASE_NOT_OPEN, () -> db.sublevel("s").batch());
    });
    f.test("chainedBatchCloseTwiceAndAfterWriteIsHarmless", db -> {
      Batch<String, String> b = db.batch().put("a", "1");
      b.write();
      b.close();
      b.close();
      assertThat(db.get("a")).isEqualTo("1");
    });
    f.test("chainedBatchRejectsANullKeyAtOnceAndStaysUsable", db -> {
      Batch<String, String> b = db.batch().put("a", "1");
      Expect.code(LEVEL_INVALID_KEY, () -> b.put(null, "2"));
      Expect.code(LEVEL_INVALID_KEY, () -> b.del(null));
      assertThat(b.length()).isEqualTo(1);
      b.write();
      assertThat(Expect.keys(db)).containsExactly("a");
    });
    f.test("chainedBatchRejectsANullValueAtOnce", db -> {
      Batch<String, String> b = db.batch();
      Expect.code(LEVEL_INVALID_VALUE, () -> b.put("a", null));
      assertThat(b.length()).isZero();
      b.close();
    });
    f.test("chainedBatchWithSyncOptionIsWritten", db -> {
      db.batch().put("a", "1").write(WriteOptions.SYNC);
      assertThat(db.get("a")).isEqualTo("1");
    });
    f.test("chainedBatchWritesIntoSublevels", db -> {
      Level<String, String> users = db.sublevel("users");
      Level<String, String> posts = db.sublevel("posts");
      users.put("u0", "gone");
      db.batch().put("top", "t").put(users, "u1", "alice").put(posts, "p1", "hello")
          .del(users, "u0").write();
      assertThat(Expect.entries(users)).containsExactly("u1=alice");
      assertThat(Expect.entries(posts)).containsExactly("p1=hello");
      assertThat(db.get("top")).isEqualTo("t");
    });
    f.test("chainedBatchOfASublevelWritesIntoTheRootAndSiblings", db -> {
      Level<String, String> a = db.sublevel("a");
      Level<String, String> b = db.sublevel("b");
      a.batch().put("x", "1").put(db, "root", "2").put(b, "y", "3").write();
      assertThat(Expect.entries(db)).containsExactly("!a!x=1", "!b!y=3", "root=2");
    });
    f.test("chainedBatchIntoATypedSublevelUsesItsCodecs", db -> {
      Level<String, Long> counts = db.sublevel("n", Codecs.UTF8, Codecs.SORTABLE_LONG);
      db.batch().put(counts, "a", 5L).put("plain", "p").write();
      assertThat(counts.get("a")).isEqualTo(5L);
      assertThat(db.bytes().get("!n!a".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
          .hasSize(8);
    });
    f.test("chainedBatchIntoNestedSublevels", db -> {
      Level<String, String> inner = db.sublevel("a").sublevel("b");
      db.batch().put(inner, "k", "v").write();
      assertThat(db.get("!a!!b!k")).isEqualTo("v");
    });
    f.test("chainedBatchRejectsALevelOfAnotherDatabase", db -> {
      try (Database other = MemoryLevel.open()) {
        Batch<String, String> b = db.batch();
        Expect.code(LEVEL_INVALID_ARGUMENT, () -> b.put(other, "a", "1"));
        Expect.code(LEVEL_INVALID_ARGUMENT, () -> b.del(other.sublevel("s"), "a"));
        b.close();
        assertThat(Expect.keys(other)).isEmpty();
      }
    });
    f.test("chainedBatchCrossSublevelWriteIsAtomicWhenRejected", db -> {
      Level<String, String> a = db.sublevel("a");
      Level<String, String> b = db.sublevel("b");
      b.prewrite((op, batch) -> {
        throw new IllegalStateException("b is read-only");
      });
      Batch<String, String> batch = db.batch().put(a, "x", "1").put("root", "2").put(b, "y", "3");
      Expect.code(org.level4j.ErrorCode.LEVEL_HOOK_ERROR, batch::write);
      assertThat(Expect.keys(db)).isEmpty();
    });
    return f.build();
  }
}
