package org.level4j.etcd;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Keeps writes that touch a common key in the order they were issued, while writes to disjoint
 * keys go to the cluster together.
 *
 * <p>Why it is needed: etcd serves each request of a connection on its own stream, and a client
 * may spread requests over several members, so two writes sent back to back can be applied in
 * either order. A write therefore waits until every earlier write sharing a key with it (a put,
 * del or precondition key) has been answered. A clear covers keys no list names, so it is a
 * barrier: it waits for every earlier write, and every later write waits for it.
 *
 * <p>Threads: any thread may call in. The map is guarded by this object's lock, held only to read
 * and swap futures; requests are sent outside it. A write's successors wait on the completion of
 * its request (success or failure), never on its caller's future, which may time out earlier.
 */
final class WriteOrder {
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final Map<ByteBuffer, CompletableFuture<?>> lastWrite = new HashMap<>();
  private CompletableFuture<?> barrier = DONE;

  /**
   * Sends {@code send} once the earlier writes sharing one of {@code keys} (etcd keys) and any
   * earlier clear have completed.
   */
  <T> CompletableFuture<T> write(List<byte[]> keys, Supplier<CompletableFuture<T>> send) {
    CompletableFuture<T> done = new CompletableFuture<>();
    List<CompletableFuture<?>> before = new ArrayList<>(2);
    List<ByteBuffer> mine = new ArrayList<>(keys.size());
    synchronized (this) {
      if (!barrier.isDone()) {
        before.add(barrier);
      }
      for (byte[] k : keys) {
        ByteBuffer b = ByteBuffer.wrap(k);
        CompletableFuture<?> last = lastWrite.put(b, done);
        if (last != null && last != done && !last.isDone()) {
          before.add(last);
        }
        mine.add(b);
      }
    }
    done.whenComplete((v, e) -> {
      synchronized (this) {
        for (ByteBuffer b : mine) {
          lastWrite.remove(b, done);
        }
      }
    });
    start(before, send, done);
    return done;
  }

  /** Sends {@code send} after every earlier write; later writes wait for it. */
  <T> CompletableFuture<T> barrier(Supplier<CompletableFuture<T>> send) {
    CompletableFuture<T> done = new CompletableFuture<>();
    List<CompletableFuture<?>> before = new ArrayList<>();
    synchronized (this) {
      if (!barrier.isDone()) {
        before.add(barrier);
      }
      for (CompletableFuture<?> f : lastWrite.values()) {
        if (!f.isDone()) {
          before.add(f);
        }
      }
      // Every later write waits for the barrier, which waits for all of these.
      lastWrite.clear();
      barrier = done;
    }
    start(before, send, done);
    return done;
  }

  private static <T> void start(List<CompletableFuture<?>> before,
      Supplier<CompletableFuture<T>> send, CompletableFuture<T> done) {
    if (before.isEmpty()) {
      run(send, done);
    } else {
      CompletableFuture.allOf(before.toArray(new CompletableFuture<?>[0]))
          .whenComplete((v, e) -> run(send, done)); // a failed predecessor does not stop us
    }
  }

  private static <T> void run(Supplier<CompletableFuture<T>> send, CompletableFuture<T> done) {
    CompletableFuture<T> f;
    try {
      f = send.get();
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
      return;
    }
    f.whenComplete((v, e) -> {
      if (e != null) {
        done.completeExceptionally(e);
      } else {
        done.complete(v);
      }
    });
  }
}
