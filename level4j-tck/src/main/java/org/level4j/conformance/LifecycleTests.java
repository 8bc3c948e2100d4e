package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.level4j.ErrorCode.LEVEL_DATABASE_NOT_OPEN;
import static org.level4j.ErrorCode.LEVEL_ITERATOR_NOT_OPEN;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DynamicContainer;
import org.level4j.Batch;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.Level;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.Status;

/** Open and close: status, every operation after close, closing twice, reopening. */
final class LifecycleTests {
  private LifecycleTests() {}

  static DynamicContainer all(LevelFactory factory) {
    Feature f = new Feature("lifecycle", factory);

    f.test("newDatabaseIsOpen", db -> assertThat(db.status()).isEqualTo(Status.OPEN));
    f.test("closeMakesItClosed", db -> {
      db.close();
      assertThat(db.status()).isEqualTo(Status.CLOSED);
      assertThat(db.sublevel("s").status()).isEqualTo(Status.CLOSED);
    });
    f.test("closeTwiceIsHarmless", db -> {
      db.close();
      db.close();
      assertThat(db.status()).isEqualTo(Status.CLOSED);
    });
    f.test("openOnAnOpenDatabaseDoesNothing", db -> {
      db.put("k", "v");
      db.open();
      assertThat(db.status()).isEqualTo(Status.OPEN);
      assertThat(db.get("k")).isEqualTo("v");
    });
    f.test("databaseOfTheRootIsItself", db -> {
      assertThat(db.database()).isSameAs(db);
      assertThat(db.sublevel("a").sublevel("b").database()).isSameAs(db);
      assertThat(db.bytes().database()).isSameAs(db);
    });

    Feature after = f.group("everyOperationAfterCloseIsDatabaseNotOpen");
    closed(after, "get", db -> db.get("k"));
    closed(after, "getMany", db -> db.getMany(List.of("k")));
    closed(after, "getManyOfEmptyList", db -> db.getMany(List.of()));
    closed(after, "has", db -> db.has("k"));
    closed(after, "hasMany", db -> db.hasMany(List.of("k")));
    closed(after, "put", db -> db.put("k", "v"));
    closed(after, "del", db -> db.del("k"));
    closed(after, "batch", db -> db.batch(List.of(Op.put("k", "v"))));
    closed(after, "emptyBatch", db -> db.batch(List.of()));
    closed(after, "chainedBatchWrite", db -> db.batch().put("k", "v").write());
    closed(after, "clear", db -> db.clear());
    closed(after, "clearRange", db -> db.clear(Range.<String>all().gt("a")));
    closed(after, "iterator", db -> db.iterator());
    closed(after, "keys", db -> db.keys(Range.all()));
    closed(after, "values", db -> db.values(Range.all()));
    closed(after, "snapshot", db -> db.snapshot());
    closed(after, "sublevelGet", db -> db.sublevel("s").get("k"));
    closed(after, "sublevelPut", db -> db.sublevel("s").put("k", "v"));
    closed(after, "sublevelIterator", db -> db.sublevel("s").keys(Range.all()));
    closed(after, "bytesPut", db -> db.bytes().put(new byte[] {1}, new byte[] {2}));
    after.test("chainedBatchStartedBeforeCloseWasClosedWithTheDatabase", db -> {
      Batch<String, String> b = db.batch().put("k", "v");
      db.close();
      Expect.code(ErrorCode.LEVEL_BATCH_NOT_OPEN, b::write);
    });
    after.test("asyncOperationsAreFailedFutures", db -> {
      db.close();
      Level<String, String> s = db.sublevel("s");
      for (Level<String, String> level : List.<Level<String, String>>of(db, s)) {
        Expect.failed(LEVEL_DATABASE_NOT_OPEN, level.async().get("k"));
        Expect.failed(LEVEL_DATABASE_NOT_OPEN, level.async().getMany(List.of("k")));
        Expect.failed(LEVEL_DATABASE_NOT_OPEN, level.async().has("k"));
        Expect.failed(LEVEL_DATABASE_NOT_OPEN, level.async().put("k", "v"));
        Expect.failed(LEVEL_DATABASE_NOT_OPEN, level.async().del("k"));
        Expect.failed(LEVEL_DATABASE_NOT_OPEN, level.async().batch(List.of(Op.del("k"))));
        Expect.failed(LEVEL_DATABASE_NOT_OPEN, level.async().clear(Range.all()));
      }
    });

    f.test("closeClosesOpenIterators", db -> {
      Expect.fill(db, "a", "b", "c");
      LevelIterator<String, String> it = db.keys(Range.all());
      assertThat(it.next()).isEqualTo("a");
      db.close();
      Expect.code(LEVEL_ITERATOR_NOT_OPEN, it::next);
      Expect.code(LEVEL_ITERATOR_NOT_OPEN, () -> it.nextv(2));
      Expect.failed(LEVEL_ITERATOR_NOT_OPEN, it.nextAsync());
      it.close();
    });
    f.test("closeClosesIteratorsOfSublevels", db -> {
      db.sublevel("s").put("k", "v");
      LevelIterator<String, String> it = db.sublevel("s").keys(Range.all());
      db.close();
      Expect.code(LEVEL_ITERATOR_NOT_OPEN, it::next);
    });
    f.test("closeWithManyOpenIteratorsAndSnapshots", db -> {
      Expect.fill(db, "a", "b");
      for (int i = 0; i < 20; i++) {
        db.keys(Range.all()).next();
        if (db.supports().explicitSnapshots()) {
          db.snapshot();
        }
      }
      db.close();
      assertThat(db.status()).isEqualTo(Status.CLOSED);
    });
    f.test("iteratorClosedByTheUserBeforeTheDatabaseIsFine", db -> {
      LevelIterator<String, String> it = db.keys(Range.all());
      it.close();
      db.close();
      it.close();
      assertThat(db.status()).isEqualTo(Status.CLOSED);
      Expect.code(LEVEL_ITERATOR_NOT_OPEN, it::next);
    });
    f.test("reopenAfterCloseWorksOrIsNotSupported", db -> {
      db.put("kept", "v");
      db.close();
      try {
        db.open();
      } catch (LevelException e) {
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.LEVEL_NOT_SUPPORTED);
        assertThat(db.status()).isEqualTo(Status.CLOSED);
        return;
      }
      assertThat(db.status()).isEqualTo(Status.OPEN);
      if (db.supports().permanence()) {
        assertThat(db.get("kept")).isEqualTo("v");
      }
      db.put("new", "w");
      assertThat(db.get("new")).isEqualTo("w");
      try (LevelIterator<String, String> it = db.keys(Range.<String>all().gte("new"))) {
        assertThat(it.next()).isEqualTo("new");
      }
    });
    f.test("closeWhileAnotherThreadWritesFailsItsWritesCleanly", db -> {
      // The writer writes until a write fails, so it is still writing when close() returns and
      // its next write must fail with LEVEL_DATABASE_NOT_OPEN; `stop` only ends a writer whose
      // writes never fail, so that the case fails instead of leaving it running.
      AtomicReference<LevelException> failed = new AtomicReference<>();
      AtomicReference<Throwable> unexpected = new AtomicReference<>();
      AtomicInteger written = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch started = new CountDownLatch(1);
      Thread writer = new Thread(() -> {
        for (int i = 0; !stop.get(); i++) {
          try {
            db.put("k" + (i % 100), "v" + i);
            written.incrementAndGet();
            started.countDown();
          } catch (LevelException e) {
            if (e.code() == LEVEL_DATABASE_NOT_OPEN) {
              failed.set(e);
            } else {
              unexpected.set(e);
            }
            return;
          } catch (RuntimeException | Error e) {
            unexpected.set(e);
            return;
          }
        }
      });
      writer.start();
      started.await();
      db.close();
      writer.join(10_000);
      stop.set(true);
      writer.join(10_000);
      assertThat(writer.isAlive()).as("the writer, stuck in a write").isFalse();
      assertThat(unexpected.get()).as("what else the writer's writes threw").isNull();
      assertThat(failed.get()).as("the writer's first write after close").isNotNull();
      assertThat(written.get()).isPositive();
    });
    f.test("closeWhileAnotherThreadIteratesEndsItCleanly", db -> {
      for (int i = 0; i < 200; i++) {
        db.put(String.format("%04d", i), "v");
      }
      AtomicReference<Throwable> unexpected = new AtomicReference<>();
      CountDownLatch started = new CountDownLatch(1);
      Thread reader = new Thread(() -> {
        try {
          while (true) {
            try (LevelIterator<String, String> it = db.keys(Range.all())) {
              started.countDown();
              while (it.next() != null) {
                Thread.onSpinWait();
              }
            }
          }
        } catch (LevelException e) {
          if (e.code() != LEVEL_DATABASE_NOT_OPEN && e.code() != LEVEL_ITERATOR_NOT_OPEN) {
            unexpected.set(e);
          }
        } catch (RuntimeException | Error e) {
          unexpected.set(e);
        }
      });
      reader.start();
      started.await();
      db.close();
      reader.join(10_000);
      assertThat(reader.isAlive()).isFalse();
      assertThat(unexpected.get()).isNull();
    });
    return f.build();
  }

  private interface Call {
    void on(Database db) throws Exception;
  }

  private static void closed(Feature f, String name, Call call) {
    f.test(name, db -> {
      db.close();
      ThrowingCallable c = () -> call.on(db);
      Expect.code(LEVEL_DATABASE_NOT_OPEN, c);
    });
  }
}
