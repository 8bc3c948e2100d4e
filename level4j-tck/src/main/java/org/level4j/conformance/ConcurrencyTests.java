package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DynamicContainer;
import org.level4j.Codecs;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.Level;
import org.level4j.LevelIterator;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.Snapshot;

/**
 * Several threads at once: disjoint and overlapping writers, readers during writes, and readers of
 * snapshots while writers move value between keys in atomic batches, keeping the sum constant.
 */
final class ConcurrencyTests {
  private ConcurrencyTests() {}

  private static final int THREADS = 4;
  private static final int ACCOUNTS = 20;
  private static final long TOTAL = ACCOUNTS * 100L;

  static DynamicContainer all(LevelFactory factory) {
    Feature f = new Feature("concurrency", factory);

    f.test("threadsWritingDisjointKeysLoseNothing", db -> {
      run(THREADS, t -> {
        for (int i = 0; i < 300; i++) {
          db.put("t" + t + "-" + String.format("%03d", i), Integer.toString(i));
        }
        return null;
      });
      assertThat(Expect.keys(db)).hasSize(THREADS * 300);
      for (int t = 0; t < THREADS; t++) {
        assertThat(db.get("t" + t + "-299")).isEqualTo("299");
      }
    });
    f.test("threadsWritingDisjointBatchesLoseNothing", db -> {
      run(THREADS, t -> {
        for (int i = 0; i < 50; i++) {
          db.batch().put("t" + t + "-" + i + "a", "x").put("t" + t + "-" + i + "b", "y").write();
        }
        return null;
      });
      assertThat(Expect.keys(db)).hasSize(THREADS * 100);
    });
    f.test("threadsWritingTheSameKeysLeaveOneWritersValueEach", db -> {
      run(THREADS, t -> {
        for (int round = 0; round < 100; round++) {
          for (int k = 0; k < 10; k++) {
            db.put("k" + k, "thread" + t + "-round" + round);
          }
        }
        return null;
      });
      for (int k = 0; k < 10; k++) {
        assertThat(db.get("k" + k)).matches("thread[0-3]-round99");
      }
    });
    f.test("threadsWritingAndDeletingTheSameKeys", db -> {
      long seed = Model.seed("threadsWritingAndDeletingTheSameKeys", 0);
      run(THREADS, t -> {
        Random random = new Random(seed + t);
        for (int i = 0; i < 400; i++) {
          String k = "k" + random.nextInt(20);
          if (random.nextBoolean()) {
            db.put(k, "t" + t);
          } else {
            db.del(k);
          }
        }
        return null;
      });
      for (String k : Expect.keys(db)) {
        assertThat(db.get(k)).matches("t[0-3]");
      }
    });
    f.test("readersDuringWritesSeeOnlyWrittenValues", db -> {
      for (int k = 0; k < 10; k++) {
        db.put("k" + k, "initial");
      }
      AtomicBoolean stop = new AtomicBoolean();
      Overlap overlap = new Overlap();
      List<Callable<Object>> tasks = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int writer = w;
        tasks.add(() -> {
          try {
            for (int i = 0; i < 500; i++) {
              overlap.writing(i, 500);
              db.put("k" + (i % 10), "w" + writer + ":" + i);
            }
          } finally {
            stop.set(true);
          }
          return null;
        });
      }
      for (int r = 0; r < 2; r++) {
        tasks.add(overlap.reader(stop, () -> {
          for (int k = 0; k < 10; k++) {
            assertThat(db.get("k" + k)).matches("initial|w[01]:\\d+");
          }
          assertThat(db.getMany(List.of("k0", "k9"))).doesNotContainNull();
        }));
      }
      runAll(tasks);
      overlap.check();
    });
    f.test("iteratorsSeeAConstantSumWhileBatchesMoveValue", db -> invariant(db, false));
    f.test("explicitSnapshotsSeeAConstantSumWhileBatchesMoveValue", db -> {
      if (!db.supports().explicitSnapshots()) {
        Expect.code(org.level4j.ErrorCode.LEVEL_NOT_SUPPORTED, db::snapshot);
        return;
      }
      invariant(db, true);
    });
    f.test("batchesAreNeverSeenHalfApplied", db -> {
      AtomicBoolean stop = new AtomicBoolean();
      Overlap overlap = new Overlap();
      List<Callable<Object>> tasks = new ArrayList<>();
      tasks.add(() -> {
        try {
          for (int i = 0; i < 300; i++) {
            overlap.writing(i, 300);
            String v = Integer.toString(i);
            db.batch(List.of(Op.put("a", v), Op.put("b", v), Op.put("c", v)));
          }
        } finally {
          stop.set(true);
        }
        return null;
      });
      tasks.add(overlap.reader(stop, () -> {
        try (LevelIterator<String, String> it = db.values(Range.all())) {
          List<String> values = it.all();
          if (!values.isEmpty() && db.supports().implicitSnapshots()) {
            assertThat(values).hasSize(3);
            assertThat(Set.copyOf(values)).hasSize(1);
          }
        }
      }));
      runAll(tasks);
      overlap.check();
    });
    f.test("manyIteratorsInParallelThreads", db -> {
      for (int i = 0; i < 200; i++) {
        db.put(String.format("%03d", i), "v" + i);
      }
      run(THREADS, t -> {
        for (int round = 0; round < 20; round++) {
          try (LevelIterator<String, Entry<String, String>> it =
              db.iterator(Range.<String>all().reverse(t % 2 == 0))) {
            assertThat(it.all()).hasSize(200);
          }
        }
        return null;
      });
    });
    f.test("threadsWritingToDifferentSublevels", db -> {
      run(THREADS, t -> {
        Level<String, Long> sub = db.sublevel("s" + t, Codecs.UTF8, Codecs.SORTABLE_LONG);
        for (long i = 0; i < 200; i++) {
          sub.put(String.format("%03d", i), i);
        }
        sub.clear(Range.<String>all().gte("100"));
        return null;
      });
      for (int t = 0; t < THREADS; t++) {
        assertThat(Expect.keys(db.sublevel("s" + t))).hasSize(100);
      }
    });
    f.test("asyncWritesFromManyThreads", db -> {
      run(THREADS, t -> {
        List<java.util.concurrent.CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          futures.add(db.async().put("t" + t + "-" + i, "v"));
        }
        for (java.util.concurrent.CompletableFuture<Void> fu : futures) {
          Expect.done(fu);
        }
        return null;
      });
      assertThat(Expect.keys(db)).hasSize(THREADS * 200);
    });
    return f.build();
  }

  /**
   * Writers move random amounts between random accounts in atomic batches; readers sum all
   * accounts from one iterator (or one explicit snapshot) and must always find the same total.
   */
  private static void invariant(Database db, boolean explicit) throws Exception {
    long seed = Model.seed("constantSum" + (explicit ? "Snapshot" : "Iterator"), 0xacc0L);
    Level<String, Long> accounts = db.sublevel("acct", Codecs.UTF8, Codecs.SORTABLE_LONG);
    for (int i = 0; i < ACCOUNTS; i++) {
      accounts.put(account(i), TOTAL / ACCOUNTS);
    }
    Object writeLock = new Object();
    AtomicBoolean stop = new AtomicBoolean();
    Overlap overlap = new Overlap();
    List<Callable<Object>> tasks = new ArrayList<>();
    int writers = 2;
    int[] finished = {0};
    for (int w = 0; w < writers; w++) {
      Random random = new Random(seed + w);
      tasks.add(() -> {
        try {
          for (int i = 0; i < 300; i++) {
            overlap.writing(i, 300);
            String from = account(random.nextInt(ACCOUNTS));
            String to = account(random.nextInt(ACCOUNTS));
            long amount = random.nextInt(50);
            // Read-modify-write must not interleave between writers; readers are not locked.
            synchronized (writeLock) {
              long a = accounts.get(from);
              if (from.equals(to)) {
                continue;
              }
              long b = accounts.get(to);
              accounts.batch(List.of(Op.put(from, a - amount), Op.put(to, b + amount)));
            }
          }
        } finally {
          synchronized (finished) {
            if (++finished[0] == writers) {
              stop.set(true);
            }
          }
        }
        return null;
      });
    }
    for (int r = 0; r < 2; r++) {
      tasks.add(overlap.reader(stop, () -> {
        if (explicit) {
          try (Snapshot s = db.snapshot()) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < ACCOUNTS; i++) {
              names.add(account(i));
            }
            long sum = 0;
            for (Long v : accounts.getMany(names, s)) {
              sum += v;
            }
            assertThat(sum).as("sum through a snapshot (seed %s)", seed).isEqualTo(TOTAL);
            try (LevelIterator<String, Long> it = accounts.values(Range.all(), s)) {
              assertThat(it.all().stream().mapToLong(Long::longValue).sum()).isEqualTo(TOTAL);
            }
          }
        } else {
          try (LevelIterator<String, Long> it = accounts.values(Range.all())) {
            long sum = 0;
            int n = 0;
            for (List<Long> part = it.nextv(3); !part.isEmpty(); part = it.nextv(3)) {
              for (Long v : part) {
                sum += v;
                n++;
              }
            }
            assertThat(n).isEqualTo(ACCOUNTS);
            if (db.supports().implicitSnapshots()) {
              assertThat(sum).as("sum through an iterator (seed %s)", seed).isEqualTo(TOTAL);
            }
          }
        }
      }));
    }
    runAll(tasks);
    overlap.check();
    long sum = 0;
    try (LevelIterator<String, Long> it = accounts.values(Range.all())) {
      for (Long v : it) {
        sum += v;
      }
    }
    assertThat(sum).isEqualTo(TOTAL);
  }

  /**
   * Makes reads and writes overlap, so that a test of readers during writes cannot pass having
   * read nothing while anything was written (a fast writer may finish before a reader starts).
   * Each writer stops halfway through its writes until some read has run from start to end while
   * writes were under way; {@link #check()} then asserts it happened.
   */
  private static final class Overlap {
    private final java.util.concurrent.CountDownLatch readDuringWrites =
        new java.util.concurrent.CountDownLatch(1);
    private volatile boolean writing;

    /** A writer calls this before its write {@code i} of {@code n}. */
    void writing(int i, int n) throws InterruptedException {
      writing = true;
      if (i == n / 2 && !readDuringWrites.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("no read ran while writes were under way");
      }
    }

    /** A reader's task: {@code read} again and again until {@code stop} is set. */
    Callable<Object> reader(AtomicBoolean stop, Read read) {
      return () -> {
        while (!stop.get()) {
          boolean startedDuringWrites = writing;
          read.run();
          if (startedDuringWrites) {
            readDuringWrites.countDown();
          }
        }
        return null;
      };
    }

    void check() {
      assertThat(readDuringWrites.getCount()).as("reads that ran while writes were under way")
          .isZero();
    }
  }

  private static String account(int i) {
    return String.format("%02d", i);
  }

  private interface Read {
    void run() throws Exception;
  }

  private interface Task {
    Object run(int thread) throws Exception;
  }

  private static void run(int threads, Task task) throws Exception {
    List<Callable<Object>> tasks = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      tasks.add(() -> task.run(id));
    }
    runAll(tasks);
  }

  /** Runs tasks on their own threads and rethrows the first failure (assertions included). */
  private static void runAll(List<Callable<Object>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      List<Future<Object>> futures = new ArrayList<>();
      for (Callable<Object> c : tasks) {
        futures.add(pool.submit(c));
      }
      for (Future<Object> fu : futures) {
        try {
          fu.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof Error) {
            throw (Error) cause;
          }
          throw new AssertionError("a thread failed: " + cause, cause);
        }
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
