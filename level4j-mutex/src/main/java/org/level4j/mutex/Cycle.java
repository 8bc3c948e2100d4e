package org.level4j.mutex;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.level4j.ErrorCode;
import org.level4j.Level;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.Registration;
import org.level4j.spi.DaemonThread;

/**
 * The engine of a {@link LevelMutex}: the queues, and the phase thread that alternates read
 * phases and write phases over them.
 *
 * <p>Locking: {@link #lock} guards the queues and the flags next to them, and is held only to
 * move items in or out, never while user code runs or a future is completed (completing a future
 * runs its dependents in place). Fields marked "phase thread" are confined to that thread.
 */
final class Cycle<K, V> implements Runnable {
  private static final System.Logger LOG = System.getLogger("org.level4j.mutex");
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** One queued put or del and whom to tell the batch's outcome (null: success). */
  private record Write<K, V>(Op<K, V> op, Consumer<Throwable> done) {}

  final Level<K, V> level;
  /** Continuations' writes carry their reads as preconditions (LevelMutex.shared). */
  final boolean shared;
  private final Thread thread;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  // guarded by lock
  private List<Read<K, V, ?, ?>> reads = new ArrayList<>();
  private List<Write<K, V>> writes = new ArrayList<>();
  private List<CompletableFuture<Void>> afterNextFlush = new ArrayList<>();
  private List<CompletableFuture<Void>> afterThisFlush = new ArrayList<>();
  private boolean writing;
  private boolean closed;
  private boolean idle;

  // phase thread
  private final List<CompletableFuture<Void>> afterStep = new ArrayList<>();
  private final Set<ByteBuffer> queuedKeys = new HashSet<>();
  private int queuedKeysScanned;
  private boolean terminated;

  private final List<IntConsumer> readListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<List<Op<K, V>>>> writeListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> flushListeners = new CopyOnWriteArrayList<>();

  Cycle(Level<K, V> level, boolean shared) {
    this.level = level;
    this.shared = shared;
    this.thread = DaemonThread.of(this, "level4j-mutex-" + THREADS.incrementAndGet());
  }

  void start() {
    thread.start();
  }

  boolean onPhaseThread() {
    return Thread.currentThread() == thread;
  }

  <T> PhaseFuture<T> newFuture() {
    return new PhaseFuture<>(thread);
  }

  // ---- submissions (any thread) --------------------------------------------------------------

  <T, R> CompletableFuture<R> read(Supplier<CompletableFuture<T>> source,
      BiFunction<? super T, Writer<K, V>, ? extends R> then) {
    return read(source, then, null);
  }

  /**
   * A read; {@code guard} makes the precondition its continuation's writes carry in a shared
   * mutex (from the value read; null for none).
   */
  <T, R> CompletableFuture<R> read(Supplier<CompletableFuture<T>> source,
      BiFunction<? super T, Writer<K, V>, ? extends R> then,
      java.util.function.Function<? super T, Op<K, V>> guard) {
    Read<K, V, T, R> r = new Read<>(source, then, shared ? guard : null, newFuture());
    lock.lock();
    try {
      if (!closed) {
        reads.add(r);
        wake();
        return r.result;
      }
    } finally {
      lock.unlock();
    }
    r.result.completeExceptionally(notOpen());
    return r.result;
  }

  CompletableFuture<Void> write(Op<K, V> op) {
    CompletableFuture<Void> f = newFuture();
    enqueue(List.of(op), error -> {
      if (error == null) {
        f.complete(null);
      } else {
        f.completeExceptionally(error);
      }
    });
    return f;
  }

  /** Queues {@code ops} for the coming write phase; {@code done} hears the outcome once per op. */
  void enqueue(List<Op<K, V>> ops, Consumer<Throwable> done) {
    lock.lock();
    try {
      if (!closed) {
        for (Op<K, V> op : ops) {
          writes.add(new Write<>(op, done));
        }
        wake();
        return;
      }
    } finally {
      lock.unlock();
    }
    done.accept(notOpen());
  }

  CompletableFuture<Void> afterWrite() {
    CompletableFuture<Void> f = newFuture();
    if (onPhaseThread() && !terminated) {
      // Decided when the current step is over, as level-mutex does with setImmediate: a
      // continuation's own writes are queued only once it returns, and they count as pending.
      afterStep.add(f);
    } else {
      placeAfterWrite(f);
    }
    return f;
  }

  private void placeAfterWrite(CompletableFuture<Void> f) {
    boolean refused;
    lock.lock();
    try {
      refused = closed;
      if (!closed && !writes.isEmpty()) {
        afterNextFlush.add(f);
        return;
      }
      if (!closed && writing) {
        afterThisFlush.add(f);
        return;
      }
    } finally {
      lock.unlock();
    }
    if (refused) {
      f.completeExceptionally(notOpen());
    } else {
      f.complete(null); // nothing pending
    }
  }

  private void wake() {
    if (idle) {
      work.signal();
    }
  }

  // ---- listeners ------------------------------------------------------------------------------

  Registration onReads(IntConsumer listener) {
    return register(readListeners, listener);
  }

  Registration onWrites(Consumer<List<Op<K, V>>> listener) {
    return register(writeListeners, listener);
  }

  Registration onFlushed(Runnable listener) {
    return register(flushListeners, listener);
  }

  private static <L> Registration register(List<L> list, L listener) {
    if (listener == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "listener must not be null");
    }
    // A holder per registration, so that closing one removes exactly it.
    Object[] holder = {listener};
    list.add(listener);
    return () -> {
      if (holder[0] != null) {
        list.remove(holder[0]);
        holder[0] = null;
      }
    };
  }

  private void tell(String what, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "a LevelMutex " + what + " listener failed; ignored", e);
    }
  }

  // ---- pending keys (phase thread) ------------------------------------------------------------

  byte[] encodeKey(K key) {
    if (key == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_KEY, "key must not be null");
    }
    try {
      return level.keyCodec().encode(key);
    } catch (RuntimeException e) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_KEY,
          "key " + key + " cannot be encoded as " + level.keyCodec().name() + ": "
              + e.getMessage(), e);
    }
  }

  byte[] encodeKeyOrNull(K key) {
    try {
      return level.keyCodec().encode(key);
    } catch (RuntimeException e) {
      return null; // the batch will report it
    }
  }

  /** Whether a write to the encoded key is queued for the coming write phase. */
  boolean pending(byte[] key) {
    List<Write<K, V>> fresh;
    lock.lock();
    try {
      fresh = List.copyOf(writes.subList(queuedKeysScanned, writes.size()));
      queuedKeysScanned = writes.size();
    } finally {
      lock.unlock();
    }
    for (Write<K, V> w : fresh) {
      byte[] b = encodeKeyOrNull(w.op().key());
      if (b != null) {
        queuedKeys.add(ByteBuffer.wrap(b));
      }
    }
    return queuedKeys.contains(ByteBuffer.wrap(key));
  }

  // ---- the phase thread -----------------------------------------------------------------------

  @Override
  public void run() {
    try {
      while (cycle()) {
        // one read phase and one write phase per turn
      }
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.ERROR, "the LevelMutex phase thread failed; the mutex is closed",
          t);
    } finally {
      terminate();
    }
  }

  /** One read phase, then one write phase. False once the mutex is closed. */
  private boolean cycle() {
    settleAfterStep();
    List<Read<K, V, ?, ?>> phaseReads;
    lock.lock();
    try {
      while (!closed && reads.isEmpty() && writes.isEmpty()) {
        idle = true;
        work.awaitUninterruptibly();
        idle = false;
      }
      if (closed) {
        return false;
      }
      phaseReads = reads;
      reads = new ArrayList<>();
    } finally {
      lock.unlock();
    }

    if (!phaseReads.isEmpty()) {
      int n = phaseReads.size();
      for (IntConsumer l : readListeners) {
        tell("reads", () -> l.accept(n));
      }
      for (Read<K, V, ?, ?> r : phaseReads) {
        r.start();
      }
      for (Read<K, V, ?, ?> r : phaseReads) {
        r.deliver(this);
      }
    }
    settleAfterStep();

    List<Write<K, V>> batch;
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      if (writes.isEmpty()) {
        return true;
      }
      batch = writes;
      writes = new ArrayList<>();
      writing = true;
      afterThisFlush = afterNextFlush;
      afterNextFlush = new ArrayList<>();
    } finally {
      lock.unlock();
    }
    queuedKeys.clear();
    queuedKeysScanned = 0;
    writePhase(batch);
    return true;
  }

  private void writePhase(List<Write<K, V>> batch) {
    List<Op<K, V>> ops = new ArrayList<>(batch.size());
    for (Write<K, V> w : batch) {
      ops.add(w.op());
    }
    List<Op<K, V>> shown = Collections.unmodifiableList(shared ? writesOnly(ops) : ops);
    for (Consumer<List<Op<K, V>>> l : writeListeners) {
      tell("writes", () -> l.accept(shown));
    }
    Throwable error = apply(ops);
    List<Throwable> errors = null; // per write, when the phase was applied group by group
    if (error instanceof LevelException le && le.code() == ErrorCode.LEVEL_CONFLICT) {
      errors = applyByGroup(batch);
    }
    List<CompletableFuture<Void>> waiters;
    lock.lock();
    try {
      writing = false;
      waiters = afterThisFlush;
      afterThisFlush = new ArrayList<>();
    } finally {
      lock.unlock();
    }
    for (Runnable l : flushListeners) {
      tell("flushed", l);
    }
    for (int i = 0; i < batch.size(); i++) {
      Write<K, V> w = batch.get(i);
      if (i > 0 && w.done() == batch.get(i - 1).done()) {
        continue; // one answer per group: a continuation's writes share their consumer
      }
      w.done().accept(errors == null ? error : errors.get(i));
    }
    for (CompletableFuture<Void> f : waiters) {
      f.complete(null);
    }
  }

  /** The puts and dels of {@code ops}: listeners do not see a shared phase's preconditions. */
  private static <K, V> List<Op<K, V>> writesOnly(List<Op<K, V>> ops) {
    List<Op<K, V>> out = new ArrayList<>(ops.size());
    for (Op<K, V> op : ops) {
      if (op.type() != Op.Type.EXPECT) {
        out.add(op);
      }
    }
    return out;
  }

  /** Applies {@code ops} as one batch; returns its error, or null. */
  private Throwable apply(List<Op<K, V>> ops) {
    try {
      level.async().batch(ops).join();
      return null;
    } catch (RuntimeException e) { // CompletionException and CancellationException among them
      return LevelException.of(e, ErrorCode.LEVEL_IO_ERROR);
    }
  }

  /**
   * After a shared phase's batch failed a precondition: applies each group (the writes of one
   * continuation, or one plain write) as its own batch, in order. Returns each write's outcome.
   */
  private List<Throwable> applyByGroup(List<Write<K, V>> batch) {
    List<Throwable> errors = new ArrayList<>(batch.size());
    int start = 0;
    while (start < batch.size()) {
      int end = start + 1;
      while (end < batch.size() && batch.get(end).done() == batch.get(start).done()) {
        end++;
      }
      List<Op<K, V>> group = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        group.add(batch.get(i).op());
      }
      Throwable e = apply(group);
      for (int i = start; i < end; i++) {
        errors.add(e);
      }
      start = end;
    }
    return errors;
  }

  /** Places the afterWrite() calls made on this thread during the step that just ended. */
  private void settleAfterStep() {
    while (!afterStep.isEmpty()) {
      List<CompletableFuture<Void>> now = new ArrayList<>(afterStep);
      afterStep.clear();
      for (CompletableFuture<Void> f : now) {
        placeAfterWrite(f);
      }
    }
  }

  /** Fails everything still queued; the mutex accepts nothing more. */
  private void terminate() {
    terminated = true;
    List<Read<K, V, ?, ?>> lostReads;
    List<Write<K, V>> lostWrites;
    List<CompletableFuture<Void>> lostWaiters = new ArrayList<>(afterStep);
    afterStep.clear();
    lock.lock();
    try {
      closed = true;
      lostReads = reads;
      lostWrites = writes;
      lostWaiters.addAll(afterThisFlush);
      lostWaiters.addAll(afterNextFlush);
      reads = new ArrayList<>();
      writes = new ArrayList<>();
      afterThisFlush = new ArrayList<>();
      afterNextFlush = new ArrayList<>();
    } finally {
      lock.unlock();
    }
    for (Read<K, V, ?, ?> r : lostReads) {
      r.result.completeExceptionally(notOpen());
    }
    for (Write<K, V> w : lostWrites) {
      w.done().accept(notOpen());
    }
    for (CompletableFuture<Void> f : lostWaiters) {
      f.completeExceptionally(notOpen());
    }
  }

  // ---- closing --------------------------------------------------------------------------------

  void close() {
    lock.lock();
    try {
      closed = true;
      work.signal();
    } finally {
      lock.unlock();
    }
    // On the phase thread, returns at once: the loop ends when the current step returns.
    DaemonThread.awaitStopped(thread);
  }

  private static LevelException notOpen() {
    return new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPEN,
        "the LevelMutex is closed; pending and new operations fail (the database itself may "
            + "still be open: make a new mutex over it)");
  }
}
