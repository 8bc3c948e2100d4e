package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.level4j.ErrorCode.LEVEL_HOOK_ERROR;
import static org.level4j.ErrorCode.LEVEL_INVALID_ARGUMENT;
import static org.level4j.ErrorCode.LEVEL_INVALID_KEY;
import static org.level4j.ErrorCode.LEVEL_INVALID_VALUE;
import static org.level4j.ErrorCode.LEVEL_READONLY;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DynamicContainer;
import org.level4j.Codecs;
import org.level4j.ErrorCode;
import org.level4j.Level;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.Registration;
import org.level4j.Status;

/**
 * Pre-write hooks (adding to or rejecting a write), write listeners ({@code onWrite}), clear
 * listeners ({@code onClear}) and status listeners ({@code onStatus}).
 */
final class HookEventTests {
  private HookEventTests() {}

  static DynamicContainer all(LevelFactory factory) {
    Feature f = new Feature("hooks and write events", factory);

    f.test("prewriteHookSeesEachOperation", db -> {
      List<String> seen = new ArrayList<>();
      db.prewrite((op, batch) -> seen.add(op.toString()));
      db.put("a", "1");
      db.del("b");
      db.batch(List.of(Op.put("c", "3"), Op.del("d")));
      db.batch().put("e", "5").write();
      assertThat(seen).containsExactly("put(a, 1)", "del(b)", "put(c, 3)", "del(d)", "put(e, 5)");
    });
    f.test("prewriteHookAddsOperationsToTheSameWrite", db -> {
      Level<String, String> byEmail = db.sublevel("email");
      Level<String, String> users = db.sublevel("users");
      users.prewrite((op, batch) -> {
        if (op.type() == Op.Type.PUT) {
          batch.put(byEmail, op.value(), op.key());
        }
      });
      users.put("alice", "a@example.org");
      assertThat(byEmail.get("a@example.org")).isEqualTo("alice");
      users.batch().put("bob", "b@example.org").write();
      assertThat(byEmail.get("b@example.org")).isEqualTo("bob");
    });
    f.test("prewriteHookOperationsAreAtomicWithTheWrite", db -> {
      Level<String, String> log = db.sublevel("log");
      db.sublevel("data").prewrite((op, batch) -> batch.put(log, op.key(), "touched"));
      db.sublevel("guarded").prewrite((op, batch) -> {
        throw new IllegalStateException("guarded is read-only");
      });
      Expect.code(LEVEL_HOOK_ERROR, () -> db.batch().put(db.sublevel("data"), "k", "v")
          .put(db.sublevel("guarded"), "g", "v").write());
      assertThat(Expect.keys(db)).isEmpty();
    });
    f.test("prewriteHookOnASublevelSeesOnlyItsOpsWithItsKeys", db -> {
      List<String> seen = new ArrayList<>();
      Level<String, String> s = db.sublevel("s");
      s.prewrite((op, batch) -> seen.add(op.toString()));
      db.put("root", "1");
      s.put("k", "2");
      db.batch().put("x", "y").put(s, "j", "3").put(db.sublevel("t"), "k", "4").write();
      assertThat(seen).containsExactly("put(k, 2)", "put(j, 3)");
    });
    f.test("prewriteHookOfTheRootSeesSublevelOpsWithFullKeys", db -> {
      List<String> seen = new ArrayList<>();
      db.prewrite((op, batch) -> seen.add(op.key()));
      db.sublevel("s").put("k", "v");
      assertThat(seen).containsExactly("!s!k");
    });
    f.test("prewriteHookSpeaksItsLevelsCodecs", db -> {
      Level<String, Long> counts = db.sublevel("n", Codecs.UTF8, Codecs.SORTABLE_LONG);
      List<Long> seen = new ArrayList<>();
      counts.prewrite((op, batch) -> {
        seen.add(op.value());
        batch.put(op.key() + "-doubled", op.value() * 2);
      });
      counts.put("a", 21L);
      assertThat(seen).containsExactly(21L);
      assertThat(counts.get("a-doubled")).isEqualTo(42L);
    });
    f.test("prewriteHookThatThrowsRejectsTheWholeWrite", db -> {
      db.prewrite((op, batch) -> {
        if (op.key().equals("bad")) {
          throw new IllegalArgumentException("no bad keys");
        }
      });
      LevelException e = Expect.code(LEVEL_HOOK_ERROR,
          () -> db.batch(List.of(Op.put("good", "1"), Op.put("bad", "2"))));
      assertThat(e.getMessage()).contains("no bad keys");
      assertThat(e.getCause()).isInstanceOf(IllegalArgumentException.class);
      assertThat(Expect.keys(db)).isEmpty();
      Expect.code(LEVEL_HOOK_ERROR, () -> db.put("bad", "x"));
      Expect.code(LEVEL_HOOK_ERROR, () -> db.del("bad"));
      db.put("good", "ok");
      assertThat(Expect.keys(db)).containsExactly("good");
    });
    f.test("prewriteHookThrowingALevelExceptionKeepsItsCode", db -> {
      db.prewrite((op, batch) -> {
        throw new LevelException(LEVEL_READONLY, "writes are off");
      });
      Expect.code(LEVEL_READONLY, () -> db.put("a", "1"));
      assertThat(Expect.keys(db)).isEmpty();
    });
    f.test("prewriteHookAddingAnInvalidOpRejectsTheWrite", db -> {
      db.prewrite((op, batch) -> batch.put(null, "x"));
      Expect.code(LEVEL_INVALID_KEY, () -> db.put("a", "1"));
      assertThat(Expect.keys(db)).isEmpty();
    });
    f.test("prewriteHookMayNotWriteItsBatch", db -> {
      db.prewrite((op, batch) -> batch.write());
      Expect.code(LEVEL_INVALID_ARGUMENT, () -> db.put("a", "1"));
      assertThat(Expect.keys(db)).isEmpty();
    });
    f.test("prewriteHookRejectsAsyncWritesAsFailedFutures", db -> {
      db.prewrite((op, batch) -> {
        throw new IllegalStateException("no");
      });
      Expect.failed(LEVEL_HOOK_ERROR, db.async().put("a", "1"));
      Expect.failed(LEVEL_HOOK_ERROR, db.async().batch(List.of(Op.del("a"))));
      assertThat(Expect.keys(db)).isEmpty();
    });
    f.test("prewriteHookAlsoRunsForAsyncWrites", db -> {
      Level<String, String> copy = db.sublevel("copy");
      db.sublevel("s").prewrite((op, batch) -> batch.put(copy, op.key(), "copied"));
      Expect.done(db.sublevel("s").async().put("k", "v"));
      assertThat(copy.get("k")).isEqualTo("copied");
    });
    f.test("prewriteHookDoesNotRunForOperationsItAdded", db -> {
      AtomicInteger calls = new AtomicInteger();
      db.prewrite((op, batch) -> {
        calls.incrementAndGet();
        if (!op.key().startsWith("copy-")) {
          batch.put("copy-" + op.key(), op.value());
        }
      });
      db.put("a", "1");
      assertThat(calls.get()).isEqualTo(1);
      assertThat(Expect.keys(db)).containsExactly("a", "copy-a");
    });
    f.test("severalPrewriteHooksAllRun", db -> {
      db.prewrite((op, batch) -> batch.put("one", "1"));
      db.prewrite((op, batch) -> batch.put("two", "2"));
      db.put("k", "v");
      assertThat(Expect.keys(db)).containsExactly("k", "one", "two");
    });
    f.test("closingAHookRegistrationStopsIt", db -> {
      AtomicInteger calls = new AtomicInteger();
      Registration r = db.prewrite((op, batch) -> calls.incrementAndGet());
      db.put("a", "1");
      r.close();
      r.close();
      db.put("b", "2");
      assertThat(calls.get()).isEqualTo(1);
    });
    f.test("nullHookOrListenerIsInvalidArgument", db -> {
      Expect.code(LEVEL_INVALID_ARGUMENT, () -> db.prewrite(null));
      Expect.code(LEVEL_INVALID_ARGUMENT, () -> db.onWrite(null));
    });

    f.test("writeListenerReceivesTheOpsOfEachWrite", db -> {
      List<List<Op<String, String>>> seen = new ArrayList<>();
      db.onWrite(seen::add);
      db.put("a", "1");
      db.del("b");
      db.batch(List.of(Op.put("c", "3"), Op.del("a")));
      assertThat(seen).hasSize(3);
      assertThat(seen.get(0)).hasToString("[put(a, 1)]");
      assertThat(seen.get(1)).hasToString("[del(b)]");
      assertThat(seen.get(2)).hasToString("[put(c, 3), del(a)]");
    });
    f.test("writeListenerRunsAfterTheWriteIsVisible", db -> {
      List<String> readBack = new ArrayList<>();
      db.onWrite(ops -> readBack.add(db.get("k")));
      db.put("k", "v");
      assertThat(readBack).containsExactly("v");
    });
    f.test("writeListenerOfASublevelGetsItsOwnOpsDecoded", db -> {
      Level<String, Long> counts = db.sublevel("n", Codecs.UTF8, Codecs.SORTABLE_LONG);
      List<String> seen = new ArrayList<>();
      counts.onWrite(ops -> ops.forEach(op -> seen.add(op.toString())));
      counts.put("a", 1L);
      db.put("a", "root");
      db.sublevel("other").put("a", "x");
      db.batch().put(counts, "b", 2L).put("c", "root").del(counts, "a").write();
      assertThat(seen).containsExactly("put(a, 1)", "put(b, 2)", "del(a)");
    });
    f.test("writeListenerOfTheRootSeesSublevelWritesWithFullKeys", db -> {
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      db.onWrite(ops -> ops.forEach(op -> seen.add(op.key())));
      db.sublevel("s").put("k", "v");
      assertThat(seen).containsExactly("!s!k");
    });
    f.test("writeListenerIsNotCalledForWritesOutsideItsLevel", db -> {
      AtomicInteger calls = new AtomicInteger();
      db.sublevel("s").onWrite(ops -> calls.incrementAndGet());
      db.put("k", "v");
      db.sublevel("t").put("k", "v");
      db.sublevel("ss").put("k", "v");
      assertThat(calls.get()).isZero();
    });
    f.test("writeListenerSeesOpsAddedByHooks", db -> {
      Level<String, String> idx = db.sublevel("idx");
      db.sublevel("data").prewrite((op, batch) -> batch.put(idx, op.key(), "indexed"));
      List<String> seen = new ArrayList<>();
      idx.onWrite(ops -> ops.forEach(op -> seen.add(op.toString())));
      db.sublevel("data").put("k", "v");
      assertThat(seen).containsExactly("put(k, indexed)");
    });
    f.test("writeListenerIsNotCalledForRejectedWrites", db -> {
      AtomicInteger calls = new AtomicInteger();
      db.onWrite(ops -> calls.incrementAndGet());
      Expect.code(LEVEL_INVALID_VALUE, () -> db.put("k", null));
      db.prewrite((op, batch) -> {
        throw new IllegalStateException("no");
      });
      Expect.code(LEVEL_HOOK_ERROR, () -> db.put("k", "v"));
      assertThat(calls.get()).isZero();
    });
    f.test("writeListenerThatThrowsDoesNotFailTheWrite", db -> {
      db.onWrite(ops -> {
        throw new IllegalStateException("listener bug");
      });
      AtomicInteger after = new AtomicInteger();
      db.onWrite(ops -> after.incrementAndGet());
      db.put("k", "v");
      assertThat(db.get("k")).isEqualTo("v");
      assertThat(after.get()).isEqualTo(1);
    });
    f.test("writeListenerIsToldOfAsyncWrites", db -> {
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      db.onWrite(ops -> ops.forEach(op -> seen.add(op.toString())));
      Expect.done(db.async().put("a", "1"));
      Expect.done(db.async().batch(List.of(Op.del("a"))));
      Expect.done(db.async().del("b"));
      assertThat(seen).containsExactly("put(a, 1)", "del(a)", "del(b)");
    });
    f.test("closingAListenerRegistrationStopsIt", db -> {
      AtomicInteger calls = new AtomicInteger();
      Registration r = db.onWrite(ops -> calls.incrementAndGet());
      db.put("a", "1");
      r.close();
      r.close();
      db.put("b", "2");
      assertThat(calls.get()).isEqualTo(1);
    });
    f.test("severalListenersEachHearEveryWrite", db -> {
      AtomicInteger one = new AtomicInteger();
      AtomicInteger two = new AtomicInteger();
      db.onWrite(ops -> one.addAndGet(ops.size()));
      db.sublevel("s").onWrite(ops -> two.addAndGet(ops.size()));
      db.batch().put("a", "1").put(db.sublevel("s"), "b", "2").write();
      assertThat(one.get()).isEqualTo(2);
      assertThat(two.get()).isEqualTo(1);
    });
    f.test("clearListenerHearsTheRangeOfEachClear", db -> {
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      db.onClear(range -> seen.add(range.toString()));
      Expect.fill(db, "a", "b", "c");
      db.clear(Range.<String>all().gte("b"));
      Expect.done(db.async().clear(Range.<String>all().lt("b").limit(1)));
      db.clear();
      assertThat(seen).containsExactly(Range.<String>all().gte("b").toString(),
          Range.<String>all().lt("b").limit(1).toString(), Range.<String>all().toString());
      assertThat(Expect.keys(db)).isEmpty();
    });
    f.test("clearIsNotAWriteForHooksAndWriteListeners", db -> {
      AtomicInteger hooks = new AtomicInteger();
      AtomicInteger writes = new AtomicInteger();
      db.prewrite((op, batch) -> hooks.incrementAndGet());
      db.onWrite(ops -> writes.incrementAndGet());
      db.clear();
      assertThat(hooks.get()).isZero();
      assertThat(writes.get()).isZero();
    });
    f.test("clearListenerOfASublevelHearsClearsOfThatSectionInItsOwnTypes", db -> {
      Level<byte[], byte[]> raw = db.sublevel("s").with(Codecs.BYTES, Codecs.BYTES);
      List<Range<byte[]>> rawSeen = Collections.synchronizedList(new ArrayList<>());
      List<Range<String>> rootSeen = Collections.synchronizedList(new ArrayList<>());
      raw.onClear(rawSeen::add);
      db.onClear(rootSeen::add);
      db.sublevel("s").clear(Range.<String>all().gt("k"));
      assertThat(rawSeen).hasSize(1);
      assertThat(rawSeen.get(0).lower()).isEqualTo(new byte[] {'k'});
      assertThat(rawSeen.get(0).lowerInclusive()).isFalse();
      assertThat(rawSeen.get(0).upper()).isNull();
      assertThat(rootSeen).as("a clear of another section").isEmpty();
    });
    f.test("clearListenerIsNotCalledForAFailedClear", db -> {
      AtomicInteger calls = new AtomicInteger();
      db.onClear(range -> calls.incrementAndGet());
      db.close();
      Expect.code(ErrorCode.LEVEL_DATABASE_NOT_OPEN, db::clear);
      assertThat(calls.get()).isZero();
    });
    f.test("statusListenerHearsClosingAndClosed", db -> {
      List<Status> seen = Collections.synchronizedList(new ArrayList<>());
      db.onStatus(seen::add);
      db.close();
      assertThat(seen).containsExactly(Status.CLOSING, Status.CLOSED);
      try {
        db.open();
      } catch (LevelException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_NOT_SUPPORTED);
        return;
      }
      assertThat(seen).containsExactly(Status.CLOSING, Status.CLOSED, Status.OPENING,
          Status.OPEN);
    });
    f.test("closingAStatusRegistrationStopsIt", db -> {
      List<Status> removed = Collections.synchronizedList(new ArrayList<>());
      List<Status> kept = Collections.synchronizedList(new ArrayList<>());
      Registration r = db.onStatus(removed::add);
      db.onStatus(kept::add);
      r.close();
      r.close();
      db.close();
      assertThat(removed).isEmpty();
      assertThat(kept).as("a listener still registered").containsExactly(Status.CLOSING,
          Status.CLOSED);
    });
    return f.build();
  }
}
