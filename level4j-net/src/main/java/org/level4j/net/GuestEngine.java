package org.level4j.net;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
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
 * iterators and their buffers. A caller registers its request and encodes it into the link's
 * outbox under the lock, then flushes outside it (Outbox coalesces concurrent callers into one
 * write). Whoever reads responses looks requests up under the lock and completes them outside
 * it, so user callbacks never run under the lock.
 *
 * Reading. One thread at a time reads a link: the holder of its reading turn (`Link.holder`,
 * passed under the lock, with the link's FrameReader and its buffer). A caller about to wait for
 * its own answer (join or get on the future the engine returned, or on one derived from it)
 * takes the turn if nobody holds it, reads until its answer came (completing every other answer
 * it reads on the way) and gives the turn back; so a sync call costs one wake-up in this process
 * (the caller's, when the answer arrives) instead of two (the reader thread's, then the
 * caller's). Only over a QuietConnection: an interrupt of a caller must not end the connection.
 *
 * The reader thread reads whenever the turn is free and anything is pending: requests nobody
 * reads for, iterators (always read by it), the probe. It parks otherwise, and is nudged when
 * such work appears: when a request is sent, except by the thread that last read its own answer
 * (it will most likely wait for this one too; a wrong guess costs at most PARK_NANOS, and a
 * callback attached to the future nudges at once), and when a caller gives the turn back with
 * others' requests still pending. When the turn has stayed free and unused for IDLE_PARKS parks
 * it takes the turn to watch the idle link, so that a host that goes away is noticed (and
 * retried) within milliseconds without another call. Whoever sees the link end records why
 * (`Link.ended`); the reader thread alone reconnects.
 *
 * Requests and iterators are kept in LinkedHashMaps, in id order, so a reconnect re-sends them
 * in the order they were first sent. A link that ends hands its reader thread over to the
 * reconnect: the same thread calls the Connector, installs the new link and reads from it.
 *
 * Extensions. Every link starts with a probe (a GetMany of no keys); a level4j host's Hello
 * arrives before its answer. Until the answer, requests are only registered, not sent: the
 * answer then sends them all, in id order, Write requests (preconditions, request ids) as the
 * Write extension if the host serves it, else failing with LEVEL_NOT_SUPPORTED. Conditional
 * batches carry this guest's own request id (`client`, a per-request `seq`, and the lowest seq
 * still unanswered as settledBelow), so a batch re-sent after a reconnect is applied once.
 *
 * Snapshots (feature 4 of Hello). snapshot() sends Snapshot with a number of this guest's own
 * (never reused while the guest lives, so a number of one connection cannot name a snapshot on
 * another), and the GuestSnapshot records the link it was taken on: the request's link when it
 * is answered, since a request re-sent after a reconnect takes it on the new link. Reads name it
 * only on that link; requests and iterators with a snapshot of a link that ended are failed with
 * LEVEL_SNAPSHOT_NOT_OPEN when the guest reconnects (refusedLocked, reconnectAfter), never re-sent.
 *
 * Lock order: lock → outbox monitor. The outbox never calls back.
 */
final class GuestEngine implements RemoteEngine {
  private static final System.Logger LOG = System.getLogger("org.level4j.net");
  private static final AtomicInteger THREADS = new AtomicInteger();
  /** How long open() waits for the host's first answer. */

  private enum State { CLOSED, OPEN, LOST }

  /** How long the reader thread parks at most before it looks again at what needs reading. */
  private static final long PARK_NANOS = 1_000_000L;
  /** After how many parks in a row with the turn free and unused it watches the idle link. */
  private static final int IDLE_PARKS = 5;

  final Object lock = new Object();
  private final Connector connector;
  private final GuestOptions options;
  private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
  /** This guest's client id in request ids: random, the same over reconnects. */
  private final byte[] client = randomClient();
  private volatile Supports supports;

  // guarded by lock
  private State state = State.CLOSED;
  private LevelException lost;
  private Link link;
  private volatile Thread reader;
  private volatile boolean readerIdle; // the reader thread parks, not holding a reading turn
  private Thread selfReader; // the last caller that read its own answer
  private boolean connecting;
  private final LinkedHashMap<Integer, Request<?>> requests = new LinkedHashMap<>();
  private final LinkedHashMap<Integer, GuestIterator> iterators = new LinkedHashMap<>();
  private int lastRequestId;
  private int lastIteratorId;
  private boolean probing; // the link's probe is unanswered: requests wait unsent
  private int helloFeatures; // what the current link's Hello said (0: none came)
  private int features; // what the current host serves, known once the probe is answered
  private long lastSeq;
  private int lastSnapshot;
  private final java.util.TreeSet<Long> unansweredSeqs = new java.util.TreeSet<>();

  GuestEngine(Connector connector, GuestOptions options) {
    if (connector == null || options == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "a connector and options are required");
    }
    this.connector = connector;
    this.options = options;
    this.supports = supportsFor(0);
  }

  private Supports supportsFor(int features) {
    return new Supports(true, (features & Wire.FEATURE_SNAPSHOTS) != 0, true, options.permanence(),
        false,
        (features & Wire.FEATURE_PRECONDITIONS) != 0, (features & Wire.FEATURE_REQUEST_IDS) != 0);
  }

  private static byte[] randomClient() {
    byte[] b = new byte[16];
    new java.security.SecureRandom().nextBytes(b);
    return b;
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
          "could not connect to the host: " + e, e);
    }
    if (c == null) {
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED,
          "the connector returned no connection");
    }
    Link l = new Link(c, options.maxFrameBytes());
    Thread t = new Thread(() -> readLoop(l), "level4j-guest-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    Request<List<byte[]>> probe;
    synchronized (lock) {
      state = State.OPEN;
      lost = null;
      lastRequestId = 0;
      lastIteratorId = 0;
      link = l;
      reader = t;
      probe = probeLocked(l);
    }
    t.start();
    flush(l);
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

  /**
   * Starts a link: registers and encodes its probe; requests wait for the probe's answer. Call
   * with the lock held, before {@code l} is flushed.
   */
  @SuppressWarnings("unchecked")
  private Request<List<byte[]>> probeLocked(Link l) {
    probing = true;
    helloFeatures = 0;
    Request<List<byte[]>> probe = null;
    for (Request<?> r : requests.values()) {
      if (r.probe) {
        probe = (Request<List<byte[]>>) r; // the last link's, never answered: ask again
      }
    }
    if (probe == null) {
      probe = new Request<>(this, Wire.GET_MANY, null, null, List.of(), null);
      probe.probe = true;
      probe.id = nextId(lastRequestId, requests);
      lastRequestId = probe.id;
      requests.put(probe.id, probe);
    }
    synchronized (l.outbox) {
      probe.encode(l.outbox.out(), this);
    }
    return probe;
  }

  /**
   * The probe was answered: the host is known. Sends every request registered meanwhile (the
   * probe is already removed), or fails those the host cannot take. Returns the failures, to run
   * after the lock.
   */
  private List<Runnable> probedLocked() {
    probing = false;
    features = helloFeatures;
    supports = supportsFor(features);
    List<Runnable> failures = new ArrayList<>();
    Link l = link;
    if (l == null) {
      return failures;
    }
    synchronized (l.outbox) {
      Protobuf.Out o = l.outbox.out();
      for (java.util.Iterator<Request<?>> i = requests.values().iterator(); i.hasNext(); ) {
        Request<?> r = i.next();
        LevelException refused = refusedLocked(r);
        if (refused != null) {
          i.remove();
          answeredLocked(r);
          failures.add(() -> r.completeExceptionally(refused));
        } else {
          r.encode(o, this);
        }
      }
    }
    return failures;
  }

  /** Why the current host cannot take {@code r}, or null. */
  private LevelException refusedLocked(Request<?> r) {
    if (r.snapshot != null && r.snapshot.link != link) {
      return GuestSnapshot.gone();
    }
    if (r.tag == Wire.SNAPSHOT && (features & Wire.FEATURE_SNAPSHOTS) == 0) {
      return new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED, "the host holds no snapshots for "
          + "its guests (it is not a level4j host, or its database has no explicit snapshots; see "
          + "supports().explicitSnapshots())");
    }
    if (r.tag != Wire.WRITE) {
      return null;
    }
    if (r.request != null && (features & Wire.FEATURE_REQUEST_IDS) == 0) {
      return new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED,
          "the host keeps no request records (it is not a level4j host, or its database cannot "
              + "apply writes exactly once); write without a request id");
    }
    if (r.conditional && (features & Wire.FEATURE_PRECONDITIONS) == 0) {
      return new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED,
          "the host does not take conditional batches (it is not a level4j host, or its "
              + "database has no preconditions; see supports().conditionalBatch())");
    }
    return null;
  }

  /** A request left the pending set; its seq no longer holds back settledBelow. */
  private void answeredLocked(Request<?> r) {
    if (r.seq != 0) {
      unansweredSeqs.remove(r.seq);
    }
  }

  /** The request id a Write sends: the caller's, else this guest's own if the host keeps them. */
  org.level4j.RequestId requestIdLocked(Request<?> r) {
    if (r.request != null) {
      return r.request;
    }
    if (r.seq == 0 || (features & Wire.FEATURE_REQUEST_IDS) == 0) {
      return null;
    }
    return new org.level4j.RequestId(client, r.seq, unansweredSeqs.first());
  }

  @Override
  public void close() {
    LevelException reason = new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPEN,
        "the guest was closed before the host answered");
    List<Runnable> failures = new ArrayList<>();
    Link l;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      l = link;
      link = null;
      failAllLocked(reason, failures);
      if (connecting && reader != null && reader != Thread.currentThread()) {
        reader.interrupt();
      }
    }
    if (l != null) {
      l.connection.close();
    }
    nudgeReader(); // it may be parked rather than reading: it must see the link gone
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
  public byte[] get(byte[] key, EngineSnapshot snapshot) {
    return join(getAsync(key, snapshot));
  }

  @Override
  public List<byte[]> getMany(List<byte[]> keys, EngineSnapshot snapshot) {
    return join(getManyAsync(keys, snapshot));
  }

  @Override
  public void write(List<Op<byte[], byte[]>> ops, boolean sync) {
    join(writeAsync(ops, sync));
  }

  @Override
  public void clear(Range<byte[]> range) {
    join(clearAsync(range));
  }

  @Override
  public CompletableFuture<byte[]> getAsync(byte[] key, EngineSnapshot snapshot) {
    Request<byte[]> r = new Request<>(this, Wire.GET, key, null, null, null);
    r.snapshot = (GuestSnapshot) snapshot;
    return send(r);
  }

  @Override
  public CompletableFuture<List<byte[]>> getManyAsync(List<byte[]> keys, EngineSnapshot snapshot) {
    Request<List<byte[]>> r = new Request<>(this, Wire.GET_MANY, null, null, keys, null);
    r.snapshot = (GuestSnapshot) snapshot;
    return send(r);
  }

  @Override
  public boolean write(List<Op<byte[], byte[]>> ops, boolean sync,
      org.level4j.RequestId request) {
    return join(writeAsync(ops, sync, request));
  }

  /** Sent as the Write extension; the host's answer says whether it applied the write now. */
  @Override
  public CompletableFuture<Boolean> writeAsync(List<Op<byte[], byte[]>> ops, boolean sync,
      org.level4j.RequestId request) {
    Request<byte[]> r = new Request<>(this, Wire.WRITE, null, null, null, List.copyOf(ops));
    r.request = request;
    r.sync = sync;
    r.conditional = hasExpect(ops);
    return send(r).thenApply(v -> v == null || v.length == 0 || v[0] != 0);
  }

  private static boolean hasExpect(List<Op<byte[], byte[]>> ops) {
    for (Op<byte[], byte[]> op : ops) {
      if (op.type() == Op.Type.EXPECT) {
        return true;
      }
    }
    return false;
  }

  @Override
  public CompletableFuture<Void> writeAsync(List<Op<byte[], byte[]>> ops, boolean sync) {
    if (hasExpect(ops)) {
      Request<byte[]> r = new Request<>(this, Wire.WRITE, null, null, null, List.copyOf(ops));
      r.conditional = true;
      r.sync = sync;
      return send(r).thenApply(applied -> null);
    }
    if (ops.size() == 1) {
      Op<byte[], byte[]> op = ops.get(0);
      return op.type() == Op.Type.PUT
          ? send(new Request<Void>(this, Wire.PUT, op.key(), op.value(), null, null))
          : send(new Request<Void>(this, Wire.DELETE, op.key(), null, null, null));
    }
    return send(new Request<Void>(this, Wire.BATCH, null, null, null, List.copyOf(ops)));
  }

  @Override
  public CompletableFuture<Void> clearAsync(Range<byte[]> range) {
    Request<Void> r = new Request<>(this, Wire.CLEAR, null, null, null, null);
    r.range = range;
    return send(r);
  }

  /** Asks the host to take a snapshot and hold it for this connection; waits for its answer. */
  @Override
  public EngineSnapshot snapshot() {
    Request<Void> r = new Request<>(this, Wire.SNAPSHOT, null, null, null, null);
    synchronized (lock) {
      lastSnapshot = lastSnapshot == -1 ? 1 : lastSnapshot + 1; // 0 means "no snapshot"
      r.number = lastSnapshot;
    }
    join(send(r));
    synchronized (lock) {
      return new GuestSnapshot(this, r.takenOn, r.number);
    }
  }

  /** Lets the host release {@code s}, if the connection it was taken on is still up. */
  void release(GuestSnapshot s) {
    Link l;
    synchronized (lock) {
      l = link;
      if (state != State.OPEN || l != s.link) {
        return; // the host released it when that connection went away
      }
      synchronized (l.outbox) {
        GuestMessage.snapshotRelease(l.outbox.out(), s.number);
      }
    }
    flush(l);
  }

  @Override
  public EngineIterator iterator(Range<byte[]> range, boolean keys, boolean values,
      EngineSnapshot snapshot) {
    GuestSnapshot s = (GuestSnapshot) snapshot;
    Link l;
    GuestIterator it;
    synchronized (lock) {
      checkUsableLocked();
      if (s != null && s.link != link) {
        throw GuestSnapshot.gone();
      }
      int id = nextId(lastIteratorId, iterators);
      lastIteratorId = id;
      it = new GuestIterator(this, id, range, keys, values, options.retry(), s);
      iterators.put(id, it);
      l = link;
      if (l != null) {
        synchronized (l.outbox) {
          it.encodeOpen(l.outbox.out());
        }
      }
    }
    flush(l);
    nudgeReader(); // an iterator's data is read by the reader thread
    return it;
  }

  private <T> CompletableFuture<T> send(Request<T> r) {
    Link l;
    boolean nudge;
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
      if (r.tag == Wire.WRITE && r.request == null && r.conditional) {
        r.seq = ++lastSeq;
        unansweredSeqs.add(r.seq);
      }
      r.id = nextId(lastRequestId, requests);
      lastRequestId = r.id;
      requests.put(r.id, r);
      l = probing ? null : link;
      if (l != null) {
        synchronized (l.outbox) {
          r.encode(l.outbox.out(), this);
        }
      }
      // Someone must read the answer. A thread that read its own last answer most likely waits
      // for this one too (a sync call): it reads it itself, and waking the reader thread would
      // only cost a wake-up and race it for the turn. Otherwise the reader thread is nudged. A
      // guess gone wrong (that thread waits some other way, say allOf) costs at most a park of
      // the reader thread (PARK_NANOS); attaching a callback nudges at once (Answer).
      nudge = Thread.currentThread() != selfReader;
      r.unannounced = !nudge;
    }
    flush(l);
    if (nudge) {
      nudgeReader();
    }
    return r;
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

  /** The next id after {@code last}: 1..0xffffffff, wrapping, skipping ids still in use. */
  static int nextId(int last, java.util.Map<Integer, ?> inUse) {
    int id = last;
    do {
      id++;
      if (id == 0) {
        id = 1;
      }
    } while (inUse.containsKey(id));
    return id;
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw LevelException.of(e, ErrorCode.LEVEL_REMOTE_ERROR);
    }
  }

  // ---- for iterators (callers hold lock) -----------------------------------------------------

  /** The current link, or null while reconnecting. */
  Link linkLocked() {
    return link;
  }

  void checkUsableLocked() {
    if (state != State.OPEN) {
      throw unusable();
    }
  }

  void forgetLocked(GuestIterator it) {
    iterators.remove(it.id);
  }

  private LevelException unusable() {
    if (state == State.LOST) {
      return new LevelException(ErrorCode.LEVEL_CONNECTION_LOST,
          "the connection to the host was lost; close this guest and connect again (or use "
              + "GuestOptions.retry): " + lost.reason(), lost);
    }
    return new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPEN, "the guest is closed");
  }

  static void flush(Link l) {
    if (l != null) {
      l.flush();
    }
  }

  // ---- reading -------------------------------------------------------------------------------

  /** The reader thread: serves a link until it ends, then reconnects (retry) or gives up. */
  private void readLoop(Link first) {
    Link l = first;
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
  private LevelException serve(Link l) {
    Thread me = Thread.currentThread();
    FrameReader.Handler inline = handler(null);
    while (true) {
      long seen = -1;
      int quiet = 0;
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
          boolean pending = !requests.isEmpty() || !iterators.isEmpty();
          if (l.holder == null && (!l.callersRead || pending || quiet >= IDLE_PARKS)) {
            l.holder = me;
            readerIdle = false;
            break;
          }
          seen = l.turns;
          readerIdle = true;
        }
        LockSupport.parkNanos(this, PARK_NANOS);
      }
      LevelException why;
      try {
        while (true) {
          if (!l.frames.readOnce(l.connection, inline)) {
            why = new LevelException(ErrorCode.LEVEL_CONNECTION_LOST,
                "the host closed the connection");
            break;
          }
          synchronized (lock) {
            if (link == l && l.callersRead && requests.isEmpty() && iterators.isEmpty()) {
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
   * Called by a thread about to wait for {@code r}. While nobody else reads the link, reads it
   * itself until {@code r} is answered, completing every answer it reads on the way; gives the
   * reading turn back between reads that had answers to complete (those completions run without
   * the turn and without the lock) and when done, nudging the reader thread if anything is still
   * pending. Returns at once, leaving {@code r} to the reader thread, when another thread reads,
   * no link is up, or the connection is not quiet. Never throws for a failed link: it records the
   * failure for the reader thread, which fails or re-sends {@code r}.
   */
  void await(Request<?> r) {
    if (r.isDone()) {
      return;
    }
    Thread me = Thread.currentThread();
    List<Runnable> later = null;
    FrameReader.Handler handler = null;
    Link l = null;
    boolean holding = false;
    try {
      while (true) {
        if (!holding) {
          synchronized (lock) {
            l = link;
            if (l == null || !l.callersRead || l.holder != null || l.ended != null
                || requests.get(r.id) != r) {
              return;
            }
            l.holder = me;
            l.turns++;
          }
          holding = true;
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
          answered = requests.get(r.id) != r;
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
          int others = requests.size() - (answered ? 0 : 1);
          nudge = ended != null || link != l || others > 0 || !iterators.isEmpty();
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
  private LevelException readFailure(Link l, Throwable e) {
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
   * (or lost the race for the turn), so its requests are announced again until it reads one.
   */
  private void missedLocked(Request<?> r, List<Runnable> later) {
    if (later == null && r.unannounced) {
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
    if (m instanceof HostMessage.Hello h) {
      synchronized (lock) {
        helloFeatures = h.version() >= 1 ? h.features() : 0;
      }
    } else if (m instanceof HostMessage.Callback c) {
      Request<?> r;
      synchronized (lock) {
        r = requests.remove(c.id());
        if (r != null) {
          answeredLocked(r);
          missedLocked(r, later);
        }
      }
      if (r != null) {
        fire(later, () -> {
          if (c.error() != null) {
            r.completeExceptionally(c.error());
          } else if (r.tag == Wire.GET_MANY) {
            r.completeExceptionally(new LevelException(ErrorCode.LEVEL_PROTOCOL_ERROR,
                "the host answered getMany with a Callback"));
          } else {
            r.succeed(r.tag == Wire.GET || r.tag == Wire.WRITE ? c.value() : null);
          }
        });
      }
    } else if (m instanceof HostMessage.GetManyCallback c) {
      Request<?> r;
      List<Runnable> failures = null;
      Link l = null;
      boolean reconnected = false;
      synchronized (lock) {
        r = requests.remove(c.id());
        if (r != null) {
          missedLocked(r, later);
        }
        if (r != null && r.probe && probing) {
          failures = probedLocked();
          l = link;
          reconnected = l != null && l.reconnect;
        }
      }
      if (failures != null) {
        flush(l);
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
        fire(later, () -> {
          if (c.error() != null) {
            r.completeExceptionally(c.error());
          } else if (r.tag != Wire.GET_MANY || c.values().size() != r.keys.size()) {
            r.completeExceptionally(new LevelException(ErrorCode.LEVEL_PROTOCOL_ERROR,
                "the host's getMany answer does not match the request"));
          } else {
            r.succeed(c.values());
          }
        });
      }
    } else if (m instanceof HostMessage.ForIterator f) {
      Runnable done;
      synchronized (lock) {
        GuestIterator it = iterators.get(f.id());
        done = it == null ? null : it.onLocked(f);
      }
      if (done != null) {
        fire(later, done);
      }
    }
  }

  /**
   * After link {@code dead} ended: without retry, fail everything and stop; with retry, get a new
   * connection and re-send what is pending. Returns the link to read next, or null.
   */
  private Link reconnectAfter(Link dead, LevelException why) {
    List<Runnable> failures = new ArrayList<>();
    synchronized (lock) {
      if (link != dead) {
        return null; // closed meanwhile
      }
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
    Connection c;
    try {
      c = connector.connect();
      if (c == null) {
        throw new IOException("the connector returned no connection");
      }
    } catch (Exception e) {
      Thread.interrupted();
      LevelException gaveUp = new LevelException(ErrorCode.LEVEL_CONNECTION_LOST,
          "the connection to the host was lost and the connector gave up: " + e, e);
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
    Link fresh = new Link(c, options.maxFrameBytes());
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
      probeLocked(fresh); // pending requests are re-sent once the host is known
      synchronized (fresh.outbox) {
        Protobuf.Out o = fresh.outbox.out();
        for (GuestIterator it : iterators.values()) {
          if (it.snapshot == null) {
            it.resumeLocked(o);
          } else {
            Runnable done = it.failLocked(GuestSnapshot.gone()); // never from another host
            if (done != null) {
              gone.add(done);
            }
          }
        }
      }
    }
    gone.forEach(Runnable::run);
    fresh.flush(); // listeners hear of it once the host answers the probe (a live host)
    return fresh;
  }

  /** Fails every pending request and open iterator; the completions run after the lock. */
  private void failAllLocked(LevelException e, List<Runnable> out) {
    for (Request<?> r : requests.values()) {
      out.add(() -> r.completeExceptionally(e));
    }
    requests.clear();
    unansweredSeqs.clear();
    for (GuestIterator it : iterators.values()) {
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

  // ---- parts ---------------------------------------------------------------------------------

  /** One connection, its outbox, and who reads it. */
  static final class Link {
    final Connection connection;
    final Outbox outbox;
    final FrameReader frames; // used by the holder of the reading turn only
    final boolean callersRead; // a quiet connection: callers may read their own answers
    // guarded by the engine's lock
    Thread holder; // who reads now, or null
    long turns; // how many times a caller took the reading turn
    LevelException ended; // why the link ended, once a reader saw it end
    boolean reconnect; // made after another link ended: listeners hear of it when probed

    Link(Connection connection, int maxFrameBytes) {
      this.connection = connection;
      this.outbox = new Outbox(connection);
      this.frames = new FrameReader(maxFrameBytes);
      this.callersRead = connection instanceof QuietConnection;
    }

    /** Sends what was appended; a failed write closes the connection (the reader then sees it). */
    void flush() {
      try {
        outbox.flush();
      } catch (IOException e) {
        connection.close();
      }
    }
  }

  /**
   * A future of this engine: waiting on it with {@link #join()} or {@link #get()} first reads
   * the answer of the request it comes from, if nobody else is reading (see {@link #await}).
   * Futures derived from it ({@code thenApply} and the like) are of this kind too.
   */
  static class Answer<T> extends CompletableFuture<T> {
    final GuestEngine engine;
    private final Request<?> source;
    private boolean mapping; // only a hint: a race costs at most a park of the reader thread

    Answer(GuestEngine engine, Request<?> source) {
      this.engine = engine;
      this.source = source;
    }

    Request<?> source() {
      return source;
    }

    @Override
    public T join() {
      if (!isDone()) {
        engine.await(source());
      }
      return super.join();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
      if (!isDone() && !Thread.currentThread().isInterrupted()) {
        engine.await(source());
      }
      return super.get();
    }

    @Override
    public T get(long timeout, java.util.concurrent.TimeUnit unit)
        throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
      if (!isDone()) {
        engine.nudgeReader(); // this wait does not read: the reader thread must
      }
      return super.get(timeout, unit);
    }

    @Override
    public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
      mapping = true; // a mapped future is waited for like this one: no nudge (see below)
      try {
        return super.thenApply(fn);
      } finally {
        mapping = false;
      }
    }

    /** Every dependent stage is made here: one that is not a mapping is a callback to run. */
    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      if (!mapping && !isDone()) {
        engine.nudgeReader();
      }
      return new Answer<>(engine, source());
    }
  }

  /**
   * A request in flight: the future the caller waits on, and what to send again after a
   * reconnect. Being the future itself saves an allocation per operation.
   */
  static final class Request<T> extends Answer<T> {
    final int tag;
    final byte[] key;
    final byte[] value;
    final List<byte[]> keys;
    final List<Op<byte[], byte[]>> ops;
    Range<byte[]> range;
    int id;
    boolean probe; // the GetMany of no keys that starts a link
    boolean unannounced; // sent without nudging the reader thread (see send)
    boolean conditional; // a Write with preconditions
    boolean sync;
    org.level4j.RequestId request; // the caller's request id, for a Write
    long seq; // this guest's own request number, for a conditional Write without one
    GuestSnapshot snapshot; // the snapshot a Get or GetMany reads from, or null
    int number; // the number a Snapshot request gives its snapshot
    Link takenOn; // the link a Snapshot request was last sent on (guarded by the lock)

    Request(GuestEngine engine, int tag, byte[] key, byte[] value, List<byte[]> keys,
        List<Op<byte[], byte[]>> ops) {
      super(engine, null);
      this.tag = tag;
      this.key = key;
      this.value = value;
      this.keys = keys;
      this.ops = ops;
    }

    @Override
    Request<?> source() {
      return this;
    }

    @SuppressWarnings("unchecked")
    void succeed(Object result) {
      complete((T) result);
    }

    void encode(Protobuf.Out o, GuestEngine engine) {
      switch (tag) {
        case Wire.WRITE:
          GuestMessage.write(o, id, ops, engine.requestIdLocked(this), sync);
          break;
        case Wire.GET:
          GuestMessage.get(o, id, key, snapshot == null ? 0 : snapshot.number);
          break;
        case Wire.SNAPSHOT:
          GuestMessage.snapshot(o, id, number);
          takenOn = engine.link;
          break;
        case Wire.PUT:
          GuestMessage.put(o, id, key, value);
          break;
        case Wire.DELETE:
          GuestMessage.delete(o, id, key);
          break;
        case Wire.BATCH:
          GuestMessage.batch(o, id, ops);
          break;
        case Wire.GET_MANY:
          GuestMessage.getMany(o, id, keys, snapshot == null ? 0 : snapshot.number);
          break;
        case Wire.CLEAR:
          GuestMessage.clear(o, id, range);
          break;
        default:
          throw new IllegalStateException("no request has tag " + tag);
      }
    }
  }
}
