package org.level4j.mutex;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.level4j.AsyncLevel;
import org.level4j.Codec;
import org.level4j.Codecs;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.ErrorCode;
import org.level4j.Level;
import org.level4j.LevelException;
import org.level4j.Range;
import org.level4j.Registration;
import org.level4j.conformance.LevelFactory;
import org.level4j.conformance.Seed;

/**
 * What a {@link LevelMutex} promises, against databases from {@link #factory()}. A module runs it
 * against its own databases with a one-line subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressWarnings("try") // a Hold is used for its scope only
public abstract class LevelMutexSpec {
  private static final long WAIT_SECONDS = 20;

  /** A revisioned document, as couchup stores them. */
  public record Doc(long rev, String body) {}

  /** New, open, empty databases for each test. */
  protected abstract LevelFactory factory();

  private LevelFactory factory;
  private Database db;
  private final List<LevelMutex<?, ?>> mutexes = new ArrayList<>();

  @BeforeEach
  void openDatabase() throws Exception {
    if (factory == null) {
      factory = factory();
    }
    db = factory.open();
  }

  @AfterEach
  void closeDatabase() {
    for (LevelMutex<?, ?> m : mutexes) {
      m.close();
    }
    mutexes.clear();
    db.close();
  }

  @AfterAll
  void cleanup() throws Exception {
    if (factory != null) {
      factory.cleanup();
    }
  }

  /** True to run every case on {@link LevelMutex#shared} mutexes. */
  protected boolean shared() {
    return false;
  }

  private <K, V> LevelMutex<K, V> mutex(Level<K, V> level) {
    LevelMutex<K, V> m = shared() ? LevelMutex.shared(level) : LevelMutex.over(level);
    mutexes.add(m);
    return m;
  }

  /** A {@link LevelMutex#shared} mutex, whatever {@link #shared()} says. */
  private <K, V> LevelMutex<K, V> sharedMutex(Level<K, V> level) {
    LevelMutex<K, V> m = LevelMutex.shared(level);
    mutexes.add(m);
    return m;
  }

  private Level<String, Doc> docs() {
    return db.sublevel("docs", Codecs.UTF8, Codecs.json(Doc.class));
  }

  // ---- the revision example of level-mutex's README ------------------------------------------

  /**
   * The README's {@code write(key, revision, value, cb)}, in Java: the stored revision must be the
   * one the caller saw, and a key already being written in this cycle is refused too. The pending
   * set is touched only by the continuation and the flushed listener, both on the phase thread.
   */
  static final class Revisions {
    private final LevelMutex<String, Doc> mutex;
    private final Set<String> pending = new HashSet<>();

    Revisions(LevelMutex<String, Doc> mutex) {
      this.mutex = mutex;
      mutex.onFlushed(pending::clear);
    }

    CompletableFuture<Long> write(String key, long revision, String body) {
      return mutex.get(key, (doc, writer) -> {
        if (doc == null || doc.rev() != revision) {
          throw new LevelException(ErrorCode.LEVEL_CONFLICT, "rev is out of date");
        }
        if (!pending.add(key)) {
          throw new LevelException(ErrorCode.LEVEL_CONFLICT, "rev is out of date (pending)");
        }
        writer.put(key, new Doc(revision + 1, body));
        return revision + 1;
      });
    }
  }

  @Test
  void revisionExampleAcceptsTheCurrentRevisionAndRejectsAStaleOne() throws Exception {
    Level<String, Doc> docs = docs();
    docs.put("doc", new Doc(1, "first"));
    Revisions revisions = new Revisions(mutex(docs));

    assertThat(done(revisions.write("doc", 1, "second"))).isEqualTo(2L);
    assertThat(docs.get("doc")).isEqualTo(new Doc(2, "second"));

    assertThat(conflict(revisions.write("doc", 1, "late"))).contains("rev is out of date");
    assertThat(docs.get("doc")).isEqualTo(new Doc(2, "second"));
    assertThat(conflict(revisions.write("absent", 0, "x"))).contains("rev is out of date");
  }

  @Test
  void revisionExampleRejectsASecondWriterOfAKeyPendingInTheSameCycle() throws Exception {
    Level<String, Doc> docs = docs();
    docs.put("doc", new Doc(1, "first"));
    LevelMutex<String, Doc> mutex = mutex(docs);
    Revisions revisions = new Revisions(mutex);

    CompletableFuture<Long> first;
    CompletableFuture<Long> second;
    try (Hold hold = hold(mutex, "~hold")) {
      // Both read revision 1 in the same read phase; only the first may write revision 2.
      first = revisions.write("doc", 1, "from first");
      second = revisions.write("doc", 1, "from second");
    }
    assertThat(done(first)).isEqualTo(2L);
    assertThat(conflict(second)).contains("pending");
    assertThat(docs.get("doc")).isEqualTo(new Doc(2, "from first"));

    // The pending set was cleared by the flush: the next revision goes through.
    assertThat(done(revisions.write("doc", 2, "third"))).isEqualTo(3L);
  }

  /** The README's example (line breaks aside): {@link Writer#pending}, no hand-kept set. */
  static CompletableFuture<Long> update(LevelMutex<String, Doc> mutex, String id, long rev,
      String body) {
    return mutex.get(id, (doc, writer) -> {
      long current = doc == null ? 0 : doc.rev();
      // writer.pending(id): an earlier update of this same read phase already took revision rev.
      if (current != rev || writer.pending(id)) {
        throw new LevelException(ErrorCode.LEVEL_CONFLICT,
            "rev " + rev + " of " + id + " is out of date");
      }
      writer.put(id, new Doc(rev + 1, body));
      return rev + 1;
    });
  }

  @Test
  void readmeExampleAcceptsTheFirstUpdateOfARevisionOnly() throws Exception {
    LevelMutex<String, Doc> mutex = mutex(docs());
    assertThat(done(update(mutex, "doc", 0, "first"))).isEqualTo(1L);
    assertThat(conflict(update(mutex, "doc", 0, "again"))).endsWith("rev 0 of doc is out of date");
    assertThat(done(update(mutex, "doc", 1, "second"))).isEqualTo(2L);
  }

  @Test
  void writerPendingSeesWritesQueuedByEarlierContinuationsAndPlainPuts() throws Exception {
    LevelMutex<String, Doc> mutex = mutex(docs());
    CompletableFuture<Long> first;
    CompletableFuture<Long> second;
    CompletableFuture<Boolean> seenPlain;
    CompletableFuture<Boolean> seenOther;
    try (Hold hold = hold(mutex, "~hold")) {
      first = update(mutex, "a", 0, "one");
      second = update(mutex, "a", 0, "two");
      mutex.put("b", new Doc(7, "plain"));
      seenPlain = mutex.get("x", (doc, writer) -> writer.pending("b"));
      seenOther = mutex.get("x", (doc, writer) -> writer.pending("c"));
    }
    assertThat(done(first)).isEqualTo(1L);
    assertThat(conflict(second)).contains("rev 0 of a is out of date");
    assertThat(done(seenPlain)).isTrue();
    assertThat(done(seenOther)).isFalse();
  }

  @Test
  void concurrentRevisionCheckedUpdatesLoseNothingAndRejectOnlyStaleRevisions() throws Exception {
    long seed = Seed.of("concurrentRevisionCheckedUpdates");
    int threads = 8;
    int updates = 500;
    String[] ids = {"a", "b", "c"};
    Level<String, Doc> docs = docs();
    LevelMutex<String, Doc> mutex = mutex(docs);

    record Outcome(String id, long from, boolean accepted) {}
    ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        running.add(pool.submit(() -> {
          Random random = new Random(seed + thread);
          for (int i = 0; i < updates; i++) {
            String id = ids[random.nextInt(ids.length)];
            Doc seen = mutex.get(id).join();
            long rev = seen == null ? 0 : seen.rev();
            try {
              update(mutex, id, rev, thread + "/" + i).join();
              outcomes.add(new Outcome(id, rev, true));
            } catch (java.util.concurrent.CompletionException e) {
              assertThat(LevelException.of(e, ErrorCode.LEVEL_IO_ERROR).code())
                  .isEqualTo(ErrorCode.LEVEL_CONFLICT);
              outcomes.add(new Outcome(id, rev, false));
            }
          }
          return null;
        }));
      }
      for (Future<?> f : running) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(outcomes).as("seed %d", seed).hasSize(threads * updates);
    Map<String, List<Long>> acceptedFrom = new HashMap<>();
    for (Outcome o : outcomes) {
      if (o.accepted()) {
        acceptedFrom.computeIfAbsent(o.id(), k -> new ArrayList<>()).add(o.from());
      }
    }
    for (String id : ids) {
      List<Long> from = acceptedFrom.getOrDefault(id, List.of());
      Collections.sort(from);
      Doc stored = docs.get(id);
      // No lost update: each accepted update moved the document one revision on, from a
      // distinct revision, and nothing else did.
      assertThat(stored == null ? 0 : stored.rev()).as("seed %d, doc %s", seed, id)
          .isEqualTo(from.size());
      for (int r = 0; r < from.size(); r++) {
        assertThat(from.get(r)).as("seed %d, doc %s", seed, id).isEqualTo(r);
      }
    }
    // Every rejection was right: the revision it presented was taken by an accepted update.
    for (Outcome o : outcomes) {
      if (!o.accepted()) {
        assertThat(acceptedFrom.getOrDefault(o.id(), List.of())).as("seed %d, %s", seed, o)
            .contains(o.from());
      }
    }
  }

  // ---- phases and ordering -------------------------------------------------------------------

  @Test
  void readsAreDeliveredInSubmissionOrderEvenWhenTheyFinishOutOfOrder() throws Exception {
    db.put("k0", "v0");
    db.put("k1", "v1");
    db.put("k2", "v2");
    db.put("k3", "v3");
    // k0 answers last, k3 first.
    Level<String, String> slow = withSlowGets(db, key -> 40L * (3 - (key.charAt(1) - '0')));
    LevelMutex<String, String> mutex = mutex(slow);
    List<String> delivered = Collections.synchronizedList(new ArrayList<>());
    List<Integer> readPhases = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<?>> all = new ArrayList<>();
    try (Hold hold = hold(mutex, "~hold")) {
      mutex.onReads(readPhases::add);
      for (int i = 0; i < 4; i++) {
        String key = "k" + i;
        all.add(mutex.get(key).thenAccept(v -> delivered.add(key + "=" + v)));
      }
      all.add(mutex.peekLast(Range.<String>all().lt("k3"))
          .thenAccept(e -> delivered.add("last<k3=" + e.key())));
    }
    done(CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])));
    assertThat(delivered).containsExactly("k0=v0", "k1=v1", "k2=v2", "k3=v3", "last<k3=k2");
    assertThat(readPhases).containsExactly(5);
  }

  @Test
  void oneCycleEmitsReadsThenWritesThenFlushedThenCompletesWritesInSubmissionOrder()
      throws Exception {
    LevelMutex<String, String> mutex = mutex(db);
    db.put("c", "old");
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<?>> all = new ArrayList<>();
    try (Hold hold = hold(mutex, "~hold")) {
      mutex.onReads(n -> events.add("reads " + n));
      mutex.onWrites(ops -> events.add("writes " + ops));
      mutex.onFlushed(() -> events.add("flushed"));
      all.add(mutex.put("a", "1").thenRun(() -> events.add("put a")));
      all.add(mutex.get("c", (v, w) -> w.put("b", v + "!")).thenRun(() -> events.add("cont b")));
      all.add(mutex.del("c").thenRun(() -> events.add("del c")));
      all.add(mutex.put("d", "4").thenRun(() -> events.add("put d")));
    }
    done(CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])));
    // The continuation's write is queued when it returns, after the plain writes already queued.
    assertThat(events).containsExactly(
        "reads 1",
        "writes [put(a, 1), del(c), put(d, 4), put(b, old!)]",
        "flushed",
        "put a", "del c", "put d", "cont b");
    assertThat(db.get("b")).isEqualTo("old!");
    assertThat(db.get("c")).isNull();
  }

  @Test
  void writesOfAContinuationAreAppliedBeforeAnyLaterRead() throws Exception {
    LevelMutex<String, String> mutex = mutex(db);
    db.put("x", "0");
    AtomicReference<CompletableFuture<String>> later = new AtomicReference<>();
    CompletableFuture<String> sameCycle;
    CompletableFuture<String> cont;
    try (Hold hold = hold(mutex, "~hold")) {
      cont = mutex.get("x", (v, writer) -> {
        writer.put("x", "1");
        // Another thread reads while this continuation still runs: that read must wait for the
        // write phase this put joins.
        Thread reader = new Thread(() -> later.set(mutex.get("x")));
        reader.start();
        joinUninterruptibly(reader);
        return v;
      });
      sameCycle = mutex.get("x");
    }
    assertThat(done(cont)).isEqualTo("0");
    assertThat(done(sameCycle)).as("a read of the same phase sees the state before").isEqualTo("0");
    assertThat(done(later.get())).isEqualTo("1");
  }

  @Test
  void aReadSubmittedAfterAWriteCompletedSeesIt() throws Exception {
    LevelMutex<String, String> mutex = mutex(db);
    for (int i = 0; i < 50; i++) {
      done(mutex.put("k", "v" + i));
      assertThat(done(mutex.get("k"))).isEqualTo("v" + i);
    }
  }

  @Test
  void peeksSeeTheFirstAndLastEntryOfARange() throws Exception {
    Level<Long, String> log = db.sublevel("log", Codecs.SORTABLE_LONG, Codecs.UTF8);
    LevelMutex<Long, String> mutex = mutex(log);
    assertThat(done(mutex.peekFirst(Range.all()))).isNull();
    for (long i = 1; i <= 5; i++) {
      log.put(i * 10, "e" + i);
    }
    db.put("zz", "outside the sublevel");
    assertThat(done(mutex.peekFirst(Range.all()))).isEqualTo(new Entry<>(10L, "e1"));
    assertThat(done(mutex.peekLast(Range.all()))).isEqualTo(new Entry<>(50L, "e5"));
    assertThat(done(mutex.peekFirst(Range.<Long>all().gt(10L).reverse())))
        .isEqualTo(new Entry<>(20L, "e2"));
    assertThat(done(mutex.peekLast(Range.<Long>all().lt(40L).limit(7))))
        .isEqualTo(new Entry<>(30L, "e3"));
    assertThat(done(mutex.peekLast(Range.<Long>all().gt(50L)))).isNull();
  }

  @Test
  void appendingAfterPeekLastFromManyThreadsLeavesNoGapOrDuplicate() throws Exception {
    Level<Long, String> log = db.sublevel("log", Codecs.SORTABLE_LONG, Codecs.UTF8);
    LevelMutex<Long, String> mutex = mutex(log);
    int threads = 4;
    int appends = 100;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String name = "t" + t;
        running.add(pool.submit(() -> {
          int done = 0;
          while (done < appends) {
            CompletableFuture<Long> seq = mutex.peekLast(Range.all(), (last, writer) -> {
              long next = last == null ? 1 : last.key() + 1;
              if (writer.pending(next)) {
                return -1L; // someone of this phase took it; try again
              }
              writer.put(next, name);
              return next;
            });
            if (seq.join() > 0) {
              done++;
            }
          }
          return null;
        }));
      }
      for (Future<?> f : running) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<Long> keys = log.keys(Range.all()).all();
    assertThat(keys).hasSize(threads * appends);
    for (int i = 0; i < keys.size(); i++) {
      assertThat(keys.get(i)).isEqualTo(i + 1L);
    }
  }

  // ---- errors --------------------------------------------------------------------------------

  @Test
  void aHookRejectingOneWriteFailsEveryWriteOfItsBatch() throws Exception {
    LevelMutex<String, String> mutex = mutex(db);
    db.prewrite((op, batch) -> {
      if (op.key().equals("poison")) {
        throw new IllegalStateException("no poison here");
      }
    });
    List<CompletableFuture<?>> writes = new ArrayList<>();
    try (Hold hold = hold(mutex, "~hold")) {
      writes.add(mutex.put("a", "1"));
      writes.add(mutex.get("x", (v, w) -> w.put("b", "2")));
      writes.add(mutex.put("poison", "3"));
      writes.add(mutex.del("c"));
    }
    List<Throwable> failures = new ArrayList<>();
    for (CompletableFuture<?> f : writes) {
      failures.add(failureOf(f));
    }
    assertThat(failures).allSatisfy(t -> assertThat(((LevelException) t).code())
        .isEqualTo(ErrorCode.LEVEL_HOOK_ERROR));
    assertThat(failures).allSatisfy(t -> assertThat(t).isSameAs(failures.get(0)));
    assertThat(db.get("a")).isNull();
    assertThat(db.get("b")).isNull();
    // The mutex goes on.
    done(mutex.put("a", "ok"));
    assertThat(db.get("a")).isEqualTo("ok");
  }

  @Test
  void aValueItsCodecCannotEncodeFailsEveryWriteOfItsBatch() throws Exception {
    Codec<String> picky = new Codec<>() {
      @Override
      public String name() {
        return "picky";
      }

      @Override
      public byte[] encode(String value) {
        if (value.equals("unencodable")) {
          throw new IllegalArgumentException("picky codec refuses " + value);
        }
        return Codecs.UTF8.encode(value);
      }

      @Override
      public String decode(byte[] bytes) {
        return Codecs.UTF8.decode(bytes);
      }
    };
    LevelMutex<String, String> mutex = mutex(db.with(Codecs.UTF8, picky));
    CompletableFuture<Void> good;
    CompletableFuture<Void> bad;
    try (Hold hold = hold(mutex, "~hold")) {
      good = mutex.put("good", "fine");
      bad = mutex.put("bad", "unencodable");
    }
    assertThat(((LevelException) failureOf(good)).code()).isEqualTo(ErrorCode.LEVEL_INVALID_VALUE);
    assertThat(failureOf(bad)).isSameAs(failureOf(good));
    assertThat(db.get("good")).isNull();
  }

  @Test
  void aThrowingContinuationDropsItsOwnWritesOnly() throws Exception {
    LevelMutex<String, String> mutex = mutex(db);
    IllegalStateException refusal = new IllegalStateException("refused");
    CompletableFuture<Object> thrower;
    CompletableFuture<Void> other;
    try (Hold hold = hold(mutex, "~hold")) {
      thrower = mutex.get("x", (v, writer) -> {
        writer.put("dropped", "1");
        throw refusal;
      });
      other = mutex.put("kept", "2");
    }
    assertThat(failureOf(thrower)).isSameAs(refusal);
    done(other);
    assertThat(db.get("dropped")).isNull();
    assertThat(db.get("kept")).isEqualTo("2");
  }

  @Test
  void nullKeysAndValuesFailAloneWithoutSpoilingTheBatch() throws Exception {
    LevelMutex<String, String> mutex = mutex(db);
    CompletableFuture<Void> ok;
    CompletableFuture<Void> nullKey;
    CompletableFuture<Void> nullValue;
    CompletableFuture<Object> nullInWriter;
    try (Hold hold = hold(mutex, "~hold")) {
      ok = mutex.put("a", "1");
      nullKey = mutex.put(null, "1");
      nullValue = mutex.put("b", null);
      nullInWriter = mutex.get("a", (v, w) -> w.put("c", null));
    }
    done(ok);
    assertThat(((LevelException) failureOf(nullKey)).code()).isEqualTo(ErrorCode.LEVEL_INVALID_KEY);
    assertThat(((LevelException) failureOf(nullValue)).code())
        .isEqualTo(ErrorCode.LEVEL_INVALID_VALUE);
    assertThat(((LevelException) failureOf(nullInWriter)).code())
        .isEqualTo(ErrorCode.LEVEL_INVALID_VALUE);
    assertThat(db.get("a")).isEqualTo("1");
  }

  @Test
  void aFailingListenerDoesNotStopTheMutex() throws Exception {
    LevelMutex<String, String> mutex = mutex(db);
    mutex.onReads(n -> {
      throw new IllegalStateException("listener bug");
    });
    mutex.onFlushed(() -> {
      throw new IllegalStateException("listener bug");
    });
    done(mutex.put("a", "1"));
    assertThat(done(mutex.get("a"))).isEqualTo("1");
  }

  // ---- misuse that the API turns into errors -------------------------------------------------

  @Test
  void aWriterCannotBeUsedAfterItsContinuationOrFromAnotherThread() throws Exception {
    LevelMutex<String, String> mutex = mutex(db);
    AtomicReference<Writer<String, String>> kept = new AtomicReference<>();
    AtomicReference<Throwable> fromOtherThread = new AtomicReference<>();
    done(mutex.get("x", (v, writer) -> {
      kept.set(writer);
      Thread other = new Thread(() -> {
        try {
          writer.put("y", "1");
        } catch (Throwable t) {
          fromOtherThread.set(t);
        }
      });
      other.start();
      joinUninterruptibly(other);
      return null;
    }));
    assertThat(((LevelException) fromOtherThread.get()).code())
        .isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT);
    LevelException late = catchLevel(() -> kept.get().put("y", "1"));
    assertThat(late.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT);
    assertThat(late.getMessage()).contains("returned");
    assertThat(db.get("y")).isNull();
  }

  @Test
  void joiningAMutexFutureOnThePhaseThreadFailsInsteadOfHanging() throws Exception {
    LevelMutex<String, String> mutex = mutex(db);
    db.put("a", "1");
    CompletableFuture<Object> attempt = mutex.get("x", (v, w) -> mutex.get("a").join());
    assertThat(((LevelException) failureOf(attempt)).code())
        .isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT);
    assertThat(done(mutex.get("a"))).isEqualTo("1");
  }

  // ---- afterWrite ----------------------------------------------------------------------------

  @Test
  void afterWriteCompletesAtOnceWhenNothingIsPending() {
    LevelMutex<String, String> mutex = mutex(db);
    assertThat(mutex.afterWrite()).isCompleted();
  }

  @Test
  void afterWriteWaitsForTheWritesQueuedWhenItWasCalled() throws Exception {
    LevelMutex<String, String> mutex = mutex(db);
    CompletableFuture<Void> put;
    CompletableFuture<Void> after;
    try (Hold hold = hold(mutex, "~hold")) {
      put = mutex.put("a", "1");
      after = mutex.afterWrite();
      assertThat(after).isNotDone();
    }
    done(after);
    assertThat(put).isCompleted();
    assertThat(db.get("a")).isEqualTo("1");
  }

  @Test
  void afterWriteInsideAContinuationWaitsForThatContinuationsWrites() throws Exception {
    LevelMutex<String, String> mutex = mutex(db);
    AtomicReference<CompletableFuture<String>> seenAfter = new AtomicReference<>();
    done(mutex.get("x", (v, writer) -> {
      writer.put("x", "written");
      seenAfter.set(mutex.afterWrite().thenApply(nothing -> db.get("x")));
      return null;
    }));
    assertThat(done(seenAfter.get())).isEqualTo("written");
  }

  @Test
  void afterWriteCompletesNormallyWhenTheBatchFailed() throws Exception {
    LevelMutex<String, String> mutex = mutex(db);
    db.prewrite((op, batch) -> {
      throw new IllegalStateException("nothing may be written");
    });
    CompletableFuture<Void> put;
    CompletableFuture<Void> after;
    try (Hold hold = hold(mutex, "~hold")) {
      put = mutex.put("a", "1");
      after = mutex.afterWrite();
    }
    done(after);
    assertThat(((LevelException) failureOf(put)).code()).isEqualTo(ErrorCode.LEVEL_HOOK_ERROR);
  }

  // ---- closing -------------------------------------------------------------------------------

  @Test
  void closeFailsWhatIsQueuedButLetsTheRunningPhaseFinish() throws Exception {
    LevelMutex<String, String> mutex = mutex(db);
    db.put("a", "1");
    CompletableFuture<Object> closer;
    CompletableFuture<String> sameReadPhase;
    CompletableFuture<Void> queuedWrite;
    CompletableFuture<Object> continuationWrite;
    CompletableFuture<Void> after;
    try (Hold hold = hold(mutex, "~hold")) {
      closer = mutex.get("a", (v, w) -> {
        mutex.close(); // on the phase thread: returns at once, the phase ends
        return v;
      });
      sameReadPhase = mutex.get("a");
      queuedWrite = mutex.put("b", "2");
      continuationWrite = mutex.get("a", (v, w) -> w.put("c", "3"));
      after = mutex.afterWrite();
    }
    assertThat(done(closer)).isEqualTo("1");
    assertThat(done(sameReadPhase)).isEqualTo("1");
    for (CompletableFuture<?> f : List.of(queuedWrite, continuationWrite, after)) {
      assertThat(((LevelException) failureOf(f)).code())
          .isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPEN);
    }
    assertThat(db.get("b")).isNull();
    assertThat(db.get("c")).isNull();

    mutex.close(); // from this thread too: waits for the phase thread, harmless twice
    for (CompletableFuture<?> f : List.of(mutex.get("a"), mutex.put("d", "4"), mutex.afterWrite(),
        mutex.peekFirst(Range.all()))) {
      assertThat(((LevelException) failureOf(f)).code())
          .isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPEN);
    }
    assertThat(db.get("a")).as("closing the mutex leaves the database open").isEqualTo("1");
  }

  @Test
  void closeFromAnotherThreadSettlesEveryPendingOperation() throws Exception {
    LevelMutex<String, String> mutex = mutex(db);
    List<CompletableFuture<?>> ops = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      ops.add(mutex.put("k" + i, "v"));
      ops.add(mutex.get("k" + i));
    }
    mutex.close();
    for (CompletableFuture<?> f : ops) {
      assertThat(f).isDone();
      if (f.isCompletedExceptionally()) {
        assertThat(((LevelException) failureOf(f)).code())
            .isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPEN);
      }
    }
  }

  // ---- test tools ----------------------------------------------------------------------------

  /**
   * Holds the phase thread between two cycles until closed: it blocks in a flushed listener of a
   * trigger write (a del of {@code key}, which writes nothing visible). Everything submitted
   * meanwhile is taken by the next cycle: its reads by the next read phase, its writes, together
   * with those of that phase's continuations, by the write phase after it. Listeners added
   * meanwhile hear only the next cycle.
   */
  static final class Hold implements AutoCloseable {
    private final CountDownLatch release = new CountDownLatch(1);
    private final Registration registration;

    <K, V> Hold(LevelMutex<K, V> mutex, K key) {
      CountDownLatch entered = new CountDownLatch(1);
      AtomicBoolean first = new AtomicBoolean(true);
      registration = mutex.onFlushed(() -> {
        if (first.getAndSet(false)) {
          entered.countDown();
          awaitUninterruptibly(release);
        }
      });
      mutex.del(key);
      awaitUninterruptibly(entered);
    }

    @Override
    public void close() {
      registration.close();
      release.countDown();
    }
  }

  private static <K, V> Hold hold(LevelMutex<K, V> mutex, K key) {
    return new Hold(mutex, key);
  }

  /** {@code level} whose asynchronous gets answer after a delay chosen per key. */
  // ---- shared mutexes: other writers (processes) between a read and its write ----------------

  @Test
  void sharedStaleReadFailsOnlyItsOwnContinuation() throws Exception {
    db.put("a", "1");
    db.put("b", "1");
    LevelMutex<String, String> m = sharedMutex(db);
    CompletableFuture<String> a = m.get("a", (v, w) -> {
      db.put("a", "another process wrote this"); // between the read and the write
      w.put("a", v + "+1");
      return "a";
    });
    CompletableFuture<String> b = m.get("b", (v, w) -> {
      w.put("b", v + "+1");
      return "b";
    });
    assertThat(conflict(a)).contains("a");
    assertThat(done(b)).isEqualTo("b");
    assertThat(db.get("a")).isEqualTo("another process wrote this");
    assertThat(db.get("b")).isEqualTo("1+1");
  }

  @Test
  void sharedReadOfAnAbsentKeyGuardsItsCreation() throws Exception {
    LevelMutex<String, String> m = sharedMutex(db);
    CompletableFuture<Void> create = m.<Void>get("new", (v, w) -> {
      assertThat(v).isNull();
      db.put("new", "theirs");
      w.put("new", "mine");
      return null;
    });
    conflict(create);
    assertThat(db.get("new")).isEqualTo("theirs");
    // Read again, it sees theirs and may build on it.
    String seen = done(m.<String>get("new", (v, w) -> {
      w.put("new", v + "+mine");
      return v;
    }));
    assertThat(seen).isEqualTo("theirs");
    assertThat(db.get("new")).isEqualTo("theirs+mine");
  }

  @Test
  void sharedPeekGuardsTheEntryItFound() throws Exception {
    db.put("q1", "job");
    LevelMutex<String, String> m = sharedMutex(db);
    CompletableFuture<Void> take = m.<Void>peekFirst(Range.<String>all().gte("q").lt("r"), (e, w) -> {
      db.put("q1", "taken by another process");
      w.del(e.key());
      return null;
    });
    conflict(take);
    assertThat(db.get("q1")).isEqualTo("taken by another process");
  }

  @Test
  void sharedListenersSeeWritesNotPreconditions() throws Exception {
    LevelMutex<String, String> m = sharedMutex(db);
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    m.onWrites(ops -> ops.forEach(op -> seen.add(op.toString())));
    done(m.<Void>get("k", (v, w) -> {
      w.put("k", "v");
      return null;
    }));
    assertThat(seen).containsExactly("put(k, v)");
  }

  @SuppressWarnings("unchecked")
  private static <K, V> Level<K, V> withSlowGets(Level<K, V> level, ToLongFunction<K> millis) {
    AsyncLevel<K, V> async = level.async();
    AsyncLevel<K, V> slow = (AsyncLevel<K, V>) Proxy.newProxyInstance(
        AsyncLevel.class.getClassLoader(), new Class<?>[] {AsyncLevel.class}, (p, m, args) -> {
          Object result = call(m, async, args);
          if (m.getName().equals("get") && args.length == 1) {
            return ((CompletableFuture<Object>) result).thenApplyAsync(v -> v,
                CompletableFuture.delayedExecutor(millis.applyAsLong((K) args[0]),
                    TimeUnit.MILLISECONDS));
          }
          return result;
        });
    return (Level<K, V>) Proxy.newProxyInstance(Level.class.getClassLoader(),
        new Class<?>[] {Level.class},
        (p, m, args) -> m.getName().equals("async") && (args == null || args.length == 0)
            ? slow : call(m, level, args));
  }

  private static Object call(Method m, Object target, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static <T> T done(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("expected success, failed with " + e.getCause(), e.getCause());
    }
  }

  private static Throwable failureOf(CompletableFuture<?> f) throws Exception {
    try {
      Object value = f.get(WAIT_SECONDS, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("still pending after " + WAIT_SECONDS + "s", e);
    }
  }

  /** The message of the LEVEL_CONFLICT {@code f} fails with. */
  private static String conflict(CompletableFuture<?> f) throws Exception {
    Throwable t = failureOf(f);
    assertThat(t).isInstanceOf(LevelException.class);
    assertThat(((LevelException) t).code()).isEqualTo(ErrorCode.LEVEL_CONFLICT);
    return t.getMessage();
  }

  private static LevelException catchLevel(Runnable r) {
    try {
      r.run();
    } catch (LevelException e) {
      return e;
    }
    throw new AssertionError("expected a LevelException");
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
          throw new AssertionError("latch not released in " + WAIT_SECONDS + "s");
        }
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void joinUninterruptibly(Thread t) {
    try {
      t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
