package org.level4j.net;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.level4j.AsyncLevel;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.Level;
import org.level4j.LevelException;
import org.level4j.Snapshot;

/**
 * One connection of a {@link Host}: its reader thread decodes requests and starts them in
 * arrival order through the database's async API. What a request starts is kept by a class of its
 * own: {@link HostWrites} (puts and dels that arrive together are applied as one write),
 * {@link HostSnapshots}, {@link HostIterators}, {@link HostFeeds}; {@link HostAnswers} appends the
 * answers.
 *
 * <p>Bounds (see {@link HostOptions}): after each request the reader waits while more than
 * {@code maxUnsentBytes} of answers are unsent, so a guest that does not read stops being read
 * (the kernel's socket buffers then stop its writes). Requests beyond {@code
 * maxRequestsInFlight} are refused with {@code LEVEL_LIMIT_EXCEEDED} and cost nothing more, as
 * are iterators and snapshots beyond their bounds (the connection's, and the host's over all its
 * connections); the snapshots a connection holds are released
 * when it ends. A getMany whose values would pass {@code maxFrameBytes} is refused the same way
 * ({@link GetManyAnswer}), and so is a getMany, batch or write of more keys or operations than
 * {@link #maxItems}, before they are decoded.
 */
final class HostSession implements FrameReader.Handler {
  private static final System.Logger LOG = Host.LOG;

  /*
   * Why a request's keys or operations are bounded apart from its bytes: decoding makes objects
   * per item (a key's array and its list slot, an operation's Op and arrays, a value in the
   * answer), some 20 to 80 bytes of heap for an item that may take 2 bytes of its frame. So a
   * GetMany of 33 million empty keys, inside a 64 MiB frame, cost about 1 GB of heap and 27 s of
   * CPU to decode and answer. One item per ITEM_BYTES of the frame limit keeps the decoded
   * request about the size of the frame limit itself (measured at the default bound of 1,048,576:
   * 22 MB for a GetMany of empty keys, 64 MB for a Batch of empty puts), and binds only a request
   * whose items average under 64 bytes on the wire and number over a million (at the default
   * limit). Such a request is refused whole, its items counted in a pass that allocates nothing
   * but never decoded, and the connection goes on.
   */
  /** Bytes of {@code maxFrameBytes} that each key or operation of one request stands for. */
  static final int ITEM_BYTES = 64;
  /** The fewest items {@link #maxItems} allows, however small the frame limit. */
  static final int MIN_ITEMS = 1024;

  private final Host host;
  private final Connection connection;
  /** {@link #connection}, counting its bytes for the host; what frames are read from and sent to. */
  private final Connection counted;
  private final HostOptions options;
  private final Database database;
  private final Level<byte[], byte[]> db;
  private final AsyncLevel<byte[], byte[]> async;
  /** The database, if it makes checkpoints; else null. */
  private final org.level4j.Checkpointable checkpoints;
  private final HostAnswers answers;
  private final HostWrites writes;
  private final HostSnapshots snapshots;
  private final HostIterators iterators;
  private final HostFeeds feeds;
  /** The most keys or operations one request may carry ({@link #maxItems}). */
  private final int maxItems;
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
    this.answers = new HostAnswers(new Outbox(counted), this::close);
    this.writes = new HostWrites(options, async, answers);
    this.snapshots = new HostSnapshots(this.db, options.maxSnapshots(), host.snapshots);
    this.iterators = new HostIterators(this, db, snapshots, options.maxIterators(),
        host.iterators);
    this.feeds = new HostFeeds(this, db, answers, options.maxUnsentBytes(), host.feeds);
    this.maxItems = maxItems(options.maxFrameBytes());
  }

  /**
   * The most keys (getMany) or operations (batch, write) one request may carry on a host whose
   * frames may take up to {@code maxFrameBytes}: one per {@link #ITEM_BYTES} of them (1,048,576
   * for the default 64 MiB), and at least {@link #MIN_ITEMS}.
   */
  static int maxItems(int maxFrameBytes) {
    return Math.max(MIN_ITEMS, maxFrameBytes / ITEM_BYTES);
  }

  void run() {
    answers.readerIs(Thread.currentThread());
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
      writes.writeHeld(); // requests that arrived whole before the end are applied, as always
      close();
      iterators.closeAll();
      snapshots.releaseAll();
      feeds.closeAll(); // after close(): a feed waiting for the guest to read stops waiting
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
    receive(GuestMessage.decode(tag, body, maxItems));
    Outbox outbox = answers.outbox();
    if (outbox.unsent() > options.maxUnsentBytes()) {
      writes.writeHeld(); // their answers too, before this thread may wait for the guest to read
      try {
        outbox.awaitRoom(options.maxUnsentBytes());
      } catch (IOException e) {
        close(); // the next read ends the session
      }
    }
  }

  private void receive(GuestMessage m) {
    if (m instanceof GuestMessage.SharedMemoryOffer o) {
      takeSharedMemory(o.name());
      return;
    }
    if (m instanceof GuestMessage.SharedMemoryNow) {
      SocketConnection.readRings(connection); // this thread reads; the guest wrote its last here
      return;
    }
    if (m instanceof GuestMessage.Unknown u) {
      LOG.log(System.Logger.Level.DEBUG, "ignoring a frame with unknown tag " + u.tag());
      return;
    }
    if (!(m instanceof GuestMessage.IteratorAck) && !isProbe(m)) {
      host.served.increment();
    }
    if (m instanceof GuestMessage.TooManyItems t) {
      answers.refuse(t, tooManyItems(t)); // at once, and not in flight: nothing was started
      return;
    }
    if (m instanceof GuestMessage.Request r) {
      if (admitted(r)) {
        serve(r);
      }
    } else {
      writes.writeHeld(); // whatever comes next sees the writes sent before it
      if (m instanceof GuestMessage.Unsubscribe u) {
        feeds.unsubscribe(u.feed());
      } else if (m instanceof GuestMessage.ReleaseSnapshot r) {
        snapshots.release(r.snapshot());
      } else {
        iterators.receive(m);
      }
    }
  }

  /** A request answered by its id; puts and dels are held, to be written together. */
  private void serve(GuestMessage.Request m) {
    if (m instanceof GuestMessage.Put p) {
      writes.put(p);
      return;
    }
    if (m instanceof GuestMessage.Delete d) {
      writes.del(d);
      return;
    }
    writes.writeHeld(); // whatever comes next sees the writes sent before it
    if (m instanceof GuestMessage.Get g) {
      if (g.snapshot() == 0) {
        answers.answerGet(g.id(), async.get(g.key()));
      } else {
        Snapshot s = snapshots.get(g.snapshot());
        answers.answerGet(g.id(), s == null
            ? CompletableFuture.failedFuture(HostSnapshots.notHeld(g.snapshot()))
            : async.get(g.key(), s));
      }
    } else if (m instanceof GuestMessage.Batch b) {
      answers.answer(b.id(), writes.batch(b));
    } else if (m instanceof GuestMessage.Write w) {
      answers.answerWrite(w.id(), writes.write(w));
    } else if (m instanceof GuestMessage.GetMany g) {
      Snapshot s = snapshots.get(g.snapshot());
      answers.answerMany(g.id(), g.snapshot() != 0 && s == null
          ? CompletableFuture.failedFuture(HostSnapshots.notHeld(g.snapshot()))
          : GetManyAnswer.read(db, g.keys(), options.maxFrameBytes(), s));
    } else if (m instanceof GuestMessage.TakeSnapshot t) {
      answers.answer(t.id(), snapshots.take(t));
    } else if (m instanceof GuestMessage.Subscribe sub) {
      feeds.subscribe(sub);
    } else if (m instanceof GuestMessage.Checkpoint c) {
      answers.answer(c.id(), checkpoint(c));
    } else if (m instanceof GuestMessage.Clear c) {
      answers.answer(c.id(), writes.clear(c));
    }
  }

  /** A level4j guest's question on connecting (see Wire): not counted as a request served. */
  private static boolean isProbe(GuestMessage m) {
    return m instanceof GuestMessage.GetMany g && g.keys().isEmpty();
  }

  @Override
  public void drained() {
    writes.writeHeld();
    answers.flush();
  }

  /**
   * Counts request {@code r} as in flight, or, with {@code maxRequestsInFlight} already under way
   * even after applying the held writes, answers it with LEVEL_LIMIT_EXCEEDED and returns false.
   */
  private boolean admitted(GuestMessage.Request r) {
    int max = options.maxRequestsInFlight();
    if (answers.inFlight() >= max) {
      writes.writeHeld();
    }
    if (answers.inFlight() < max) {
      answers.admit();
      return true;
    }
    answers.refuse(r, new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED, "this "
        + "connection already has " + max + " requests in flight, the most the host allows "
        + "(HostOptions.maxRequestsInFlight, serve --max-requests-in-flight): wait for answers "
        + "before sending more"));
    return false;
  }

  /** Why request {@code t} is refused, and what its guest can do instead. */
  private LevelException tooManyItems(GuestMessage.TooManyItems t) {
    boolean getMany = t.tag() == Wire.GET_MANY;
    String items = getMany ? "keys" : "operations";
    return new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED, "this " + (getMany ? "getMany"
        : "batch") + " has " + t.items() + " " + items + ", more than the " + maxItems
        + " one request may carry on this host (one per " + ITEM_BYTES + " bytes of "
        + "HostOptions.maxFrameBytes, serve --max-frame-bytes): split it into "
        + (getMany ? "getMany calls" : "batches, each then applied on its own,") + " of at most "
        + maxItems + " " + items);
  }

  /**
   * Answers a guest's offer of shared memory ({@link Wire}): taken if the guest runs as this
   * process's user over a Unix socket and the file is a private one of that user's; this
   * session's writes then go to the rings from the end of the answer on.
   */
  private void takeSharedMemory(String name) {
    writes.writeHeld(); // whatever comes next sees the writes sent before it
    SharedRings rings = SocketConnection.take(connection, name);
    Outbox outbox = answers.outbox();
    synchronized (outbox) {
      HostMessage.sharedMemory(outbox.out(), rings != null);
      if (rings != null) {
        SocketConnection.writeRingsFrom(connection, outbox.appended());
      }
    } // written with the answers of this read (drained)
    if (rings != null) {
      host.sharedMemory.increment();
    }
  }

  /** Tells a level4j guest which extensions this host serves (a Node guest skips the frame). */
  private void hello() throws IOException {
    org.level4j.Supports s = db.supports();
    int features = (s.conditionalBatch() ? Wire.FEATURE_PRECONDITIONS : 0)
        | (s.exactlyOnce() ? Wire.FEATURE_REQUEST_IDS : 0)
        | (s.explicitSnapshots() ? Wire.FEATURE_SNAPSHOTS : 0)
        | (database.supports().changeFeed() ? Wire.FEATURE_CHANGES : 0)
        | (checkpoints != null ? Wire.FEATURE_CHECKPOINTS : 0)
        | (SocketConnection.mayShareMemory(connection) ? Wire.FEATURE_SHARED_MEMORY : 0);
    Outbox outbox = answers.outbox();
    synchronized (outbox) {
      HostMessage.hello(outbox.out(), features);
    }
    outbox.flush();
  }

  /**
   * Makes the checkpoint a guest asked for on the host's checkpoint thread, one at a time (it may
   * take a while, and this connection's other requests go on meanwhile), if the database can and
   * this guest may; refused if {@link Host#MAX_QUEUED_CHECKPOINTS} already wait.
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
    try {
      host.checkpoints.execute(() -> {
        try {
          checkpoints.checkpoint(dest);
          LOG.log(System.Logger.Level.INFO, "made a checkpoint in " + dest + " for " + connection);
          done.complete(null);
        } catch (RuntimeException | Error e) {
          done.completeExceptionally(e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED,
          "this host is already making or has queued " + Host.MAX_QUEUED_CHECKPOINTS
              + " checkpoints, one at a time: ask again once they are done"));
    }
    return done;
  }

  /** Whether the guest runs in this process, or as this process's user over a Unix socket. */
  private boolean guestIsOwnUser() {
    return MemoryPipe.isEnd(connection)
        || connection instanceof SocketConnection s && s.peerIsOwnUser();
  }

  // ---- for the host's counters (any thread) -------------------------------------------------

  /** Bytes of answers not yet sent to this guest. */
  int unsentBytes() {
    return answers.outbox().unsent();
  }

  int openIterators() {
    return iterators.open();
  }

  int heldSnapshots() {
    return snapshots.held();
  }

  int openFeeds() {
    return feeds.open();
  }

  int requestsInFlight() {
    return answers.inFlight();
  }

  // ---- for HostIterator and HostFeed (any thread) ------------------------------------------

  /** The outbox, for {@link HostIterator}s and {@link HostFeed}s to append to (holding its monitor). */
  Outbox outbox() {
    return answers.outbox();
  }

  /** After appending an answer: see {@link HostAnswers#sent()}. */
  void sent() {
    answers.sent();
  }

  /** A feed ended on its own (its error was sent): forget it. */
  void ended(int number, HostFeed f) {
    feeds.ended(number, f);
  }
}
