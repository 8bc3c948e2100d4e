package org.level4j.net;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.level4j.AsyncLevel;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.Level;
import org.level4j.LevelException;
import org.level4j.Op;

/**
 * One connection of a {@link Host}: its reader thread decodes requests and starts them in
 * arrival order through the database's async API.
 *
 * <p>Puts and dels that arrive together (in one read) are applied as one write, before anything
 * that follows them is started: a guest with many writes in flight costs the database one log
 * append per read instead of one per write.
 *
 * <p>Answers that are ready while the reader is still working through what it read (every answer
 * of an in-process database) are only appended; the reader flushes them all at once before it
 * waits for more input. Answers completed by other threads flush themselves.
 *
 * <p>Bounds (see {@link HostOptions}): after each request the reader waits while more than
 * {@code maxUnsentBytes} of answers are unsent, so a guest that does not read stops being read
 * (the kernel's socket buffers then stop its writes). Requests beyond {@code
 * maxRequestsInFlight}, iterators beyond {@code maxIterators} and snapshots beyond {@code
 * maxSnapshots} are refused with {@code LEVEL_LIMIT_EXCEEDED} and cost nothing more; the
 * snapshots a connection holds are released when it ends. The ids of refused iterators are remembered (at
 * most {@code maxIterators} of them, until the guest closes them) so that a guest's later ack,
 * seek or close of one is not mistaken for a protocol error. A getMany whose values would pass
 * {@code maxFrameBytes} is refused the same way ({@link GetManyAnswer}).
 */
final class HostSession implements FrameReader.Handler {
  private static final System.Logger LOG = Host.LOG;

  private final Host host;
  private final Connection connection;
  /** {@link #connection}, counting its bytes for the host; what frames are read from and sent to. */
  private final Connection counted;
  private final HostOptions options;
  private final Level<byte[], byte[]> db;
  /** The database, if it makes checkpoints; else null. */
  private final org.level4j.Checkpointable checkpoints;
  private final AsyncLevel<byte[], byte[]> async;
  private final Outbox outbox;
  private static final int MAX_HELD = 1024;

  private final Map<Integer, HostIterator> iterators = new HashMap<>(); // reader thread only
  private final Set<Integer> refusedIterators = new HashSet<>(); // reader thread only
  /** The snapshots this connection's guest took, by the number it gave them; reader thread only. */
  private final Map<Integer, org.level4j.Snapshot> snapshots = new HashMap<>();
  /** The change feeds this connection's guest subscribed to, by number; any thread. */
  private final Map<Integer, HostFeed> feeds = new java.util.concurrent.ConcurrentHashMap<>();
  /** Feeds one connection may have; each costs the database a thread. */
  static final int MAX_FEEDS = 64;
  private final Database database;
  private volatile int heldSnapshots; // snapshots.size(), for Host's counters
  private volatile int openIterators; // iterators.size(), for Host's counters
  /** Requests received and not yet answered (held writes included); answered on any thread. */
  private final AtomicInteger inFlight = new AtomicInteger();
  private final List<Op<byte[], byte[]>> held = new ArrayList<>(); // reader thread only
  private int[] heldIds = new int[64];
  private int heldCount;
  private volatile Thread reader;
  private volatile boolean closed;

  HostSession(Host host, Database db, HostOptions options, Connection connection) {
    this.host = host;
    this.connection = connection;
    this.options = options;
    this.database = db;
    this.db = db.bytes();
    this.checkpoints = db instanceof org.level4j.Checkpointable c ? c : null;
    this.async = this.db.async();
    this.counted = new CountedConnection(connection, host.received, host.sent);
    this.outbox = new Outbox(counted);
  }

  void run() {
    reader = Thread.currentThread();
    try {
      hello();
      new FrameReader(options.maxFrameBytes()).run(counted, this);
    } catch (Malformed e) {
      host.broken.increment();
      if (!closed) {
        LOG.log(System.Logger.Level.WARNING, "closing connection " + connection
            + ": the guest broke the protocol: " + e.getMessage());
      }
    } catch (IOException e) {
      if (!closed) {
        LOG.log(System.Logger.Level.DEBUG, "connection " + connection + " failed", e);
      }
    } catch (RuntimeException | Error e) {
      host.broken.increment();
      LOG.log(System.Logger.Level.ERROR, "closing connection " + connection
          + " after an unexpected failure", e);
    } finally {
      writeHeld(); // requests that arrived whole before the end are applied, as always
      close();
      for (HostIterator it : iterators.values()) {
        it.close();
      }
      iterators.clear();
      openIterators = 0;
      for (org.level4j.Snapshot s : snapshots.values()) {
        s.close();
      }
      snapshots.clear();
      heldSnapshots = 0;
      for (HostFeed f : feeds.values()) {
        f.close(); // after close(): a feed waiting for the guest to read stops waiting
      }
      feeds.clear();
      host.forget(this);
    }
  }

  void close() {
    closed = true;
    connection.close();
  }

  // ---- requests (reader thread) --------------------------------------------------------------

  @Override
  public void frame(int tag, Protobuf.In body) {
    receive(GuestMessage.decode(tag, body));
    if (outbox.unsent() > options.maxUnsentBytes()) {
      writeHeld(); // their answers too, before this thread may wait for the guest to read
      try {
        outbox.awaitRoom(options.maxUnsentBytes());
      } catch (IOException e) {
        close(); // the next read ends the session
      }
    }
  }

  private void receive(GuestMessage m) {
    if (m instanceof GuestMessage.Unknown u) {
      LOG.log(System.Logger.Level.DEBUG, "ignoring a frame with unknown tag " + u.tag());
      return;
    }
    if (!(m instanceof GuestMessage.IteratorAck) && !isProbe(m)) {
      host.served.increment();
    }
    if (m instanceof GuestMessage.Request r) {
      if (admitted(r)) {
        serve(r);
      }
    } else {
      writeHeld(); // whatever comes next sees the writes sent before it
      if (m instanceof GuestMessage.Unsubscribe u) {
        HostFeed f = feeds.remove(u.feed());
        if (f != null) {
          f.close();
        }
      } else if (m instanceof GuestMessage.ReleaseSnapshot r) {
        org.level4j.Snapshot s = snapshots.remove(r.snapshot());
        if (s != null) {
          s.close();
          heldSnapshots = snapshots.size();
        }
      } else {
        iteratorMessage(m);
      }
    }
  }

  /** A request answered by its id; puts and dels are held, to be written together. */
  private void serve(GuestMessage.Request m) {
    if (m instanceof GuestMessage.Put p) {
      LevelException refused = refuse(p);
      if (refused != null) {
        answer(p.id(), CompletableFuture.failedFuture(refused));
      } else {
        hold(p.id(), Op.put(p.key(), p.value()));
      }
      return;
    }
    if (m instanceof GuestMessage.Delete d) {
      LevelException refused = refuse(d);
      if (refused != null) {
        answer(d.id(), CompletableFuture.failedFuture(refused));
      } else {
        hold(d.id(), Op.del(d.key()));
      }
      return;
    }
    writeHeld(); // whatever comes next sees the writes sent before it
    if (m instanceof GuestMessage.Get g) {
      if (g.snapshot() == 0) {
        answerGet(g.id(), async.get(g.key()));
      } else {
        org.level4j.Snapshot s = snapshots.get(g.snapshot());
        answerGet(g.id(), s == null ? CompletableFuture.failedFuture(noSnapshot(g.snapshot()))
            : async.get(g.key(), s));
      }
    } else if (m instanceof GuestMessage.Batch b) {
      answer(b.id(), batch(b));
    } else if (m instanceof GuestMessage.Write w) {
      answerWrite(w.id(), write(w));
    } else if (m instanceof GuestMessage.GetMany g) {
      org.level4j.Snapshot s = snapshots.get(g.snapshot());
      answerMany(g.id(), g.snapshot() != 0 && s == null
          ? CompletableFuture.failedFuture(noSnapshot(g.snapshot()))
          : GetManyAnswer.read(db, g.keys(), options.maxFrameBytes(), s));
    } else if (m instanceof GuestMessage.TakeSnapshot t) {
      answer(t.id(), takeSnapshot(t));
    } else if (m instanceof GuestMessage.Subscribe sub) {
      subscribe(sub);
    } else if (m instanceof GuestMessage.Checkpoint c) {
      answer(c.id(), checkpoint(c));
    } else if (m instanceof GuestMessage.Clear c) {
      answer(c.id(), options.readOnly() ? readOnly() : async.clear(c.range()));
    }
  }

  /** An iterator's message: open, ack, seek or close. */
  private void iteratorMessage(GuestMessage m) {
    if (m instanceof GuestMessage.Iterator i) {
      open(i);
    } else if (m instanceof GuestMessage.IteratorAck a) {
      HostIterator it = iterator(a.id());
      if (it != null) {
        it.ack(a.seq(), a.consumed());
      }
    } else if (m instanceof GuestMessage.IteratorSeek s) {
      HostIterator it = iterator(s.id());
      if (it != null) {
        it.seek(s.target(), s.seq());
      }
    } else if (m instanceof GuestMessage.IteratorClose c) {
      HostIterator it = iterators.remove(c.id());
      if (it != null) {
        it.close();
        openIterators = iterators.size();
      } else {
        refusedIterators.remove(c.id());
      }
    }
  }

  /** A level4j guest's question on connecting (see Wire): not counted as a request served. */
  private static boolean isProbe(GuestMessage m) {
    return m instanceof GuestMessage.GetMany g && g.keys().isEmpty();
  }

  @Override
  public void drained() {
    writeHeld();
    try {
      outbox.flush();
    } catch (IOException e) {
      close();
    }
  }

  /** The open iterator {@code id}; null if it was refused (its acks and seeks are dropped). */
  private HostIterator iterator(int id) {
    HostIterator it = iterators.get(id);
    if (it == null && !refusedIterators.contains(id)) {
      throw new Malformed("no open iterator has id " + Integer.toUnsignedString(id));
    }
    return it;
  }

  private void open(GuestMessage.Iterator i) {
    if (iterators.containsKey(i.id())) {
      throw new Malformed("iterator " + Integer.toUnsignedString(i.id()) + " is already open");
    }
    if (iterators.size() >= options.maxIterators()) {
      if (refusedIterators.size() < options.maxIterators()) {
        refusedIterators.add(i.id());
      }
      LevelException refused = new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED, "this "
          + "connection already has " + iterators.size() + " iterators open, the most the host "
          + "allows (HostOptions.maxIterators, serve --max-iterators): close iterators you no "
          + "longer use");
      synchronized (outbox) {
        HostMessage.iteratorError(outbox.out(), i.id(), i.seq(), refused);
      }
      return;
    }
    refusedIterators.remove(i.id());
    org.level4j.Snapshot snapshot = null;
    if (i.snapshot() != 0) {
      snapshot = snapshots.get(i.snapshot());
      if (snapshot == null) {
        synchronized (outbox) {
          HostMessage.iteratorError(outbox.out(), i.id(), i.seq(), noSnapshot(i.snapshot()));
        }
        refusedIterators.add(i.id());
        return;
      }
    }
    HostIterator it = new HostIterator(this, db, i, snapshot);
    iterators.put(i.id(), it);
    openIterators = iterators.size();
    it.start();
  }

  /**
   * Takes the snapshot a guest asked for, unless this connection already holds {@code
   * maxSnapshots} of them. Taken here, on the reader thread, after the writes received before it
   * were started, as every read is.
   */
  private CompletableFuture<Void> takeSnapshot(GuestMessage.TakeSnapshot t) {
    if (snapshots.containsKey(t.snapshot())) {
      throw new Malformed("snapshot " + Integer.toUnsignedString(t.snapshot())
          + " is already held");
    }
    if (snapshots.size() >= options.maxSnapshots()) {
      return CompletableFuture.failedFuture(new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED,
          "this connection already holds " + snapshots.size() + " snapshots, the most the host "
              + "allows (HostOptions.maxSnapshots, serve --max-snapshots): close snapshots you "
              + "no longer use"));
    }
    try {
      snapshots.put(t.snapshot(), db.snapshot());
      heldSnapshots = snapshots.size();
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Starts the feed a guest asked for, after the writes received before it were started, and
   * answers with the database's revision (8 bytes): the feed's start when it asked for "now".
   * Feed 0 only asks for the revision.
   */
  private void subscribe(GuestMessage.Subscribe sub) {
    long revision;
    HostFeed f = null;
    try {
      if (sub.feed() != 0 && feeds.containsKey(sub.feed())) {
        throw new Malformed("feed " + Integer.toUnsignedString(sub.feed()) + " is already open");
      }
      if (sub.feed() != 0 && feeds.size() >= MAX_FEEDS) {
        throw new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED, "this connection already has "
            + feeds.size() + " change feeds, the most a host allows (" + MAX_FEEDS + "): close "
            + "feeds you no longer use");
      }
      revision = database.revision();
      if (sub.feed() != 0) {
        f = new HostFeed(this, sub.feed(), options.maxUnsentBytes());
        feeds.put(sub.feed(), f);
      }
    } catch (LevelException e) {
      answer(sub.id(), CompletableFuture.failedFuture(e));
      return;
    }
    answer(sub.id(), CompletableFuture.completedFuture(null),
        java.nio.ByteBuffer.allocate(8).putLong(revision).array());
    if (f != null) {
      try {
        f.started(database.changes(sub.range(), sub.from() > 0 ? sub.from() : revision + 1, f));
      } catch (LevelException e) {
        f.onError(e);
      }
    }
  }

  /** A feed ended on its own (its error was sent): forget it. */
  void ended(int number, HostFeed f) {
    feeds.remove(number, f);
  }

  int openFeeds() {
    return feeds.size();
  }

  /**
   * Makes the checkpoint a guest asked for, on a thread of its own (it may take a while, and this
   * connection's other requests go on meanwhile), if the database can and this guest may.
   */
  private CompletableFuture<Void> checkpoint(GuestMessage.Checkpoint c) {
    if (checkpoints == null) {
      return CompletableFuture.failedFuture(new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED,
          "this host's database cannot make checkpoints"));
    }
    if (!options.checkpointsFromAnyGuest() && !guestIsOwnUser()) {
      LOG.log(System.Logger.Level.WARNING, "refused a checkpoint in " + c.dest() + " to "
          + connection + ": not a guest of this process's user over a Unix socket");
      return CompletableFuture.failedFuture(new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED,
          "this host makes checkpoints only for guests in its own process or connected over a "
              + "Unix socket as its own user (HostOptions.checkpointsFromAnyGuest allows every "
              + "guest)"));
    }
    java.nio.file.Path dest;
    try {
      dest = java.nio.file.Path.of(c.dest());
    } catch (java.nio.file.InvalidPathException e) {
      return CompletableFuture.failedFuture(new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "the host cannot use the checkpoint path " + c.dest() + ": " + e.getMessage(), e));
    }
    if (!dest.isAbsolute()) {
      return CompletableFuture.failedFuture(new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "a checkpoint needs an absolute path, as the host's process sees it; got " + dest));
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        checkpoints.checkpoint(dest);
        LOG.log(System.Logger.Level.INFO, "made a checkpoint in " + dest + " for " + connection);
        done.complete(null);
      } catch (RuntimeException | Error e) {
        done.completeExceptionally(e);
      }
    }, "level4j-host-checkpoint");
    t.setDaemon(true);
    t.start();
    return done;
  }

  /** Whether the guest runs in this process, or as this process's user over a Unix socket. */
  private boolean guestIsOwnUser() {
    return MemoryPipe.isEnd(connection)
        || connection instanceof SocketConnection s && s.peerIsOwnUser();
  }

  private static LevelException noSnapshot(int snapshot) {
    return new LevelException(ErrorCode.LEVEL_SNAPSHOT_NOT_OPEN, "this connection holds no "
        + "snapshot " + Integer.toUnsignedString(snapshot) + " (it was released, or taken on "
        + "another connection): take a new snapshot");
  }

  /**
   * Counts request {@code r} as in flight, or, with {@code maxRequestsInFlight} already under way
   * even after applying the held writes, answers it with LEVEL_LIMIT_EXCEEDED and returns false.
   */
  private boolean admitted(GuestMessage.Request r) {
    int max = options.maxRequestsInFlight();
    if (inFlight.get() >= max) {
      writeHeld();
    }
    if (inFlight.get() < max) {
      inFlight.incrementAndGet();
      return true;
    }
    LevelException refused = new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED, "this "
        + "connection already has " + max + " requests in flight, the most the host allows "
        + "(HostOptions.maxRequestsInFlight, serve --max-requests-in-flight): wait for answers "
        + "before sending more");
    synchronized (outbox) {
      if (r instanceof GuestMessage.GetMany) {
        HostMessage.getManyCallback(outbox.out(), r.id(), refused, null);
      } else {
        HostMessage.callback(outbox.out(), r.id(), refused, null);
      }
    }
    return false;
  }

  /** Bytes of answers not yet sent to this guest. */
  int unsentBytes() {
    return outbox.unsent();
  }

  int openIterators() {
    return openIterators;
  }

  int heldSnapshots() {
    return heldSnapshots;
  }

  int requestsInFlight() {
    return inFlight.get();
  }

  /** Why the host will not apply {@code p}, or null. */
  private LevelException refuse(GuestMessage.Put p) {
    if (options.readOnly()) {
      return readOnlyError();
    }
    if (p.value() == null) {
      return new LevelException(ErrorCode.LEVEL_INVALID_VALUE, "a put needs a value");
    }
    return hook(() -> {
      if (options.preput() != null) {
        options.preput().accept(p.key(), p.value());
      }
    });
  }

  private LevelException refuse(GuestMessage.Delete d) {
    if (options.readOnly()) {
      return readOnlyError();
    }
    return hook(() -> {
      if (options.predel() != null) {
        options.predel().accept(d.key());
      }
    });
  }

  /**
   * Keeps a put or del to apply with the others of this read: a guest with many writes in flight
   * sends them together, and one write of them all costs the database one log append instead of
   * one each. Each is still answered on its own; if the write fails, each gets the error.
   */
  private void hold(int id, Op<byte[], byte[]> op) {
    if (heldCount == heldIds.length) {
      heldIds = java.util.Arrays.copyOf(heldIds, heldCount * 2);
    }
    heldIds[heldCount++] = id;
    held.add(op);
    if (heldCount == MAX_HELD) {
      writeHeld();
    }
  }

  /** Applies the held puts and dels as one write, in the order they arrived. */
  private void writeHeld() {
    if (heldCount == 0) {
      return;
    }
    int[] ids = java.util.Arrays.copyOf(heldIds, heldCount);
    List<Op<byte[], byte[]>> ops = List.copyOf(held);
    held.clear();
    heldCount = 0;
    async.batch(ops).whenComplete((v, e) -> {
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

  private CompletableFuture<Void> batch(GuestMessage.Batch b) {
    LevelException refused = refuse(b.ops(), b.problem());
    return refused != null ? CompletableFuture.failedFuture(refused)
        : async.batch(Collections.unmodifiableList(b.ops()));
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
    List<Op<byte[], byte[]>> seen = Collections.unmodifiableList(ops);
    return hook(() -> {
      if (options.prebatch() != null) {
        options.prebatch().accept(seen);
      }
    });
  }

  /** Tells a level4j guest which extensions this host serves (a Node guest skips the frame). */
  private void hello() throws IOException {
    org.level4j.Supports s = db.supports();
    int features = (s.conditionalBatch() ? Wire.FEATURE_PRECONDITIONS : 0)
        | (s.exactlyOnce() ? Wire.FEATURE_REQUEST_IDS : 0)
        | (s.explicitSnapshots() ? Wire.FEATURE_SNAPSHOTS : 0)
        | (database.supports().changeFeed() ? Wire.FEATURE_CHANGES : 0)
        | (checkpoints != null ? Wire.FEATURE_CHECKPOINTS : 0);
    synchronized (outbox) {
      HostMessage.hello(outbox.out(), features);
    }
    outbox.flush();
  }

  /** The Write extension: a batch with preconditions and/or a request id. */
  private CompletableFuture<Boolean> write(GuestMessage.Write w) {
    LevelException refused = refuse(w.ops(), w.problem());
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    org.level4j.WriteOptions wo = w.request() != null
        ? org.level4j.WriteOptions.builder().sync(w.sync()).request(w.request()).build()
        : w.sync() ? org.level4j.WriteOptions.SYNC : org.level4j.WriteOptions.DEFAULT;
    return async.batchOnce(Collections.unmodifiableList(w.ops()), wo);
  }

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

  private static <T> CompletableFuture<T> readOnly() {
    return CompletableFuture.failedFuture(readOnlyError());
  }

  private static LevelException readOnlyError() {
    return new LevelException(ErrorCode.LEVEL_READONLY, "the host serves this database read-only");
  }

  // ---- answers (any thread) ------------------------------------------------------------------

  private void answer(int id, CompletableFuture<?> f) {
    answer(id, f, null);
  }

  /** Answers with {@code value} (null: none) once {@code f} succeeds, or with its error. */
  private void answer(int id, CompletableFuture<?> f, byte[] value) {
    f.whenComplete((v, e) -> {
      inFlight.decrementAndGet();
      LevelException error = e == null ? null : LevelException.of(e, ErrorCode.LEVEL_REMOTE_ERROR);
      synchronized (outbox) {
        HostMessage.callback(outbox.out(), id, error, error == null ? value : null);
      }
      sent();
    });
  }

  /** A Write's answer carries one byte: 1 if applied now, 0 if its request was applied before. */
  private void answerWrite(int id, CompletableFuture<Boolean> f) {
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

  private void answerGet(int id, CompletableFuture<byte[]> f) {
    f.whenComplete((v, e) -> {
      inFlight.decrementAndGet();
      synchronized (outbox) {
        if (e != null) {
          HostMessage.callback(outbox.out(), id, LevelException.of(e, ErrorCode.LEVEL_REMOTE_ERROR), null);
        } else if (v == null) {
          HostMessage.notFound(outbox.out(), id);
        } else {
          HostMessage.callback(outbox.out(), id, null, v);
        }
      }
      sent();
    });
  }

  private void answerMany(int id, CompletableFuture<List<byte[]>> f) {
    f.whenComplete((v, e) -> {
      inFlight.decrementAndGet();
      LevelException error = e == null ? null : LevelException.of(e, ErrorCode.LEVEL_REMOTE_ERROR);
      synchronized (outbox) {
        HostMessage.getManyCallback(outbox.out(), id, error, v);
      }
      sent();
    });
  }

  /** The outbox, for {@link HostIterator}s to append to (holding its monitor). */
  Outbox outbox() {
    return outbox;
  }

  /**
   * After appending an answer: the reader thread flushes in {@link #drained()}; any other thread
   * flushes now.
   */
  void sent() {
    if (Thread.currentThread() == reader) {
      return;
    }
    try {
      outbox.flush();
    } catch (IOException e) {
      close();
    }
  }
}
