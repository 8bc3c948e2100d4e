package org.level4j.mutex;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;

/**
 * One queued read: where its value comes from, the continuation to hand it to (if any) and the
 * future its caller holds. Touched by the submitting thread until it is queued, then only by the
 * phase thread.
 *
 * @param <T> what the read yields (a value, an entry)
 * @param <R> what the caller's future yields: {@code T} without continuation, else the
 *     continuation's result
 */
final class Read<K, V, T, R> {
  private final Supplier<CompletableFuture<T>> source;
  private final BiFunction<? super T, Writer<K, V>, ? extends R> then;
  private final java.util.function.Function<? super T, Op<K, V>> guard; // shared mutex only
  final PhaseFuture<R> result;
  private CompletableFuture<T> running;

  Read(Supplier<CompletableFuture<T>> source,
      BiFunction<? super T, Writer<K, V>, ? extends R> then,
      java.util.function.Function<? super T, Op<K, V>> guard, PhaseFuture<R> result) {
    this.source = source;
    this.then = then;
    this.guard = guard;
    this.result = result;
  }

  /** Starts the read; every read of a phase is started before the first is delivered. */
  void start() {
    try {
      running = source.get();
    } catch (RuntimeException e) {
      running = CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Waits for the read, then completes the caller's future or runs the continuation; the
   * continuation's writes go to {@code cycle}'s coming write phase. Phase thread only.
   */
  @SuppressWarnings("unchecked")
  void deliver(Cycle<K, V> cycle) {
    T value;
    try {
      value = running.join();
    } catch (CompletionException | CancellationException e) {
      result.completeExceptionally(LevelException.of(e, ErrorCode.LEVEL_IO_ERROR));
      return;
    }
    if (then == null) {
      ((CompletableFuture<T>) result).complete(value);
      return;
    }
    ContinuationWriter<K, V> writer = new ContinuationWriter<>(cycle);
    R r;
    try {
      r = then.apply(value, writer);
    } catch (Throwable t) {
      // A continuation that throws has rejected its own update: what it wrote is dropped.
      writer.finish();
      result.completeExceptionally(t);
      return;
    }
    List<Op<K, V>> ops = writer.finish();
    Op<K, V> precondition = guard == null || ops.isEmpty() ? null : guard.apply(value);
    if (precondition != null) {
      List<Op<K, V>> guarded = new java.util.ArrayList<>(ops.size() + 1);
      guarded.add(precondition);
      guarded.addAll(ops);
      ops = guarded;
    }
    if (ops.isEmpty()) {
      result.complete(r);
    } else {
      cycle.enqueue(ops, error -> {
        if (error == null) {
          result.complete(r);
        } else {
          result.completeExceptionally(error);
        }
      });
    }
  }
}
