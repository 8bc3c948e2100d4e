package org.level4j.net;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * The answering side of one {@link HostSession}: each request's answer is appended to the
 * connection's {@link Outbox} when its future completes, and the requests received and not yet
 * answered are counted, for the session's {@code maxRequestsInFlight} bound.
 *
 * <p>Threads: answers complete on any thread and append holding the outbox's monitor. Answers
 * appended on the session's reader thread (every answer of an in-process database) are only
 * appended: the reader flushes them all at once before it waits for more input. Answers completed
 * by other threads flush themselves ({@link #sent()}).
 */
final class HostAnswers {
  private final Outbox outbox;
  /** Closes the session: a flush failed. */
  private final Runnable close;
  /** Requests received and not yet answered (held writes included); answered on any thread. */
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile Thread reader;

  HostAnswers(Outbox outbox, Runnable close) {
    this.outbox = outbox;
    this.close = close;
  }

  /** The session's reader thread starts: what it appends waits for its own flush. */
  void readerIs(Thread thread) {
    reader = thread;
  }

  /** The outbox, for answers of another kind to append to (holding its monitor). */
  Outbox outbox() {
    return outbox;
  }

  int inFlight() {
    return inFlight.get();
  }

  /** Counts a request as in flight until its answer. */
  void admit() {
    inFlight.incrementAndGet();
  }

  /** Answers request {@code r}, not counted in flight, with the error {@code refused} at once. */
  void refuse(GuestMessage.Request r, LevelException refused) {
    synchronized (outbox) {
      if (r instanceof GuestMessage.GetMany
          || r instanceof GuestMessage.TooManyItems t && t.tag() == Wire.GET_MANY) {
        HostMessage.getManyCallback(outbox.out(), r.id(), refused, null);
      } else {
        HostMessage.callback(outbox.out(), r.id(), refused, null);
      }
    }
  }

  void answer(int id, CompletableFuture<?> f) {
    answer(id, f, null);
  }

  /** Answers with {@code value} (null: none) once {@code f} succeeds, or with its error. */
  void answer(int id, CompletableFuture<?> f, byte[] value) {
    f.whenComplete((v, e) -> {
      inFlight.decrementAndGet();
      LevelException error = e == null ? null : LevelException.of(e, ErrorCode.LEVEL_REMOTE_ERROR);
      synchronized (outbox) {
        HostMessage.callback(outbox.out(), id, error, error == null ? value : null);
      }
      sent();
    });
  }

  /** Answers each of the requests {@code ids}, written together, once {@code f} completes. */
  void answerAll(int[] ids, CompletableFuture<?> f) {
    f.whenComplete((v, e) -> {
      LevelException error = e == null ? null : LevelException.of(e, ErrorCode.LEVEL_REMOTE_ERROR);
      inFlight.addAndGet(-ids.length);
      synchronized (outbox) {
        for (int id : ids) {
          HostMessage.callback(outbox.out(), id, error, null);
        }
      }
      sent();
    });
  }

  /** A Write's answer carries one byte: 1 if applied now, 0 if its request was applied before. */
  void answerWrite(int id, CompletableFuture<Boolean> f) {
    f.whenComplete((applied, e) -> {
      inFlight.decrementAndGet();
      LevelException error = e == null ? null : LevelException.of(e, ErrorCode.LEVEL_REMOTE_ERROR);
      synchronized (outbox) {
        HostMessage.callback(outbox.out(), id, error,
            error != null ? null : applied ? Wire.APPLIED : Wire.APPLIED_BEFORE);
      }
      sent();
    });
  }

  void answerGet(int id, CompletableFuture<byte[]> f) {
    if (f.isDone() && !f.isCompletedExceptionally()) {
      // An in-process database's get is done already: answer without a callback stage.
      answerGet(id, f.getNow(null), null);
    } else {
      f.whenComplete((v, e) -> answerGet(id, v, e));
    }
  }

  private void answerGet(int id, byte[] v, Throwable e) {
    inFlight.decrementAndGet();
    synchronized (outbox) {
      if (e != null) {
        HostMessage.callback(outbox.out(), id, LevelException.of(e, ErrorCode.LEVEL_REMOTE_ERROR),
            null);
      } else if (v == null) {
        HostMessage.notFound(outbox.out(), id);
      } else {
        HostMessage.callback(outbox.out(), id, null, v);
      }
    }
    sent();
  }

  void answerMany(int id, CompletableFuture<List<byte[]>> f) {
    f.whenComplete((v, e) -> {
      inFlight.decrementAndGet();
      LevelException error = e == null ? null : LevelException.of(e, ErrorCode.LEVEL_REMOTE_ERROR);
      synchronized (outbox) {
        HostMessage.getManyCallback(outbox.out(), id, error, v);
      }
      sent();
    });
  }

  /**
   * After appending an answer: the reader thread flushes in {@link HostSession#drained()}; any
   * other thread flushes now.
   */
  void sent() {
    if (Thread.currentThread() == reader) {
      return;
    }
    flush();
  }

  /** Writes what was appended; a failure closes the session (the next read ends it). */
  void flush() {
    try {
      outbox.flush();
    } catch (IOException e) {
      close.run();
    }
  }
}
