package org.level4j.net;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.Registration;
import org.level4j.Supports;
import org.level4j.spi.EngineIterator;
import org.level4j.spi.EngineSnapshot;
import org.level4j.spi.RemoteEngine;

/*
 * Design. One lock (`lock`) guards all state: the current link, the pending requests, the open
 * iterators and their buffers, the change feeds. This class is the only one that takes it:
 * iterators and feeds reach their state through locked(), and the classes it is made of
 * (GuestRequest, Pending, HostFeatures, GuestLink, GuestIterator, GuestFeeds) are called with it
 * held or hold no guarded state. A caller registers its request and encodes it into the link's
 * outbox under the lock, then flushes outside it (Outbox coalesces concurrent callers into one
 * write). Whoever reads responses looks requests up under the lock and completes them outside
 * it, so user callbacks never run under the lock.
 *
 * Pending keeps requests and iterators in id order, so a reconnect re-sends them in the order
 * they were first sent. A link that ends hands its reader thread over to the reconnect: the same
 * thread calls the Connector, installs the new link and reads from it.
 *
 * Extensions. Every link starts with a probe (a GetMany of no keys); a level4j host's Hello
 * arrives before its answer. Until the answer, requests are only registered, not sent (except,
 * on a reconnect, the pending ones of the base protocol, up to the first that is not: see
 * sendPlainLocked): the answer then sends them all, in id order, Write requests (preconditions, request ids) as the
 * Write extension if the host serves it, else failing with LEVEL_NOT_SUPPORTED. Conditional
 * batches carry this guest's own request id (see Pending), so a batch re-sent after a reconnect
 * is applied once.
 *
 * Snapshots (feature 4 of Hello). snapshot() sends Snapshot with a number of this guest's own
 * (never reused while the guest lives, so a number of one connection cannot name a snapshot on
 * another), and the GuestSnapshot records the link it was taken on: the request's link when it
 * is answered, since a request re-sent after a reconnect takes it on the new link. Reads name it
 * only on that link; requests and iterators with a snapshot of a link that ended are failed with
 * LEVEL_SNAPSHOT_NOT_OPEN when the guest reconnects (refusedLocked, reconnectAfter), never re-sent.
 *
 * Bounds. A caller waits rather than let a host fill this guest's heap: while more than
 * MAX_UNSENT_BYTES sit unsent in the link's outbox (the host does not read: awaitRoom), and while
 * the pending requests weigh more than Pending.MAX_BYTES (the host reads but does not answer, or
 * there is no host while retrying: awaitAnswers). Both waits come after the request is sent, and
 * neither is ever made by the reader thread or the holder of the reading turn, since the answers
 * they read are what ends them. The lock is also the monitor the second wait waits on. Nor does
 * the reader thread write a backlog itself: while it writes, a host that answers blocks writing
 * answers nobody reads and stops reading, so a reconnect's re-sent requests and those that waited
 * for the probe's answer go out through GuestLink.flushAside, in a thread of their own if large.
 *
 * Lock order: lock → outbox monitor. The outbox never calls back.
 */
/**
 * The engine of a {@link Guest}: many-level's guest over one connection at a time. Its parts are
 * files of their own: the requests in flight ({@link GuestRequest}, {@link GuestAnswer}), their
 * ids and exactly-once numbers ({@link Pending}), what the host serves ({@link HostFeatures}),
 * the connection ({@link GuestLink}), iterators ({@link GuestIterator}) and change feeds ({@link
 * GuestFeeds}, {@link GuestFeed}).
 *
 * <p>Why this file is longer than the house's ~600 lines: what stays here is what reads and
 * writes the state the one lock guards in the same step (the link, the open/lost state, the
 * reading turn, the pending requests): the lifecycle and the probe, sending, the reading turn
 * with its essay, dispatching answers, and reconnecting. Each of these hands the link and the
 * turn to the others under the lock; moved to a file of its own, it would take the lock there
 * too, and the lock's invariant would span files again instead of living in this one. The
 * parts that can reach the state through {@link #locked}, or be called with the lock held, have
 * moved out.
 */
final class GuestEngine implements RemoteEngine {
  private static final System.Logger LOG = System.getLogger("org.level4j.net");
  private static final AtomicInteger THREADS = new AtomicInteger();

  private enum State { CLOSED, OPEN, LOST }

  /** How long the reader thread parks at most before it looks again at what needs reading. */
  private static final long PARK_NANOS = 1_000_000L;
  /**
   * How long it parks at most while callers take turns reading their own answers: each wake-up
   * then finds nothing to do (see the essay on reading).
   */
  private static final long BUSY_PARK_NANOS = 8_000_000L;
  /** After how many parks in a row with the turn free and unused it watches the idle link. */
  private static final int IDLE_PARKS = 5;
  /**
   * How long after a reconnect (its probe answered) a guest offers its host shared memory: with
   * the next request it sends or iterator it opens from then on. A first connection offers at
   * once, in its first frame. A reconnect is most often a failover, and the offer's work is on
   * its critical path if made at once: the host maps the file before it answers anything after
   * it, and the guest removes the file and moves its writes before it reads on. Traced in {@code
   * bench --failover 2} (6 kills, 2026-12-05), between the new leader accepting the follower that
   * stayed and that follower's probe being answered: the host's mapping took 0.33 to 3.5 ms (cold
   * code, and the new leader's processors busy), the guest's move 0.1 to 0.27 ms.
   */
  static final long OFFER_AFTER_RECONNECT_NANOS = 100_000_000L;
  /**
   * Requests a guest keeps unsent, in bytes, before a caller that sends another waits for the
   * host to read (see {@link #send}). Without it, callers of the async API kept appending while
   * one of them was blocked writing to a host that did not read (stopped, or hostile): two
   * threads queued 586 MB in two seconds, then ran out of heap. What a guest holds pending,
   * sent or not, is bounded too: {@link Pending#MAX_BYTES}.
   */
  static final int MAX_UNSENT_BYTES = 8 << 20;

  private final Object lock = new Object();
  private final Connector connector;
  private final GuestOptions options;
  private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
  private volatile Supports supports;

  // guarded by lock
  private State state = State.CLOSED;
  private LevelException lost;
  private GuestLink link;
  private volatile Thread reader;
  private volatile boolean readerIdle; // the reader thread parks, not holding a reading turn
  /**
   * The last thread that waited for an answer with join or get (see send); written by callers
   * without the lock too, where a stale view costs at most one nudge or one park.
   */
  private volatile Thread selfReader;
  private boolean connecting;
  private final Pending pending = new Pending(lock);
  private boolean probing; // the link's probe is unanswered: requests wait unsent
  /** Links in a row that ended before their host answered the probe (the reader thread's). */
  private int fruitless;
  private int helloFeatures; // what the current link's Hello said (0: none came)
  private HostFeatures features = HostFeatures.NONE; // known once the probe is answered
  private int lastSnapshot;
  /** The change feeds (their state is guarded by lock too). */
  private final GuestFeeds feeds = new GuestFeeds(this);

  GuestEngine(Connector connector, GuestOptions options) {
    if (connector == null || options == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "a connector and options are required");
    }
    this.connector = connector;
    this.options = options;
    this.supports = features.supports(options.permanence());
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  @Override
  public void open() {
    Connection c;
    try {
      c = connector.connect();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED,
          "could not connect to the host: " + describe(e), e);
    }
    if (c == null) {
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED,
          "the connector returned no connection");
    }
    GuestLink l = new GuestLink(c, options.maxFrameBytes());
    Thread t = new Thread(() -> readLoop(l), "level4j-guest-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    GuestRequest.GetMany probe;
    synchronized (lock) {
      state = State.OPEN;
      lost = null;
      pending.restartIds();
      link = l;
      reader = t;
      probe = probeLocked(l);
    }
    t.start();
    GuestLink.flush(l);
    try {
      // So that supports() knows the host before anyone asks; a host that accepted the
      // connection but never answers must not hang open() forever.
      probe.get(options.openTimeout().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      close();
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED, "the host accepted the "
          + "connection but did not answer in " + options.openTimeout().toMillis() + " ms (see "
          + "GuestOptions.openTimeout)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED,
          "interrupted while waiting for the host's first answer", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (!options.retry()) {
        close();
        throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED,
            "the host did not answer: " + e.getCause().getMessage(), e.getCause());
      }
    }
    for (ConnectionListener cl : listeners) {
      tell(cl, true, null);
    }
  }

  /** A connector's failure for a message: a LevelException (a factory's) without its code. */
  private static String describe(Exception e) {
    return e instanceof LevelException le ? le.reason() : e.toString();
  }

  /**
   * Starts a link: registers and encodes its probe; requests wait for the probe's answer. Call
   * with the lock held, before {@code l} is flushed.
   */
  private GuestRequest.GetMany probeLocked(GuestLink l) {
    probing = true;
    helloFeatures = 0;
    GuestRequest.GetMany probe = null;
    for (GuestRequest<?> r : pending.requests()) {
      if (r instanceof GuestRequest.GetMany g && g.probe) {
        probe = g; // the last link's, never answered: ask again
      }
    }
    if (probe == null) {
      probe = GuestRequest.GetMany.probe(this);
      pending.add(probe);
    }
    synchronized (l.outbox) {
      SharedRings rings = l.reconnect ? null : SocketConnection.offer(l.connection);
      if (rings != null) {
        GuestMessage.sharedMemoryOffer(l.outbox.out(), rings.name()); // first, before the probe
      }
      probe.encode(l.outbox.out(), this);
    }
    return probe;
  }

  /**
   * A reconnect's offer of shared memory, made once it is due ({@link
   * #OFFER_AFTER_RECONNECT_NANOS}), ahead of the request or iterator being sent. Call with the
   * lock and {@code l}'s outbox monitor held.
   */
  private static void offerIfDueLocked(GuestLink l) {
    if (!l.offerLater || System.nanoTime() - l.offerAt < 0) {
      return;
    }
    l.offerLater = false;
    SharedRings rings = SocketConnection.offer(l.connection);
    if (rings != null) {
      GuestMessage.sharedMemoryOffer(l.outbox.out(), rings.name());
    }
  }

  /**
   * Re-sends on {@code l}, right behind its probe, the pending requests in id order up to the
   * first that is not {@link GuestRequest#plain plain}: every many-level host takes those as they
   * are, so they need not wait a round trip for the probe's answer, and the ones after them still
   * go in id order once it comes ({@link #probedLocked}). After a leader's death this is the
   * write each follower was waiting on, sent while the new leader still opens its database.
   * Call with the lock and {@code l}'s outbox monitor held.
   */
  private void sendPlainLocked(GuestLink l, Protobuf.Out o) {
    for (GuestRequest<?> r : pending.requests()) {
      if (r instanceof GuestRequest.GetMany g && g.probe) {
        continue; // sent already
      }
      if (!r.plain()) {
        return;
      }
      r.encode(o, this);
      r.sentEarly = l;
    }
  }

  /**
   * The probe was answered: the host is known. Sends every request registered meanwhile that was
   * not sent early (the probe is already removed), or fails those the host cannot take. Returns
   * the failures, to run after the lock.
   */
  private List<Runnable> probedLocked() {
    probing = false;
    features = new HostFeatures(helloFeatures);
    supports = features.supports(options.permanence());
    List<Runnable> failures = new ArrayList<>();
    GuestLink l = link;
    if (l == null) {
      return failures;
    }
    if (l.reconnect && (helloFeatures & Wire.FEATURE_SHARED_MEMORY) != 0
        && SocketConnection.wouldOffer(l.connection)) {
      l.offerLater = true;
      l.offerAt = System.nanoTime() + OFFER_AFTER_RECONNECT_NANOS;
    }
    synchronized (l.outbox) {
      Protobuf.Out o = l.outbox.out();
      for (java.util.Iterator<GuestRequest<?>> i = pending.requests().iterator(); i.hasNext(); ) {
        GuestRequest<?> r = i.next();
        if (r.sentEarly == l) {
          continue;
        }
        LevelException refused = refusedLocked(r);
        if (refused != null) {
          i.remove(); // settles it: its seq and weight
          failures.add(() -> r.completeExceptionally(refused));
        } else {
          r.encode(o, this);
        }
      }
    }
    return failures;
  }

  /** Why the current host cannot take {@code r}, or null. */
  private LevelException refusedLocked(GuestRequest<?> r) {
    if (r.snapshot() != null && r.snapshot().link != link) {
      return GuestSnapshot.gone();
    }
    return features.refusal(r);
  }

  /** The request id a Write sends: the caller's, else this guest's own if the host keeps them. */
  org.level4j.RequestId requestIdLocked(GuestRequest.Write w) {
    return pending.requestId(w, features.requestIds());
  }

  @Override
  public void close() {
    LevelException reason = new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPEN,
        "the guest was closed before the host answered");
    List<Runnable> failures = new ArrayList<>();
    List<GuestFeed> closing;
    GuestLink l;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      l = link;
      link = null;
      closing = feeds.removeAllLocked();
      failAllLocked(reason, failures);
      if (connecting && reader != null && reader != Thread.currentThread()) {
        reader.interrupt();
      }
    }
    if (l != null) {
      l.connection.close();
    }
    nudgeReader(); // it may be parked rather than reading: it must see the link gone
    for (GuestFeed f : closing) {
      f.close(); // silently: a closed database's feeds end without an error
    }
    failures.forEach(Runnable::run);
    for (ConnectionListener cl : listeners) {
      tell(cl, false, reason);
    }
  }

  boolean isConnected() {
    synchronized (lock) {
      return link != null;
    }
  }

  Registration addListener(ConnectionListener listener) {
    if (listener == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "listener must not be null");
    }
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public Supports supports() {
    return supports;
  }

  // ---- operations ----------------------------------------------------------------------------

  @Override
  public CompletableFuture<byte[]> getAsync(byte[] key, EngineSnapshot snapshot) {
    return send(new GuestRequest.Get(this, key, (GuestSnapshot) snapshot));
  }

  @Override
  public CompletableFuture<List<byte[]>> getManyAsync(List<byte[]> keys, EngineSnapshot snapshot) {
    return send(new GuestRequest.GetMany(this, keys, (GuestSnapshot) snapshot));
  }

  /** Sent as the Write extension; the host's answer says whether it applied the write now. */
  @Override
  public CompletableFuture<Boolean> writeAsync(List<Op<byte[], byte[]>> ops, boolean sync,
      org.level4j.RequestId request) {
    return send(new GuestRequest.Write(this, ops, sync, request))
        .thenApply(v -> v == null || v.length == 0 || v[0] != 0);
  }

  @Override
  public CompletableFuture<Void> writeAsync(List<Op<byte[], byte[]>> ops, boolean sync) {
    if (GuestRequest.Write.hasExpect(ops)) {
      return send(new GuestRequest.Write(this, ops, sync, null)).thenApply(applied -> null);
    }
    if (ops.size() == 1) {
      Op<byte[], byte[]> op = ops.get(0);
      return op.type() == Op.Type.PUT
          ? send(new GuestRequest.Put(this, op.key(), op.value()))
          : send(new GuestRequest.Del(this, op.key()));
    }
    return send(new GuestRequest.Batch(this, ops));
  }

  @Override
  public CompletableFuture<Void> clearAsync(Range<byte[]> range) {
    return send(new GuestRequest.Clear(this, range));
  }

  /** Asks the host to take a snapshot and hold it for this connection; waits for its answer. */
  @Override
  public EngineSnapshot snapshot() {
    int number;
    synchronized (lock) {
      lastSnapshot = lastSnapshot == -1 ? 1 : lastSnapshot + 1; // 0 means "no snapshot"
      number = lastSnapshot;
    }
    GuestRequest.TakeSnapshot r = new GuestRequest.TakeSnapshot(this, number);
    LevelException.join(send(r));
    synchronized (lock) {
      return new GuestSnapshot(this, r.takenOn, r.number);
    }
  }

  /**
   * Asks the host to write a checkpoint of its database to {@code dest}; waits for its answer.
   * With retry on, a request the connection lost is sent again to the next host, which then
   * finds {@code dest} already written if the first had finished.
   */
  void checkpoint(java.nio.file.Path dest) {
    if (dest == null || !dest.isAbsolute()) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "a guest's checkpoint needs an "
          + "absolute path, as the host's process sees it; got " + dest);
    }
    LevelException.join(send(new GuestRequest.Checkpoint(this, dest.toString())));
  }

  /** Lets the host release {@code s}, if the connection it was taken on is still up. */
  void release(GuestSnapshot s) {
    GuestLink l;
    synchronized (lock) {
      l = link;
      if (state != State.OPEN || l != s.link) {
        return; // the host released it when that connection went away
      }
      synchronized (l.outbox) {
        GuestMessage.snapshotRelease(l.outbox.out(), s.number);
      }
    }
    GuestLink.flush(l);
  }

  @Override
  public EngineIterator iterator(Range<byte[]> range, boolean keys, boolean values,
      EngineSnapshot snapshot) {
    GuestSnapshot s = (GuestSnapshot) snapshot;
    GuestLink l;
    GuestIterator it;
    synchronized (lock) {
      checkUsableLocked();
      if (s != null && s.link != link) {
        throw GuestSnapshot.gone();
      }
      int id = pending.nextIteratorId();
      it = new GuestIterator(this, id, range, keys, values, options.retry(), s);
      pending.add(it);
      l = link;
      if (l != null) {
        synchronized (l.outbox) {
          offerIfDueLocked(l);
          it.encodeOpen(l.outbox.out());
        }
      }
    }
    GuestLink.flush(l);
    nudgeReader(); // an iterator's data is read by the reader thread
    return it;
  }

  <T> CompletableFuture<T> send(GuestRequest<T> r) {
    GuestLink l;
    boolean nudge;
    boolean full;
    synchronized (lock) {
      if (state != State.OPEN) {
        return CompletableFuture.failedFuture(unusable());
      }
      if (!probing) {
        LevelException refused = refusedLocked(r);
        if (refused != null) {
          return CompletableFuture.failedFuture(refused);
        }
      }
      pending.add(r);
      l = probing ? null : link;
      if (l != null) {
        synchronized (l.outbox) {
          offerIfDueLocked(l);
          Protobuf.Out o = l.outbox.out();
          int at = o.len;
          r.encode(o, this);
          pending.sized(r, o.len - at);
        }
      } else {
        pending.sized(r, r.sizeEstimate());
      }
      full = pending.fullFor(r);
      // Someone must read the answer. A thread that waited for its last answer with join or get
      // most likely waits for this one too (a sync call): it reads it itself, and waking the
      // reader thread would only cost a wake-up and race it for the turn. Otherwise the reader
      // thread is nudged. A guess gone wrong (that thread waits some other way, say allOf) costs
      // at most a park of the reader thread (see serve); attaching a callback nudges at once
      // (GuestAnswer).
      nudge = Thread.currentThread() != selfReader;
      r.unannounced = !nudge;
    }
    GuestLink.flush(l);
    if (nudge) {
      nudgeReader();
    }
    if (l != null && l.outbox.unsent() > MAX_UNSENT_BYTES) {
      awaitRoom(l);
    }
    if (full) {
      awaitAnswers(r);
    }
    return r;
  }

  /** Bytes of requests appended to the current link and not yet written (tests). */
  int unsentBytes() {
    GuestLink l;
    synchronized (lock) {
      l = link;
    }
    return l == null ? 0 : l.outbox.unsent();
  }

  /** What the pending requests weigh, in bytes (tests; see {@link Pending#MAX_BYTES}). */
  long pendingBytes() {
    synchronized (lock) {
      return pending.bytes();
    }
  }

  /**
   * Waits until answers (or failures) have brought what the pending requests weigh back within
   * {@link Pending#MAX_BYTES}, or {@code r} alone is over it: a caller that keeps sending to a
   * host that reads but does not answer, or while a retrying guest has no host, waits instead of
   * filling the heap. The same threads as in {@link #awaitRoom} go on at once, for the same
   * reason: the reader thread (which also runs callbacks as it reads answers) and a thread
   * holding the reading turn; answers must go on being read, since they are what ends the wait.
   * The reader thread is nudged first, so that someone reads them. A thread that reads its own
   * answers does not hold the turn while it runs their callbacks (see {@link #await}), so one of
   * those callbacks that sends may wait here: the reader thread reads meanwhile.
   *
   * <p>{@code r} was added and sent before this wait, as with {@link #awaitRoom}, rather than
   * held back until there is room: it is numbered and in the outbox in the order its thread
   * called, it is never lost or sent twice (a request not sent would need failing by hand on a
   * close, and could be overtaken by another thread's), its size is measured as it is encoded
   * instead of guessed, and a caller that does not wait pays one comparison under the lock it
   * holds already. The cost: each thread may add one request past the bound before it waits, so
   * the weight is at most the bound plus one request per sending thread (or a single request
   * over the bound alone).
   *
   * <p>It cannot wait for ever while the guest is open: every request leaves {@link Pending}
   * when answered, refused, or failed with its link (no retry) or by a close, and each of these
   * wakes the waiters under the lock (see {@link Pending}). Interrupted, it returns with
   * the thread's interrupt flag set; {@code r} stays sent, and its future says how it went.
   */
  private void awaitAnswers(GuestRequest<?> r) {
    Thread me = Thread.currentThread();
    if (me == reader) {
      return;
    }
    nudgeReader();
    synchronized (lock) {
      GuestLink l = link;
      if (l != null && l.holder == me) {
        return;
      }
      try {
        pending.awaitRoomLocked(r);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the request stays sent; the caller sees its future
      }
    }
  }

  /**
   * Waits until the host has read enough of what {@code l} holds unsent ({@link
   * #MAX_UNSENT_BYTES}): a caller that keeps sending to a host that does not read waits for it
   * instead of filling the heap. Not the reader thread, nor a thread holding the reading turn
   * (a callback run as an answer is read): the answers must go on being read, or the host, whose
   * own bound on unsent answers then stops it reading, would never read again. The reader thread
   * is nudged first, so that someone reads them. The wait ends once the host reads, or when the
   * connection fails (the reader thread sees that and retries or fails what is pending).
   */
  private void awaitRoom(GuestLink l) {
    Thread me = Thread.currentThread();
    if (me == reader) {
      return;
    }
    synchronized (lock) {
      if (l.holder == me) {
        return;
      }
    }
    nudgeReader();
    try {
      l.outbox.awaitRoom(MAX_UNSENT_BYTES);
    } catch (java.io.InterruptedIOException e) {
      Thread.currentThread().interrupt(); // the request stays sent; the caller sees its future
    } catch (IOException e) {
      l.connection.close(); // as a failed flush does: the reader thread then sees the link end
    }
  }

  /** Wakes the reader thread if it is parked, to look again at what needs reading. */
  void nudgeReader() {
    if (readerIdle) {
      Thread t = reader;
      if (t != null) {
        LockSupport.unpark(t);
      }
    }
  }

  // ---- change feeds (see GuestFeed) -----------------------------------------------------------

  /** The host's revision: a Subscribe of no feed. */
  @Override
  public long revision() {
    return LevelException.join(send(new GuestRequest.Subscribe(this, null, 0)));
  }

  @Override
  public org.level4j.ChangeFeed changes(Range<byte[]> range, long fromRevision,
      org.level4j.ChangeListener listener) {
    return feeds.open(range, fromRevision, listener);
  }

  // ---- for iterators -------------------------------------------------------------------------

  /**
   * Runs {@code body} under the lock with the current link (null while reconnecting), then
   * flushes what it appended to that link's outbox: how an iterator's own calls reach the state
   * the lock guards. {@code body} must not complete futures (see the design note above).
   */
  <T> T locked(java.util.function.Function<GuestLink, T> body) {
    GuestLink l;
    T result;
    synchronized (lock) {
      l = link;
      result = body.apply(l);
    }
    GuestLink.flush(l);
    return result;
  }

  // The methods below expect the lock held.


  /** The current link, or null while reconnecting. */
  GuestLink linkLocked() {
    return link;
  }

  boolean isOpenLocked() {
    return state == State.OPEN;
  }

  void checkUsableLocked() {
    if (state != State.OPEN) {
      throw unusable();
    }
  }

  void forgetLocked(GuestIterator it) {
    pending.remove(it);
  }

  private LevelException unusable() {
    if (state == State.LOST) {
      return new LevelException(ErrorCode.LEVEL_CONNECTION_LOST,
          "the connection to the host was lost; close this guest and connect again (or use "
              + "GuestOptions.retry): " + lost.reason(), lost);
    }
    return new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPEN, "the guest is closed");
  }


  // ---- reading -------------------------------------------------------------------------------

  /*
   * Reading. One thread at a time reads a link: the holder of its reading turn (`GuestLink.holder`,
   * passed under the lock, with the link's FrameReader and its buffer). A caller about to wait for
   * its own answer (join or get on the future the engine returned, or on one derived from it)
   * takes the turn if nobody holds it, reads until its answer came (completing every other answer
   * it reads on the way) and gives the turn back; so a sync call costs one wake-up in this process
   * (the caller's, when the answer arrives) instead of two (the reader thread's, then the
   * caller's). Only over a QuietConnection: an interrupt of a caller must not end the connection.
   *
   * The reader thread reads whenever the turn is free and anything is pending: requests nobody
   * reads for, iterators (always read by it), the probe. It parks otherwise, and is nudged when
   * such work appears: when a request is sent, except by the thread that last waited for an
   * answer with join or get (it will most likely wait for this one too; a wrong guess costs at
   * most a park, and a callback attached to the future nudges at once), and when a caller gives
   * the turn back with others' requests still pending. When the turn has stayed free and unused
   * for IDLE_PARKS parks it takes the turn to watch the idle link, so that a host that goes away
   * is noticed (and retried) within milliseconds without another call. While callers keep taking
   * the turn, its parks double up to BUSY_PARK_NANOS: a caller doing sync calls back to back has
   * the turn or is about to take it, so the reader thread's wake-ups there find nothing to do,
   * and on a machine whose processors are all taken they are dear (measured at a follower of
   * bench --followers 4 on 2 cores, woken every 1 ms: 1.1 to 2.9 µs of CPU per put, up to a
   * sixth of the follower's; 0.3 to 0.9 µs with the longer parks). A wrong guess then costs at
   * most BUSY_PARK_NANOS. Whoever sees the link end records why (`GuestLink.ended`); the reader
   * thread alone reconnects.
   *
   * When the reader thread reads the answer to such an unannounced request, its sender may wait
   * some other way (allOf), so its requests are announced again (missedLocked). But a sync caller
   * joining an answer the reader thread has already read is a sync caller still: it is taken for
   * one again as it joins (callerWaits), even though it read nothing. Before, it stayed announced
   * until it read an answer itself, and each announced request woke the reader thread, which then
   * often took the turn first and read that answer too: the caller parked and was woken instead
   * of polling, and the next request was announced again. Measured in FollowerFloor.followerGet
   * (one thread doing sync gets, about 11 s): 20,376 such nudges and reader turns before, 94
   * after; the get 5.87, 5.62, 5.46 µs before against 5.41, 5.39, 5.38 after, runs alternated.
   */

  /** The reader thread: serves a link until it ends, then reconnects (retry) or gives up. */
  private void readLoop(GuestLink first) {
    GuestLink l = first;
    while (l != null) {
      LevelException why = serve(l);
      l.connection.close();
      l = reconnectAfter(l, why);
    }
  }

  /**
   * Reads {@code l} whenever the reading turn is free and something is pending (or the link has
   * been idle for a while), parks otherwise. Returns why the link ended (or was dropped).
   */
  private LevelException serve(GuestLink l) {
    Thread me = Thread.currentThread();
    FrameReader.Handler inline = handler(null);
    while (true) {
      long seen = -1;
      int quiet = 0;
      long park = PARK_NANOS;
      while (true) {
        Thread.interrupted(); // close() interrupts this thread only while it connects
        synchronized (lock) {
          if (link != l) {
            readerIdle = false;
            return new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPEN, "the guest was closed");
          }
          if (l.ended != null) {
            readerIdle = false;
            return l.ended;
          }
          quiet = l.holder == null && l.turns == seen ? quiet + 1 : 0;
          boolean waiting = pending.hasRequests() || pending.hasIterators() || !feeds.isEmptyLocked();
          if (l.holder == null && (!l.callersRead || waiting || quiet >= IDLE_PARKS)) {
            l.holder = me;
            readerIdle = false;
            break;
          }
          boolean callersReading = l.holder != null || (seen != -1 && l.turns != seen);
          park = callersReading ? Math.min(park * 2, BUSY_PARK_NANOS) : PARK_NANOS;
          seen = l.turns;
          readerIdle = true;
        }
        LockSupport.parkNanos(this, park);
      }
      LevelException why;
      SocketConnection.yieldWhileBusy(l.connection, false);
      try {
        while (true) {
          if (!l.frames.readOnce(l.connection, inline)) {
            why = new LevelException(ErrorCode.LEVEL_CONNECTION_LOST,
                "the host closed the connection");
            break;
          }
          synchronized (lock) {
            if (link == l && l.callersRead && !pending.hasRequests() && !pending.hasIterators()
                && feeds.isEmptyLocked()) {
              l.holder = null; // callers may read their own answers again
              why = null;
              break;
            }
          }
        }
      } catch (IOException | RuntimeException | Error e) {
        why = readFailure(l, e);
      }
      if (why != null) {
        synchronized (lock) {
          l.holder = null;
          if (l.ended == null) {
            l.ended = why;
          }
          return l.ended;
        }
      }
    }
  }

  /**
   * Called by a thread about to wait for {@code r} with join or get, whether or not its answer
   * is in already: it is taken for a sync caller, whose next requests need not wake the reader
   * thread (see send and the essay on reading).
   */
  void callerWaits(GuestRequest<?> r) {
    r.waited = true; // before the thread is taken for a sync caller: see missedLocked
    Thread me = Thread.currentThread();
    if (selfReader != me) {
      selfReader = me;
    }
  }

  /**
   * Called by a thread about to wait for {@code r}. While nobody else reads the link, reads it
   * itself until {@code r} is answered, completing every answer it reads on the way; gives the
   * reading turn back between reads that had answers to complete (those completions run without
   * the turn and without the lock) and when done, nudging the reader thread if anything is still
   * pending. Returns at once, leaving {@code r} to the reader thread, when another thread reads,
   * no link is up, or the connection is not quiet. Never throws for a failed link: it records the
   * failure for the reader thread, which fails or re-sends {@code r}.
   */
  void await(GuestRequest<?> r) {
    if (r.isDone()) {
      return;
    }
    Thread me = Thread.currentThread();
    List<Runnable> later = null;
    FrameReader.Handler handler = null;
    GuestLink l = null;
    boolean holding = false;
    try {
      while (true) {
        if (!holding) {
          synchronized (lock) {
            l = link;
            if (l == null || !l.callersRead || l.holder != null || l.ended != null
                || !pending.awaits(r)) {
              return;
            }
            l.holder = me;
            l.turns++;
          }
          holding = true;
          SocketConnection.yieldWhileBusy(l.connection, true);
        }
        if (later == null) {
          later = new ArrayList<>(4);
          handler = handler(later);
        }
        LevelException ended = null;
        try {
          if (!l.frames.readOnce(l.connection, handler)) {
            ended = new LevelException(ErrorCode.LEVEL_CONNECTION_LOST,
                "the host closed the connection");
          }
        } catch (IOException | RuntimeException e) {
          ended = readFailure(l, e);
        }
        boolean answered;
        boolean nudge;
        synchronized (lock) {
          answered = !pending.awaits(r);
          if (ended != null && l.ended == null && link == l) {
            l.ended = ended;
          }
          if (!answered && ended == null && later.isEmpty() && link == l) {
            continue; // keep the turn and read on
          }
          l.holder = null;
          holding = false;
          if (answered) {
            selfReader = me;
          }
          int others = pending.requestCount() - (answered ? 0 : 1);
          nudge = ended != null || link != l || others > 0 || pending.hasIterators();
        }
        if (nudge) {
          nudgeReader();
        }
        for (Runnable done : later) {
          done.run();
        }
        later.clear();
        if (ended != null) {
          l.connection.close();
          return;
        }
        if (answered) {
          return;
        }
      }
    } finally {
      if (holding) { // an Error while reading
        synchronized (lock) {
          l.holder = null;
        }
        nudgeReader();
      }
    }
  }

  /** Reads frames into {@link #dispatch}; completions go to {@code later}, or run if null. */
  private FrameReader.Handler handler(List<Runnable> later) {
    return new FrameReader.Handler() {
      @Override
      public void frame(int tag, Protobuf.In body) {
        dispatch(tag, body, later);
      }

      @Override
      public void drained() {}
    };
  }

  /** What a failure to read link {@code l} means for the guest. */
  private LevelException readFailure(GuestLink l, Throwable e) {
    if (e instanceof Malformed) {
      LOG.log(System.Logger.Level.WARNING, "closing connection " + l.connection
          + ": the host broke the protocol: " + e.getMessage());
      return new LevelException(ErrorCode.LEVEL_CONNECTION_LOST,
          "the host broke the protocol: " + e.getMessage(), e);
    }
    if (e instanceof IOException) {
      return new LevelException(ErrorCode.LEVEL_CONNECTION_LOST,
          "the connection to the host failed: " + e, e);
    }
    LOG.log(System.Logger.Level.ERROR, "guest reader failed", e);
    return new LevelException(ErrorCode.LEVEL_CONNECTION_LOST,
        "the guest failed to read from the host: " + e, e);
  }

  /**
   * The reader thread read the answer to a request sent unannounced: its sender did not read it
   * (or lost the race for the turn), so its requests are announced again until it waits for one
   * with join or get (callerWaits). Not if a thread waits for this one already: that thread has
   * just been taken for a sync caller, and is one.
   */
  private void missedLocked(GuestRequest<?> r, List<Runnable> later) {
    if (later == null && r.unannounced && !r.waited) {
      selfReader = null;
    }
  }

  private static void fire(List<Runnable> later, Runnable r) {
    if (later == null) {
      r.run();
    } else {
      later.add(r);
    }
  }

  private void dispatch(int tag, Protobuf.In body, List<Runnable> later) {
    HostMessage m = HostMessage.decode(tag, body);
    if (m instanceof HostMessage.SharedMemory sm) {
      sharedMemoryAnswered(sm.accepted());
    } else if (m instanceof HostMessage.Hello h) {
      synchronized (lock) {
        helloFeatures = h.version() >= 1 ? h.features() : 0;
      }
    } else if (m instanceof HostMessage.Callback c) {
      GuestRequest<?> r;
      synchronized (lock) {
        r = pending.answered(c.id());
        if (r != null) {
          missedLocked(r, later);
        }
      }
      if (r != null) {
        fire(later, () -> r.answer(c));
      }
    } else if (m instanceof HostMessage.GetManyCallback c) {
      GuestRequest<?> r;
      List<Runnable> failures = null;
      GuestLink l = null;
      boolean reconnected = false;
      synchronized (lock) {
        r = pending.answered(c.id());
        if (r != null) {
          missedLocked(r, later);
        }
        if (r instanceof GuestRequest.GetMany g && g.probe && probing) {
          failures = probedLocked();
          l = link;
          if (l != null) {
            SocketConnection.answered(l.connection, false); // if not answered: a host that
            // ignored the offer (its answer comes before the probe's); its file is removed
          }
          reconnected = l != null && l.reconnect;
        }
      }
      if (failures != null) {
        if (l != null) {
          l.flushAside(); // what waited for the probe: a reader must not block writing it
        }
        failures.forEach(f -> fire(later, f));
      }
      if (reconnected) {
        // A host answered on a new link and pending requests went out: a reconnect, not just a
        // connection (a dying host's socket may still accept one, then never answer).
        for (ConnectionListener cl : listeners) {
          fire(later, () -> tell(cl, true, null));
        }
      }
      if (r != null) {
        fire(later, () -> r.answer(c));
      }
    } else if (m instanceof HostMessage.Changes ch) {
      feeds.received(ch);
    } else if (m instanceof HostMessage.ForIterator f) {
      Runnable done;
      synchronized (lock) {
        GuestIterator it = pending.iterator(f.id());
        done = it == null ? null : it.onLocked(f);
      }
      if (done != null) {
        fire(later, done);
      }
    }
  }

  /**
   * The host answered the shared memory offer of the link being read (the current one: an
   * answer comes on the link it was offered on, before anything of a later link). Taken: reads
   * come from the rings from now on, this thread being the one that reads; the guest's last frame
   * on the socket says where its writes move to them.
   */
  private void sharedMemoryAnswered(boolean accepted) {
    GuestLink l;
    synchronized (lock) {
      l = link;
    }
    if (l == null) {
      return;
    }
    SocketConnection.answered(l.connection, accepted);
    if (accepted) {
      SocketConnection.readRings(l.connection);
      synchronized (l.outbox) {
        GuestMessage.sharedMemoryNow(l.outbox.out());
        SocketConnection.writeRingsFrom(l.connection, l.outbox.appended());
      }
      l.flush();
    }
  }

  /**
   * After link {@code dead} ended: without retry, fail everything and stop; with retry, get a new
   * connection and re-send what is pending. Returns the link to read next, or null.
   */
  private GuestLink reconnectAfter(GuestLink dead, LevelException why) {
    List<Runnable> failures = new ArrayList<>();
    boolean unanswered;
    synchronized (lock) {
      if (link != dead) {
        return null; // closed meanwhile
      }
      unanswered = probing;
      link = null;
      if (!options.retry()) {
        state = State.LOST;
        lost = why;
        failAllLocked(why, failures);
      } else {
        connecting = true;
      }
    }
    failures.forEach(Runnable::run);
    for (ConnectionListener cl : listeners) {
      tell(cl, false, why);
    }
    if (!options.retry()) {
      return null;
    }
    fruitless = unanswered ? fruitless + 1 : 0;
    if (fruitless > 0 && !pauseBeforeReconnecting()) {
      return null;
    }
    Connection c;
    try {
      c = connector.connect();
      if (c == null) {
        throw new IOException("the connector returned no connection");
      }
    } catch (Exception e) {
      Thread.interrupted();
      LevelException gaveUp = new LevelException(ErrorCode.LEVEL_CONNECTION_LOST,
          "the connection to the host was lost and the connector gave up: " + describe(e), e);
      synchronized (lock) {
        connecting = false;
        if (state == State.OPEN) {
          state = State.LOST;
          lost = gaveUp;
          failAllLocked(gaveUp, failures);
        }
      }
      failures.forEach(Runnable::run);
      return null;
    }
    GuestLink fresh = new GuestLink(c, options.maxFrameBytes());
    fresh.reconnect = true;
    List<Runnable> gone = new ArrayList<>();
    synchronized (lock) {
      connecting = false;
      Thread.interrupted();
      if (state != State.OPEN) {
        c.close();
        return null;
      }
      link = fresh;
      probeLocked(fresh);
      synchronized (fresh.outbox) {
        Protobuf.Out o = fresh.outbox.out();
        for (GuestIterator it : pending.iterators()) {
          if (it.snapshot == null) {
            it.resumeLocked(o);
          } else {
            Runnable done = it.failLocked(GuestSnapshot.gone()); // never from another host
            if (done != null) {
              gone.add(done);
            }
          }
        }
        sendPlainLocked(fresh, o); // the others once the host is known
      }
    }
    fresh.flushAside(); // the re-sent requests: this thread must go on to read their answers
    gone.forEach(Runnable::run);
    feeds.subscribeAll(); // registered now, sent once the new host answered the probe
    fresh.flush(); // listeners hear of it once the host answers the probe (a live host)
    return fresh;
  }

  /**
   * A host that accepts and hangs up before it answers (a dying one, or one that refuses this
   * guest after accepting) would otherwise be dialled again at once, in a loop as fast as the
   * machine allows: after such links the reader waits 5 ms, then twice as long each time, up to
   * a second, until a host answers again. Returns false if the guest was closed meanwhile.
   */
  private boolean pauseBeforeReconnecting() {
    long millis = Math.min(1000, 5L << Math.min(fruitless - 1, 8));
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      // close() interrupts a connecting reader: the state check below says whether it did
    }
    synchronized (lock) {
      if (state != State.OPEN) {
        connecting = false;
        return false;
      }
      return true;
    }
  }

  /** Fails every pending request and open iterator; the completions run after the lock. */
  private void failAllLocked(LevelException e, List<Runnable> out) {
    for (GuestFeed f : feeds.removeAllLocked()) {
      f.fail(e);
    }
    for (GuestRequest<?> r : pending.requests()) {
      out.add(() -> r.completeExceptionally(e));
    }
    pending.clearRequests();
    for (GuestIterator it : pending.iterators()) {
      Runnable done = it.failLocked(e);
      if (done != null) {
        out.add(done);
      }
    }
  }

  private static void tell(ConnectionListener l, boolean connected, LevelException reason) {
    try {
      if (connected) {
        l.connected();
      } else {
        l.disconnected(reason);
      }
    } catch (RuntimeException | Error e) {
      // A listener's failure must not take down the reader thread that called it.
      LOG.log(System.Logger.Level.WARNING, "a connection listener failed", e);
    }
  }
}
