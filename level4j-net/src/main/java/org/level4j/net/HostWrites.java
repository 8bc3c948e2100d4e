package org.level4j.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.level4j.AsyncLevel;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.WriteOptions;

/**
 * The writes of one {@link HostSession}: what the host refuses (a read-only host, a put without a
 * value, a malformed batch, a hook of {@link HostOptions} that throws) and the puts and dels it
 * holds to apply together.
 *
 * <p>Puts and dels that arrive together (in one read) are applied as one write, before anything
 * that follows them is started: a guest with many writes in flight costs the database one log
 * append per read instead of one per write. Each is still answered on its own; if the write fails,
 * each gets the error.
 *
 * <p>Threads: the session's reader thread only; the answers come from whichever thread completes
 * a write.
 */
final class HostWrites {
  private static final int MAX_HELD = 1024;

  private final HostOptions options;
  private final AsyncLevel<byte[], byte[]> async;
  private final HostAnswers answers;
  private final List<Op<byte[], byte[]>> held = new ArrayList<>();
  private int[] heldIds = new int[64];
  private int heldCount;

  HostWrites(HostOptions options, AsyncLevel<byte[], byte[]> async, HostAnswers answers) {
    this.options = options;
    this.async = async;
    this.answers = answers;
  }

  /** Holds {@code p}, or answers it with the reason the host refuses it. */
  void put(GuestMessage.Put p) {
    LevelException refused = refuse(p);
    if (refused != null) {
      answers.answer(p.id(), CompletableFuture.failedFuture(refused));
    } else {
      hold(p.id(), Op.put(p.key(), p.value()));
    }
  }

  /** Holds {@code d}, or answers it with the reason the host refuses it. */
  void del(GuestMessage.Delete d) {
    LevelException refused = refuse(d);
    if (refused != null) {
      answers.answer(d.id(), CompletableFuture.failedFuture(refused));
    } else {
      hold(d.id(), Op.del(d.key()));
    }
  }

  /** Why the host will not apply {@code p}, or null. */
  private LevelException refuse(GuestMessage.Put p) {
    if (options.readOnly()) {
      return readOnlyError();
    }
    if (p.value() == null) {
      return new LevelException(ErrorCode.LEVEL_INVALID_VALUE, "a put needs a value");
    }
    BiConsumer<byte[], byte[]> preput = options.preput();
    return preput == null ? null : hook(() -> preput.accept(p.key(), p.value()));
  }

  private LevelException refuse(GuestMessage.Delete d) {
    if (options.readOnly()) {
      return readOnlyError();
    }
    Consumer<byte[]> predel = options.predel();
    return predel == null ? null : hook(() -> predel.accept(d.key()));
  }

  /** Keeps a put or del to apply with the others of this read. */
  private void hold(int id, Op<byte[], byte[]> op) {
    if (heldCount == heldIds.length) {
      heldIds = Arrays.copyOf(heldIds, heldCount * 2);
    }
    heldIds[heldCount++] = id;
    held.add(op);
    if (heldCount == MAX_HELD) {
      writeHeld();
    }
  }

  /** Applies the held puts and dels as one write, in the order they arrived. */
  void writeHeld() {
    if (heldCount == 0) {
      return;
    }
    int[] ids = Arrays.copyOf(heldIds, heldCount);
    List<Op<byte[], byte[]>> ops = List.copyOf(held);
    held.clear();
    heldCount = 0;
    answers.answerAll(ids, async.batch(ops));
  }

  CompletableFuture<Void> batch(GuestMessage.Batch b) {
    LevelException refused = refuse(b.ops(), b.problem());
    return refused != null ? CompletableFuture.failedFuture(refused)
        : async.batch(Collections.unmodifiableList(b.ops()));
  }

  /** The Write extension: a batch with preconditions and/or a request id. */
  CompletableFuture<Boolean> write(GuestMessage.Write w) {
    LevelException refused = refuse(w.ops(), w.problem());
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    WriteOptions wo = w.request() != null
        ? WriteOptions.builder().sync(w.sync()).request(w.request()).build()
        : w.sync() ? WriteOptions.SYNC : WriteOptions.DEFAULT;
    return async.batchOnce(Collections.unmodifiableList(w.ops()), wo);
  }

  CompletableFuture<Void> clear(GuestMessage.Clear c) {
    return options.readOnly() ? CompletableFuture.failedFuture(readOnlyError())
        : async.clear(c.range());
  }

  /** Why the host will not apply a batch of {@code ops}, or null. */
  private LevelException refuse(List<Op<byte[], byte[]>> ops, String problem) {
    if (options.readOnly()) {
      return readOnlyError();
    }
    if (problem != null) {
      return new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          problem + "; nothing of the batch was written");
    }
    Consumer<List<Op<byte[], byte[]>>> prebatch = options.prebatch();
    if (prebatch == null) {
      return null;
    }
    List<Op<byte[], byte[]>> seen = Collections.unmodifiableList(ops);
    return hook(() -> prebatch.accept(seen));
  }

  /**
   * Runs a pre-write hook; its failure is the reason to refuse. Callers skip this when no hook is
   * set: under the client compiler alone ({@code -XX:TieredStopAtLevel=1}, as {@code level4j
   * serve} runs) each capturing lambda is allocated by a native call, which perf found taking
   * 1.2% of a session thread's CPU here under a follower's sequential puts.
   */
  private static LevelException hook(Runnable hook) {
    try {
      hook.run();
      return null;
    } catch (LevelException e) {
      return e;
    } catch (RuntimeException e) {
      return new LevelException(ErrorCode.LEVEL_HOOK_ERROR,
          "the host rejected the write: " + e.getMessage(), e);
    }
  }

  private static LevelException readOnlyError() {
    return new LevelException(ErrorCode.LEVEL_READONLY, "the host serves this database read-only");
  }
}
