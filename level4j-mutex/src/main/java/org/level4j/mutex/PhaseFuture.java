package org.level4j.mutex;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * The futures a {@link LevelMutex} hands out. They complete on the phase thread, so waiting for an
 * unfinished one on that same thread could never end: {@code join()} and {@code get()} fail at
 * once there instead of hanging. Dependent stages are of this type too, so the guard follows a
 * chain such as {@code mutex.get(k).thenApply(...)}.
 */
final class PhaseFuture<T> extends CompletableFuture<T> {
  private final Thread phase;

  PhaseFuture(Thread phase) {
    this.phase = phase;
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new PhaseFuture<>(phase);
  }

  @Override
  public T join() {
    refuseSelfWait();
    return super.join();
  }

  @Override
  public T get() throws InterruptedException, ExecutionException {
    refuseSelfWait();
    return super.get();
  }

  @Override
  public T get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    refuseSelfWait();
    return super.get(timeout, unit);
  }

  private void refuseSelfWait() {
    if (!isDone() && Thread.currentThread() == phase) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "waiting for a LevelMutex result on the mutex's own thread would never end; inside a "
              + "continuation or listener, write through the Writer or chain a dependent stage "
              + "instead of calling join() or get()");
    }
  }
}
