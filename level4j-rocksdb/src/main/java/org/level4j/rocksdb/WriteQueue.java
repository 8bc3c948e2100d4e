package org.level4j.rocksdb;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.level4j.Op;

/**
 * Asynchronous writes held back a little, to be written together: one RocksDB write (one log
 * append, one sync if any asked for it) for a burst of writes that a thread makes before it
 * waits for them. Only the writes of a thread that waits for these futures are held ({@link
 * #add}); any other write is written at once, after whatever is held.
 *
 * <p>When held writes are written: as soon as anyone waits for one of their futures ({@code
 * join}, {@code get}, also of a stage made from it), as soon as the engine does anything else
 * that could see them or be seen by them ({@link #flush}, which the engine calls first), once
 * {@link #MAX_OPS} operations or {@link #MAX_BYTES} bytes are held, and otherwise on a timer
 * after {@link #DELAY_NANOS}, so that a future nobody waits for still completes.
 *
 * <p>Order: writes are held and written in the order they were made; a group is written whole
 * before the next is taken. Futures complete after their group is written, outside the lock.
 */
final class WriteQueue {
  static final int MAX_OPS = 1024;
  static final long MAX_BYTES = 1 << 20;
  static final long DELAY_NANOS = 200_000;
  /**
   * Its own thread, not TimedWork's: futures completed here run their callbacks here (a change
   * listener's, say), which must not hold up the flushes TimedWork's thread does.
   */
  private static final ScheduledExecutorService TIMER =
      TimedWork.timer("level4j-rocksdb-writes");

  /** A held write and its future. */
  private record Held(List<Op<byte[], byte[]>> ops, boolean sync, Stage<Void> future) {}

  /** Writes puts and dels, in order, in one RocksDB write, synced if {@code sync}. */
  interface Writer {
    void write(List<Op<byte[], byte[]>> ops, boolean sync);
  }

  private final Writer writeNow;
  private final Writer writeGroup;
  private final long delayNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private List<Held> held = new ArrayList<>();
  private int heldOps;
  private long heldBytes;
  private boolean timed;
  /** Whether anything is held: read without the lock by {@link #flush}'s quick way out. */
  private volatile boolean any;
  /** The thread that last waited for one of these futures: only its writes are ever held. */
  private volatile Thread waiter;
  /** Whether {@link #waiter} made a write since it last waited. */
  private volatile boolean waiterAdded;

  /**
   * {@code now} writes in the caller's thread, inside the core's gate; {@code group} writes a
   * group, maybe on the timer's thread, and keeps the database open while it does.
   */
  WriteQueue(Writer now, Writer group) {
    this(now, group, DELAY_NANOS);
  }

  /** The same, with the timer's delay {@code delayNanos} (tests use a long one). */
  WriteQueue(Writer now, Writer group, long delayNanos) {
    this.writeNow = now;
    this.writeGroup = group;
    this.delayNanos = delayNanos;
  }

  /**
   * Writes {@code ops} now, in the calling thread, after what is held; or holds them, if they
   * are the second or later write the thread that last waited for one of these futures makes
   * since it waited. So a thread that writes a burst and then waits (a window of puts, joined)
   * has the burst written as one group, by the first wait; a thread that waits for each write
   * before the next, or never waits but reacts to completions (as a host answering its peers
   * does), has each write written at once and never waits for a group or the timer. Called
   * inside the core's gate, so the database stays open under a write made now.
   */
  CompletableFuture<Void> add(List<Op<byte[], byte[]>> ops, boolean sync) {
    Stage<Void> f = new Stage<>(this);
    Thread me = Thread.currentThread();
    if (waiter != me || !waiterAdded) {
      if (waiter == me) {
        waiterAdded = true;
      }
      flush(); // what was held goes first
      try {
        writeNow.write(ops, sync);
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
        return f;
      }
      f.complete(null);
      return f;
    }
    boolean full;
    boolean time;
    lock.lock();
    try {
      held.add(new Held(ops, sync, f));
      any = true;
      heldOps += ops.size();
      for (Op<byte[], byte[]> op : ops) {
        heldBytes += op.key().length + (op.value() == null ? 0 : op.value().length);
      }
      full = heldOps >= MAX_OPS || heldBytes >= MAX_BYTES;
      time = !full && !timed;
      timed |= time;
    } finally {
      lock.unlock();
    }
    if (full) {
      flush();
    } else if (time) {
      TIMER.schedule(this::flush, delayNanos, TimeUnit.NANOSECONDS);
    }
    return f;
  }

  /** The calling thread waits for one of these futures, which is done if {@code done}. */
  private void waiting(boolean done) {
    waiter = Thread.currentThread();
    waiterAdded = false;
    if (!done) {
      flush();
    }
  }

  /** Writes what is held, if anything, and completes its futures. */
  void flush() {
    if (!any) {
      return; // nothing held, or nothing this thread could have seen held
    }
    List<Held> group;
    Throwable failure = null;
    lock.lock();
    try {
      if (held.isEmpty()) {
        return;
      }
      group = held;
      held = new ArrayList<>();
      heldOps = 0;
      heldBytes = 0;
      timed = false;
      try {
        write(group);
      } catch (RuntimeException | Error e) {
        failure = e; // every future of the group fails with it; none is left waiting
      }
      // Only now: until the group is written, a read that could see it waits for the lock.
      any = false;
    } finally {
      lock.unlock();
    }
    for (Held h : group) {
      if (failure == null) {
        h.future.complete(null);
      } else {
        h.future.completeExceptionally(failure);
      }
    }
    if (failure instanceof Error e) {
      throw e;
    }
  }

  private void write(List<Held> group) {
    if (group.size() == 1) {
      writeGroup.write(group.get(0).ops, group.get(0).sync);
      return;
    }
    List<Op<byte[], byte[]>> all = new ArrayList<>();
    boolean sync = false;
    for (Held h : group) {
      all.addAll(h.ops);
      sync |= h.sync;
    }
    writeGroup.write(all, sync);
  }

  /**
   * The future of a held write, and any stage made from it: waiting for it writes what is held.
   */
  static final class Stage<U> extends CompletableFuture<U> {
    private final WriteQueue queue;

    Stage(WriteQueue queue) {
      this.queue = queue;
    }

    @Override
    public <V> CompletableFuture<V> newIncompleteFuture() {
      return new Stage<>(queue);
    }

    @Override
    public U join() {
      queue.waiting(isDone());
      return super.join();
    }

    @Override
    public U get() throws InterruptedException, ExecutionException {
      queue.waiting(isDone());
      return super.get();
    }

    @Override
    public U get(long timeout, TimeUnit unit)
        throws InterruptedException, ExecutionException, TimeoutException {
      queue.waiting(isDone());
      return super.get(timeout, unit);
    }
  }
}
