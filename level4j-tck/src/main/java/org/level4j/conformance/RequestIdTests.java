package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.level4j.ErrorCode.LEVEL_CONFLICT;
import static org.level4j.ErrorCode.LEVEL_INVALID_ARGUMENT;
import static org.level4j.ErrorCode.LEVEL_NOT_SUPPORTED;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DynamicContainer;
import org.level4j.AsyncLevel;
import org.level4j.Database;
import org.level4j.Level;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.RequestId;
import org.level4j.Supports;
import org.level4j.WriteOptions;

/**
 * Writes carrying a {@link RequestId} ({@link WriteOptions#request()}): applied at most once per
 * request, recorded somewhere no read, iterator or clear ever sees. Where {@link
 * Supports#exactlyOnce()} is false, each case checks that such a write fails with {@code
 * LEVEL_NOT_SUPPORTED} and writes nothing.
 */
final class RequestIdTests {
  private RequestIdTests() {}

  static DynamicContainer all(LevelFactory factory) {
    Feature f = new Feature("exactly once", factory);

    f.test("clientIdMustHaveOneTo64Bytes", db -> {
      Expect.code(LEVEL_INVALID_ARGUMENT, () -> new RequestId(new byte[0], 1, 0));
      Expect.code(LEVEL_INVALID_ARGUMENT, () -> new RequestId(new byte[65], 1, 0));
      Expect.code(LEVEL_INVALID_ARGUMENT, () -> new RequestId(null, 1, 0));
    });

    once(f, "aRepeatedRequestIsNotAppliedAgain", db -> {
      WriteOptions r = once("c", 1);
      db.put("k", "first", r);
      db.put("k", "plain");
      db.put("k", "again", r);
      assertThat(db.get("k")).isEqualTo("plain");
    });
    once(f, "aRepeatedBatchIsNotAppliedAgainEvenIfItsPreconditionNoLongerHolds", db -> {
      WriteOptions r = once("c", 7);
      db.batch(List.of(Op.expectAbsent("n"), Op.put("n", "1")), r);
      db.batch(List.of(Op.expectAbsent("n"), Op.put("n", "1")), r);
      assertThat(Expect.entries(db)).containsExactly("n=1");
    });
    once(f, "aRejectedBatchIsNotRecordedSoItsRetryIsCheckedAnew", db -> {
      WriteOptions r = once("c", 3);
      Expect.code(LEVEL_CONFLICT, () -> db.batch(List.of(Op.expect("k", "v"), Op.put("a", "1")), r));
      db.put("k", "v");
      db.batch(List.of(Op.expect("k", "v"), Op.put("a", "1")), r);
      assertThat(Expect.entries(db)).containsExactly("a=1", "k=v");
    });
    once(f, "requestsOfOtherClientsOrNumbersAreDistinct", db -> {
      db.put("k", "1", once("c", 1));
      db.put("k", "2", once("c", 2));
      db.put("k", "3", once("d", 1));
      assertThat(db.get("k")).isEqualTo("3");
    });
    once(f, "recordsAreNeverSeenByReadsIteratorsOrClears", db -> {
      for (int i = 0; i < 20; i++) {
        db.put("k" + i, "v", once("c", i));
      }
      Level<byte[], byte[]> raw = db.bytes();
      assertThat(Expect.keys(raw)).hasSize(20);
      assertThat(Expect.keys(raw, Range.<byte[]>all().reverse())).hasSize(20);
      db.clear();
      assertThat(Expect.keys(raw)).isEmpty();
      // Cleared data does not clear the records: the requests stay applied.
      db.put("k1", "retried", once("c", 1));
      assertThat(db.has("k1")).isFalse();
    });
    once(f, "aRepeatedRequestIsNotAnnounced", db -> {
      AtomicInteger writes = new AtomicInteger();
      db.onWrite(ops -> writes.incrementAndGet());
      db.put("k", "v", once("c", 1));
      db.put("k", "v", once("c", 1));
      Expect.done(db.async().put("k", "v", once("c", 1)));
      assertThat(writes.get()).isEqualTo(1);
    });
    once(f, "asyncWritesHonourRequestsToo", db -> {
      Expect.done(db.async().batch(List.of(Op.put("a", "1")), once("c", 5)));
      db.del("a");
      Expect.done(db.async().batch(List.of(Op.put("a", "1")), once("c", 5)));
      assertThat(db.has("a")).isFalse();
    });
    f.test("batchOnceTellsWhetherItWroteNow", Supports::exactlyOnce, db -> {
      Expect.failed(LEVEL_NOT_SUPPORTED,
          db.async().batchOnce(List.of(Op.put("k", "v")), once("c", 1)));
      assertThat(db.has("k")).isFalse();
    }, db -> {
      AsyncLevel<String, String> async = db.async();
      assertThat(Expect.done(async.batchOnce(List.of(Op.put("k", "first")), once("c", 1))))
          .as("the request's first batch").isTrue();
      assertThat(db.get("k")).isEqualTo("first");
      db.del("k");
      assertThat(Expect.done(async.batchOnce(List.of(Op.put("k", "first")), once("c", 1))))
          .as("the same request again").isFalse();
      assertThat(db.has("k")).isFalse();
      assertThat(Expect.done(async.batchOnce(List.of(Op.put("k", "second")), once("c", 2))))
          .as("the client's next request").isTrue();
      assertThat(db.get("k")).isEqualTo("second");
    });
    f.test("batchOnceWithoutARequestIdAlwaysWrites", db -> {
      AsyncLevel<String, String> async = db.async();
      assertThat(Expect.done(async.batchOnce(List.of(Op.put("k", "v")), WriteOptions.DEFAULT)))
          .isTrue();
      db.del("k");
      assertThat(Expect.done(async.batchOnce(List.of(Op.put("k", "v")), WriteOptions.DEFAULT)))
          .isTrue();
      assertThat(db.get("k")).isEqualTo("v");
    });
    once(f, "chainedBatchAndSublevelWritesTakeRequests", db -> {
      Level<String, String> s = db.sublevel("s");
      s.batch().put("x", "1").write(once("c", 9));
      s.del("x");
      s.batch().put("x", "1").write(once("c", 9));
      assertThat(s.has("x")).isFalse();
    });
    once(f, "manyThreadsRetryingOneRequestApplyItOnce", db -> {
      db.put("counter", "0");
      List<Thread> threads = new java.util.ArrayList<>();
      List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread th = new Thread(() -> {
          try {
            for (int seq = 1; seq <= 25; seq++) {
              // Every thread sends the same 25 requests: each is a blind increment.
              while (true) {
                String seen = db.get("counter");
                String next = Integer.toString(Integer.parseInt(seen) + 1);
                try {
                  db.batch(List.of(Op.expect("counter", seen), Op.put("counter", next),
                      Op.put("done-" + seq, "x")), once("shared", seq));
                  break;
                } catch (org.level4j.LevelException e) {
                  if (e.code() != LEVEL_CONFLICT) {
                    throw e;
                  }
                  if (db.has("done-" + seq)) {
                    break; // another thread applied this request meanwhile
                  }
                }
              }
            }
          } catch (RuntimeException | Error e) {
            failures.add(e);
          }
        });
        threads.add(th);
        th.start();
      }
      for (Thread th : threads) {
        th.join(30_000);
      }
      assertThat(failures).isEmpty();
      assertThat(db.get("counter")).isEqualTo("25");
    });
    return f.build();
  }

  private static WriteOptions once(String client, long seq) {
    return WriteOptions.builder()
        .request(new RequestId(client.getBytes(StandardCharsets.UTF_8), seq, 0)).build();
  }

  private static void once(Feature f, String name, Feature.Body body) {
    f.test(name, Supports::exactlyOnce, RequestIdTests::refused, body);
  }

  private static void refused(Database db) {
    Expect.code(LEVEL_NOT_SUPPORTED, () -> db.put("k", "v", once("c", 1)));
    Expect.code(LEVEL_NOT_SUPPORTED, () -> db.batch(List.of(Op.put("k", "v")), once("c", 2)));
    Expect.failed(LEVEL_NOT_SUPPORTED, db.async().put("k", "v", once("c", 3)));
    assertThat(db.has("k")).isFalse();
  }
}
