package org.level4j.net;

import java.security.SecureRandom;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.level4j.RequestId;

/**
 * What a guest has sent and still awaits: requests and iterators by their ids, and the numbers
 * that make a conditional write re-sent after a reconnect apply once.
 *
 * <p>Ids are uint32 per connection (see {@link Wire}), one space for requests and another for
 * iterators, skipping ids still in use. Both maps keep id order, so a reconnect re-sends in the
 * order things were first sent. A conditional write without the caller's request id gets one of
 * this guest's own: its {@code client} (random, the same over reconnects), a {@code seq} of its
 * own, and as {@code settledBelow} the lowest seq still unanswered, which lets the host forget
 * the records below it.
 *
 * <p>Not thread-safe: the engine calls it with its lock held.
 */
final class Pending {
  private final byte[] client = randomClient();
  private final LinkedHashMap<Integer, GuestRequest<?>> requests = new LinkedHashMap<>();
  private final LinkedHashMap<Integer, GuestIterator> iterators = new LinkedHashMap<>();
  private int lastRequestId;
  private int lastIteratorId;
  private long lastSeq;
  private final TreeSet<Long> unansweredSeqs = new TreeSet<>();

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

  /** Gives {@code r} its id (and a conditional write its seq) and keeps it until answered. */
  void add(GuestRequest<?> r) {
    if (r instanceof GuestRequest.Write w && w.request == null && w.conditional) {
      w.seq = ++lastSeq;
      unansweredSeqs.add(w.seq);
    }
    r.id = nextId(lastRequestId, requests);
    lastRequestId = r.id;
    requests.put(r.id, r);
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

  /** {@code r} left the pending set: its seq no longer holds back settledBelow. */
  void settled(GuestRequest<?> r) {
    if (r instanceof GuestRequest.Write w && w.seq != 0) {
      unansweredSeqs.remove(w.seq);
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

  /** Pending requests, in id order; removing through it does not settle them. */
  Collection<GuestRequest<?>> requests() {
    return requests.values();
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
