package org.level4j.etcd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * Sends requests that wait at the same time as one transaction: at most {@link #IN_FLIGHT}
 * transactions are on their way, and the requests that arrive meanwhile go together in the next
 * one, up to the cluster's limits. Used for plain writes (no preconditions, no request id) and
 * for reads of the latest data.
 *
 * <p>Why: every etcd request costs a Raft round (a write) or a leader's confirmation (a
 * linearizable read), and, in the client, a gRPC call; with many in flight (an async window,
 * many threads) the CPU spent per request, not the network, bounds the rate. One transaction of
 * 60 puts costs about what one put costs. A request alone still goes out at once, so a
 * sequential caller waits no longer.
 *
 * <p>Why merging is safe. Writes here were released by {@link WriteOrder}, which holds back a
 * write until every earlier write sharing a key with it has completed, so writes waiting here
 * together share no key, and etcd (which refuses a transaction that writes a key twice) takes
 * them in one transaction; applying them together is a stronger guarantee than each alone. Reads
 * merged into one transaction are served at one revision, after every one of them was issued:
 * each still sees every write completed before it was issued. If the transaction fails, each of
 * its requests fails with that error.
 *
 * <p>Threads: {@link #submit} from any thread; the queue and the count of transactions in flight
 * are guarded by this object's lock, and transactions are sent outside it.
 *
 * @param <I> a request
 * @param <O> its answer
 */
final class Coalescer<I, O> {
  /** Transactions on their way at once. */
  static final int IN_FLIGHT = 2;

  /** A request waiting to be sent, and its caller's future. */
  private record Pending<I, O>(I item, CompletableFuture<O> done) {}

  private final int maxOps;
  private final long maxBytes;
  private final ToIntFunction<I> ops;
  private final ToLongFunction<I> bytes;
  private final Function<List<I>, CompletableFuture<List<O>>> send;
  private final ArrayDeque<Pending<I, O>> queue = new ArrayDeque<>();
  private int inFlight;

  /**
   * A coalescer that puts at most {@code maxOps} operations ({@code ops} of each request) and
   * {@code maxBytes} ({@code bytes} of each) in one transaction, which {@code send} sends and
   * answers with one answer per request, in order.
   */
  Coalescer(int maxOps, long maxBytes, ToIntFunction<I> ops, ToLongFunction<I> bytes,
      Function<List<I>, CompletableFuture<List<O>>> send) {
    this.maxOps = maxOps;
    this.maxBytes = maxBytes;
    this.ops = ops;
    this.bytes = bytes;
    this.send = send;
  }

  /** Sends {@code item}, alone or with others; completes with its answer. */
  CompletableFuture<O> submit(I item) {
    Pending<I, O> p = new Pending<>(item, new CompletableFuture<>());
    List<Pending<I, O>> group = null;
    synchronized (this) {
      queue.add(p);
      if (inFlight < IN_FLIGHT) {
        inFlight++;
        group = takeGroup();
      }
    }
    if (group != null) {
      send(group);
    }
    return p.done;
  }

  /** The longest run at the queue's head that fits one transaction; at least one request. */
  private List<Pending<I, O>> takeGroup() {
    List<Pending<I, O>> group = new ArrayList<>();
    int n = 0;
    long size = 0;
    while (!queue.isEmpty()) {
      I next = queue.peek().item();
      int o = ops.applyAsInt(next);
      long b = bytes.applyAsLong(next);
      if (!group.isEmpty() && (n + o > maxOps || size + b > maxBytes)) {
        break;
      }
      group.add(queue.poll());
      n += o;
      size += b;
    }
    return group;
  }

  private void send(List<Pending<I, O>> group) {
    List<I> items = new ArrayList<>(group.size());
    for (Pending<I, O> p : group) {
      items.add(p.item());
    }
    CompletableFuture<List<O>> f;
    try {
      f = send.apply(items);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((answers, e) -> {
      for (int i = 0; i < group.size(); i++) {
        if (e == null) {
          group.get(i).done().complete(answers.get(i));
        } else {
          group.get(i).done().completeExceptionally(e);
        }
      }
      List<Pending<I, O>> next = null;
      synchronized (this) {
        if (queue.isEmpty()) {
          inFlight--;
        } else {
          next = takeGroup();
        }
      }
      if (next != null) {
        send(next);
      }
    });
  }
}
