package org.level4j.mutex;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.level4j.Entry;
import org.level4j.ErrorCode;
import org.level4j.Level;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.Registration;

/**
 * Read-on-write consistency over a {@link Level}, as Node's level-mutex gives a levelup store: a
 * value you check is still the stored value when the write you decided on is applied.
 *
 * <p>The mutex alternates two phases. A <b>read phase</b> takes every queued read ({@link #get},
 * {@link #peekFirst}, {@link #peekLast}), runs them, and delivers their results in submission
 * order. A <b>write phase</b> then takes every queued {@link #put} and {@link #del} and applies
 * them as <em>one atomic batch</em>; the {@linkplain #onFlushed flushed} event fires, then each
 * write's future completes with the batch's outcome, in submission order. Then the next read
 * phase starts.
 *
 * <p>The check-then-write pattern: give a read a <em>continuation</em>. It receives the value and
 * a {@link Writer}; whatever it writes there joins the write phase that follows this read phase,
 * before any other read can run. Throwing rejects the update (its writes are dropped) and fails
 * the returned future with what was thrown; returning completes the future with the returned
 * value once its writes are flushed.
 *
 * <pre>{@code
 * Level<String, Doc> docs = db.sublevel("docs", Codecs.UTF8, Codecs.json(Doc.class));
 * LevelMutex<String, Doc> mutex = LevelMutex.over(docs);
 *
 * CompletableFuture<Long> rev = mutex.get(id, (doc, writer) -> {
 *   if (doc == null || doc.rev() != expectedRev || writer.pending(id)) {
 *     throw new LevelException(ErrorCode.LEVEL_CONFLICT, "rev " + expectedRev + " is out of date");
 *   }
 *   writer.put(id, new Doc(expectedRev + 1, body));
 *   return expectedRev + 1;
 * });
 * }</pre>
 *
 * <h2>Threading</h2>
 *
 * <ul>
 *   <li>Any thread may call any method; every method but {@link #close()} returns at once.
 *   <li>Each mutex has one thread of its own, the <em>phase thread</em>. It runs continuations
 *       and listeners, and completes the futures the mutex returns, so stages chained onto those
 *       futures without an executor usually run there too (or in the chaining thread, if the
 *       future was already complete). Only failures found at submission (a closed mutex, a null
 *       key) come back as futures already completed.
 *   <li><b>Only writes made through the continuation's {@link Writer} are guaranteed to follow
 *       their read without another read in between.</b> A {@code put} issued from a dependent
 *       stage, such as {@code mutex.get(k).thenAccept(v -> mutex.put(k, f(v)))}, is a plain
 *       write: another read may run first, so its check is worth nothing.
 *   <li>Do not block on the phase thread (in continuations, listeners, or stages chained onto
 *       the mutex's futures): every operation of the mutex waits meanwhile. Waiting for an
 *       unfinished future of the mutex there ({@code join()}, {@code get()}) would never end, so
 *       it fails at once with {@link ErrorCode#LEVEL_INVALID_ARGUMENT}.
 *   <li>State used only by continuations and listeners of one mutex (such as a set of keys being
 *       written, cleared on {@code flushed}) is confined to the phase thread and needs no lock.
 * </ul>
 *
 * <p>Happens-before: what a thread did before submitting an operation is visible to that
 * operation's continuation; a continuation's actions are visible to whoever sees its future
 * complete; a write phase is applied before its futures complete, and any read submitted after
 * that sees it. A read does <em>not</em> see writes still queued: read phases come first, so a
 * {@code get} submitted right after a {@code put} (without waiting for its future or {@link
 * #afterWrite()}) may return the older value, as in level-mutex.
 *
 * <p>The mutex guards only operations made through it; writes made to the level directly, or by
 * other processes, are not ordered against its phases. Closing the mutex does not close the
 * level.
 */
public final class LevelMutex<K, V> implements AutoCloseable {
  /*
   * Design. level-mutex relies on Node's single thread: a read callback runs before the event
   * loop can start anything else, so a put issued from it is queued before the next read phase
   * exists. Java callers live on many threads, so the mutex gets a thread of its own and runs
   * every callback on it; the write queue is then taken only by that thread, after the last
   * continuation of a read phase has returned, which gives the same guarantee.
   *
   * Continuations receive a Writer rather than calling put() because a CompletableFuture's
   * dependents run wherever the future happens to be completed from: a thenAccept attached after
   * completion runs in the caller's thread, long after the phase moved on. Binding the write to
   * the continuation makes the safe path the only one the types offer.
   *
   * Reads of a phase are all started before the first one is delivered, so asynchronous levels
   * (a remote guest) pipeline them; results are still delivered strictly in submission order.
   * The phase thread blocks while a batch is applied; that is the point of the write phase.
   * Queue and flag changes happen under one lock that never covers user code or the completion
   * of a future (whose dependents would run under it).
   */

  private final Cycle<K, V> cycle;

  private LevelMutex(Level<K, V> level, boolean shared) {
    this.cycle = new Cycle<>(level, shared);
  }

  /**
   * A new mutex over {@code level}; close it when done (the level stays open).
   *
   * @param <K> the key type
   * @param <V> the value type
   * @param level the level to guard; only this process writes to it
   * @return the mutex
   */
  public static <K, V> LevelMutex<K, V> over(Level<K, V> level) {
    if (level == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "level must not be null");
    }
    LevelMutex<K, V> mutex = new LevelMutex<>(level, false);
    mutex.cycle.start();
    return mutex;
  }

  /**
   * A new mutex over a level that other processes write too, such as a {@code RaveLevel} (or a
   * guest of a host that others use). A per-process mutex cannot stop another process from
   * writing between a read and the write decided on it, so here each continuation's writes carry
   * what its read saw as a precondition ({@link Op#expect}: the key of a {@code get}, or the entry
   * a {@code peekFirst}/{@code peekLast} found, still holds the value read; an absent key is still
   * absent). The engine checks it when it applies the batch.
   *
   * <p>If every precondition holds, the write phase is one atomic batch as usual. If one fails,
   * the phase is applied again continuation by continuation, each its own batch, in submission
   * order: the continuations whose reads went stale fail with {@link ErrorCode#LEVEL_CONFLICT}
   * (nothing of theirs written) and the others succeed. A peek's precondition covers the entry it
   * found, not entries that another process may insert before it.
   *
   * @param <K> the key type
   * @param <V> the value type
   * @param level the level to guard, with conditional batches
   * @throws LevelException {@code LEVEL_NOT_SUPPORTED} if the level has no conditional batches
   * @return the mutex
   */
  public static <K, V> LevelMutex<K, V> shared(Level<K, V> level) {
    if (level == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "level must not be null");
    }
    if (!level.supports().conditionalBatch()) {
      throw new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED, "a shared LevelMutex needs "
          + "conditional batches, and this level has none (supports().conditionalBatch())");
    }
    LevelMutex<K, V> mutex = new LevelMutex<>(level, true);
    mutex.cycle.start();
    return mutex;
  }

  /**
   * Whether continuations' writes carry their reads as preconditions (see {@link #shared}).
   *
   * @return true for a mutex made by {@link #shared}
   */
  public boolean isShared() {
    return cycle.shared;
  }

  /**
   * The level this mutex guards.
   *
   * @return the guarded level
   */
  public Level<K, V> level() {
    return cycle.level;
  }

  // ---- reads ----------------------------------------------------------------------------------

  /**
   * The value at {@code key} ({@code null} if absent), read in the next read phase.
   *
   * @param key the key to read
   * @return a future of the value
   */
  public CompletableFuture<V> get(K key) {
    return cycle.read(() -> cycle.level.async().get(key), null);
  }

  /**
   * Reads {@code key} in the next read phase and hands its value ({@code null} if absent) to
   * {@code then} on the phase thread; writes made through the {@link Writer} join the write phase
   * that follows. The future completes with {@code then}'s result after those writes are flushed
   * (at once if it wrote nothing), or fails with what {@code then} threw, the read's error, or the
   * batch's error.
   *
   * @param <R> what {@code then} returns
   * @param key the key to read
   * @param then receives the value and a writer for the next write phase
   * @return a future of {@code then}'s result
   */
  public <R> CompletableFuture<R> get(K key,
      BiFunction<? super V, Writer<K, V>, ? extends R> then) {
    return cycle.read(() -> cycle.level.async().get(key), required(then),
        v -> v == null ? Op.expectAbsent(key) : Op.expect(key, v));
  }

  /**
   * The first entry of {@code range} in key order, or {@code null} if it is empty.
   *
   * @param range the range to look in
   * @return a future of the first entry, or of {@code null}
   */
  public CompletableFuture<Entry<K, V>> peekFirst(Range<K> range) {
    return cycle.read(peek(range, false), null);
  }

  /**
   * {@link #peekFirst(Range)} with a continuation, as {@link #get(Object, BiFunction)}.
   *
   * @param <R> what {@code then} returns
   * @param range the range to look in
   * @param then receives the first entry (or {@code null}) and a writer
   * @return a future of {@code then}'s result
   */
  public <R> CompletableFuture<R> peekFirst(Range<K> range,
      BiFunction<? super Entry<K, V>, Writer<K, V>, ? extends R> then) {
    return cycle.read(peek(range, false), required(then), LevelMutex::sameEntry);
  }

  /**
   * The last entry of {@code range} in key order, or {@code null} if it is empty.
   *
   * @param range the range to look in
   * @return a future of the last entry, or of {@code null}
   */
  public CompletableFuture<Entry<K, V>> peekLast(Range<K> range) {
    return cycle.read(peek(range, true), null);
  }

  /**
   * {@link #peekLast(Range)} with a continuation, as {@link #get(Object, BiFunction)}.
   *
   * @param <R> what {@code then} returns
   * @param range the range to look in
   * @param then receives the last entry (or {@code null}) and a writer
   * @return a future of {@code then}'s result
   */
  public <R> CompletableFuture<R> peekLast(Range<K> range,
      BiFunction<? super Entry<K, V>, Writer<K, V>, ? extends R> then) {
    return cycle.read(peek(range, true), required(then), LevelMutex::sameEntry);
  }

  // ---- writes ---------------------------------------------------------------------------------

  /**
   * Queues a put for the next write phase. The future completes (or fails) with the outcome of
   * that phase's batch, after the {@code flushed} event. Not a check-then-write: for that, write
   * inside a read's continuation.
   *
   * @param key the key to write
   * @param value its new value
   * @return a future of the write phase's outcome
   */
  public CompletableFuture<Void> put(K key, V value) {
    if (key == null) {
      return CompletableFuture.failedFuture(
          new LevelException(ErrorCode.LEVEL_INVALID_KEY, "key must not be null"));
    }
    if (value == null) {
      return CompletableFuture.failedFuture(new LevelException(ErrorCode.LEVEL_INVALID_VALUE,
          "value must not be null (use del() to remove a key)"));
    }
    return cycle.write(Op.put(key, value));
  }

  /**
   * Queues a del for the next write phase; see {@link #put}.
   *
   * @param key the key to delete
   * @return a future of the write phase's outcome
   */
  public CompletableFuture<Void> del(K key) {
    if (key == null) {
      return CompletableFuture.failedFuture(
          new LevelException(ErrorCode.LEVEL_INVALID_KEY, "key must not be null"));
    }
    return cycle.write(Op.del(key));
  }

  /**
   * Completes once every write queued now has been flushed (after their own futures), or at once
   * if none is queued or being written. It completes normally whatever the batch's outcome; the
   * writes' futures carry that. Called on the phase thread, the decision waits until the current
   * continuation or listener step is over, so a continuation's own writes count as queued.
   *
   * @return a future that completes once the queued writes are flushed
   */
  public CompletableFuture<Void> afterWrite() {
    return cycle.afterWrite();
  }

  // ---- events ---------------------------------------------------------------------------------

  /**
   * Calls {@code listener} on the phase thread as each read phase starts, with its read count.
   *
   * @param listener receives the number of reads of each read phase
   * @return close it to stop listening
   */
  public Registration onReads(IntConsumer listener) {
    return cycle.onReads(listener);
  }

  /**
   * Calls {@code listener} on the phase thread as each write phase starts, with the operations
   * of its batch (read-only), in submission order.
   *
   * @param listener receives the operations of each write phase
   * @return close it to stop listening
   */
  public Registration onWrites(Consumer<List<Op<K, V>>> listener) {
    return cycle.onWrites(listener);
  }

  /**
   * Calls {@code listener} on the phase thread after each batch was applied or failed, before
   * the writes' futures complete.
   *
   * @param listener runs after each batch
   * @return close it to stop listening
   */
  public Registration onFlushed(Runnable listener) {
    return cycle.onFlushed(listener);
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * Stops the mutex: a phase in progress finishes (a batch being written keeps its outcome), then
   * every queued operation and every later one fails with {@link
   * ErrorCode#LEVEL_DATABASE_NOT_OPEN}. Waits for that, except on the phase thread itself. Does
   * not close the level. Closing twice is harmless.
   */
  @Override
  public void close() {
    cycle.close();
  }

  @Override
  public String toString() {
    return "LevelMutex[" + cycle.level + "]";
  }

  private Supplier<CompletableFuture<Entry<K, V>>> peek(Range<K> range, boolean last) {
    return () -> {
      if (range == null) {
        throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
            "range must not be null; use Range.all()");
      }
      LevelIterator<K, Entry<K, V>> it = cycle.level.iterator(range.reverse(last).limit(1));
      CompletableFuture<Entry<K, V>> next;
      try {
        next = it.nextAsync();
      } catch (RuntimeException e) {
        it.close();
        throw e;
      }
      return next.whenComplete((entry, error) -> it.close());
    };
  }

  /** A peek's precondition: the entry it found still holds its value (none if it found none). */
  private static <K, V> Op<K, V> sameEntry(Entry<K, V> e) {
    return e == null ? null : Op.expect(e.key(), e.value());
  }

  private static <T> T required(T then) {
    if (then == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "the continuation must not be null");
    }
    return then;
  }
}
