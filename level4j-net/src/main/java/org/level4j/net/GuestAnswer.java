package org.level4j.net;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A future of a {@link GuestEngine}: waiting on it with {@link #join()} or {@link #get()} first
 * reads the answer of the request it comes from, if nobody else is reading (the reading turn, see
 * {@link GuestEngine#await}). Futures derived from it ({@code thenApply} and the like) are of this
 * kind too.
 */
class GuestAnswer<T> extends CompletableFuture<T> {
  final GuestEngine engine;
  private final GuestRequest<?> source;
  private boolean mapping; // only a hint: a race costs at most a park of the reader thread

  GuestAnswer(GuestEngine engine, GuestRequest<?> source) {
    this.engine = engine;
    this.source = source;
  }

  GuestRequest<?> source() {
    return source;
  }

  @Override
  public T join() {
    engine.callerWaits(source());
    if (!isDone()) {
      engine.await(source());
    }
    return super.join();
  }

  @Override
  public T get() throws InterruptedException, ExecutionException {
    engine.callerWaits(source());
    if (!isDone() && !Thread.currentThread().isInterrupted()) {
      engine.await(source());
    }
    return super.get();
  }

  @Override
  public T get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (!isDone()) {
      engine.nudgeReader(); // this wait does not read: the reader thread must
    }
    return super.get(timeout, unit);
  }

  @Override
  public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
    mapping = true; // a mapped future is waited for like this one: no nudge (see below)
    try {
      return super.thenApply(fn);
    } finally {
      mapping = false;
    }
  }

  /** Every dependent stage is made here: one that is not a mapping is a callback to run. */
  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    if (!mapping && !isDone()) {
      engine.nudgeReader();
    }
    return new GuestAnswer<>(engine, source());
  }
}
