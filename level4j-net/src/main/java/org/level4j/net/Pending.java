package org.level4j.net;

import java.security.SecureRandom;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.level4j.RequestId;

/**
 * What a guest has sent and still awaits: requests and iterators by their ids, the numbers that
 * make a conditional write re-sent after a reconnect apply once, and what the requests weigh.
 *
 * <p>Ids are uint32 per connection (see {@link Wire}), one space for requests and another for
 * iterators, skipping ids still in use. Both maps keep id order, so a reconnect re-sends in the
 * order things were first sent. A conditional write without the caller's request id gets one of
 * this guest's own: its {@code client} (random, the same over reconnects), a {@code seq} of its
 * own, and as {@code settledBelow} the lowest seq still unanswered, which lets the host forget
 * the records below it.
 *
 * <p>The requests are held until answered, with their keys and values (a reconnect re-sends
 * them), so what they weigh is bounded: {@link #MAX_BYTES}. A request weighs its message's size
 * (measured as it is encoded, else estimated) plus {@link #REQUEST_OVERHEAD} for the objects that
 * hold it; it is weighed as it is added and given back as it leaves, whichever way it leaves
 * ({@link #answered}, removed through {@link #requests()}, {@link #clearRequests}), so the
 * accounting lives here and no way out can forget it. A caller whose request takes the weight
 * over the bound waits in {@link #awaitRoomLocked} (the engine decides who may).
 *
 * <p>Not thread-safe: the engine calls it with its lock held. That lock is also the monitor
 * waiters wait on and are woken through, so a wake-up cannot slip between a waiter's check and
 * its wait.
 */
final class Pending {
  /**
   * What the requests a guest holds pending (sent or not, not answered yet) may weigh before a
   * caller that adds one waits for answers. Without it, a host that reads requests and never
   * answers (stuck, or hostile), or one gone while a guest retries, let callers of the async API
   * add requests until the heap was gone: the bound on unsent bytes does not see requests that
   * were written, nor those that wait for a connection.
   */
  static final long MAX_BYTES = 64 << 20;
  /**
   * What each request weighs besides its message: about its objects' bytes (the request, its
   * map entry and boxed id) for tiny requests, and so the bound on their number too: at most
   * {@code MAX_BYTES / REQUEST_OVERHEAD}, 1M, requests are pending, whatever their size.
   */
  static final int REQUEST_OVERHEAD = 64;

  private final Object monitor;
  private final byte[] client = randomClient();
  private final LinkedHashMap<Integer, GuestRequest<?>> requests = new LinkedHashMap<>();
  private final LinkedHashMap<Integer, GuestIterator> iterators = new LinkedHashMap<>();
  private int lastRequestId;
  private int lastIteratorId;
  private long lastSeq;
  private final TreeSet<Long> unansweredSeqs = new TreeSet<>();
  private long bytes; // what the pending requests weigh
  private int roomWaiters; // threads in awaitRoomLocked: only then does a request leaving notify

  /** {@code monitor}: the engine's lock, held by every caller; waiters for room wait on it. */
  Pending(Object monitor) {
    this.monitor = monitor;
  }

  private static byte[] randomClient() {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return b;
  }

  /** A new connection numbers its ids from 1 again. */
  void restartIds() {
    lastRequestId = 0;
    lastIteratorId = 0;
  }

  /**
   * Gives {@code r} its id (and a conditional write its seq) and keeps it until answered,
   * weighing {@link #REQUEST_OVERHEAD} until {@link #sized} adds its message's size.
   */
  void add(GuestRequest<?> r) {
    if (r instanceof GuestRequest.Write w && w.request == null && w.conditional) {
      w.seq = ++lastSeq;
      unansweredSeqs.add(w.seq);
    }
    r.id = nextId(lastRequestId, requests);
    lastRequestId = r.id;
    requests.put(r.id, r);
    r.weight = REQUEST_OVERHEAD;
    bytes += REQUEST_OVERHEAD;
  }

  /** {@code r}, just added, weighs {@code size} bytes more: its message's. */
  void sized(GuestRequest<?> r, int size) {
    r.weight += size;
    bytes += size;
  }

  /** What the pending requests weigh, in bytes. */
  long bytes() {
    return bytes;
  }

  /**
   * Whether the caller that added {@code r} must wait: the weight is over the bound, and not by
   * {@code r} alone (one request over the bound by itself goes through when nothing else is
   * pending, or nobody could ever send it). Cheap while under the bound: one comparison.
   */
  boolean fullFor(GuestRequest<?> r) {
    return bytes > MAX_BYTES && (requests.size() > 1 || !awaits(r));
  }

  /**
   * Waits until {@link #fullFor fullFor(r)} no longer holds: answers, failures or a close take
   * requests out. Call with the monitor held, from a thread no answer's reading depends on.
   *
   * @throws InterruptedException if the thread is interrupted; {@code r} stays pending
   */
  void awaitRoomLocked(GuestRequest<?> r) throws InterruptedException {
    roomWaiters++;
    try {
      while (fullFor(r)) {
        monitor.wait();
      }
    } finally {
      roomWaiters--;
    }
  }

  /** An id for a new iterator. */
  int nextIteratorId() {
    lastIteratorId = nextId(lastIteratorId, iterators);
    return lastIteratorId;
  }

  void add(GuestIterator it) {
    iterators.put(it.id, it);
  }

  /** The request answered under {@code id}, no longer pending; null if none is. */
  GuestRequest<?> answered(int id) {
    GuestRequest<?> r = requests.remove(id);
    if (r != null) {
      settled(r);
    }
    return r;
  }

  /**
   * {@code r} left the pending set: its seq no longer holds back settledBelow, its weight is
   * given back, and waiters look again if that may let one go on: the weight is within the bound,
   * or one request is left (a waiter's own, over the bound alone). Otherwise no wake-up: a
   * writer held at the bound would be woken by every answer only to wait again.
   */
  private void settled(GuestRequest<?> r) {
    if (r instanceof GuestRequest.Write w && w.seq != 0) {
      unansweredSeqs.remove(w.seq);
    }
    bytes -= r.weight;
    if (roomWaiters > 0 && (bytes <= MAX_BYTES || requests.size() <= 1)) {
      monitor.notifyAll();
    }
  }

  /** Whether {@code r} still awaits its answer. */
  boolean awaits(GuestRequest<?> r) {
    return requests.get(r.id) == r;
  }

  /**
   * The request id {@code w} sends: the caller's, else this guest's own if it has one and the
   * host keeps request records.
   */
  RequestId requestId(GuestRequest.Write w, boolean hostKeepsRequests) {
    if (w.request != null) {
      return w.request;
    }
    if (w.seq == 0 || !hostKeepsRequests) {
      return null;
    }
    return new RequestId(client, w.seq, unansweredSeqs.first());
  }

  GuestIterator iterator(int id) {
    return iterators.get(id);
  }

  void remove(GuestIterator it) {
    iterators.remove(it.id);
  }

  /**
   * Pending requests, in id order; removing one through the iterator settles it (its seq and
   * weight). Used on a link's start and end only, so the view and its iterator are no cost on
   * the way of every request.
   */
  Iterable<GuestRequest<?>> requests() {
    return () -> new Iterator<>() {
      private final Iterator<GuestRequest<?>> i = requests.values().iterator();
      private GuestRequest<?> last;

      @Override
      public boolean hasNext() {
        return i.hasNext();
      }

      @Override
      public GuestRequest<?> next() {
        last = i.next();
        return last;
      }

      @Override
      public void remove() {
        i.remove();
        settled(last);
      }
    };
  }

  Collection<GuestIterator> iterators() {
    return iterators.values();
  }

  boolean hasRequests() {
    return !requests.isEmpty();
  }

  boolean hasIterators() {
    return !iterators.isEmpty();
  }

  int requestCount() {
    return requests.size();
  }

  /** Forgets every request (they were failed); iterators stay until they are closed. */
  void clearRequests() {
    requests.clear();
    unansweredSeqs.clear();
    bytes = 0;
    if (roomWaiters > 0) {
      monitor.notifyAll();
    }
  }

  /** The next id after {@code last}: 1..0xffffffff, wrapping, skipping ids still in use. */
  static int nextId(int last, Map<Integer, ?> inUse) {
    if (inUse.isEmpty()) { // a sync caller's every request: no lookup
      return last == -1 ? 1 : last + 1;
    }
    int id = last;
    do {
      id++;
      if (id == 0) {
        id = 1;
      }
    } while (inUse.containsKey(id));
    return id;
  }
}
