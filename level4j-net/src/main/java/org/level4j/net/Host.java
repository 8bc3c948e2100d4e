package org.level4j.net;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * Serves a {@link Database} to guests (level4j {@link Guest}s or Node {@code many-level} guests)
 * over any number of connections, each with many requests in flight.
 *
 * <pre>{@code
 * try (Database db = RocksLevel.open(dir);
 *      Host host = Host.of(db).listen(Listener.unix(dir.resolve("db.sock")))) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Each connection has one thread that reads its requests and starts them in arrival order, so
 * one guest's writes take effect in the order it sent them. An in-process database answers at
 * once and the answers of one read are sent together; a database that answers later (a guest of
 * another host) does not hold up the next request. A connection that breaks the protocol (a
 * frame over {@link HostOptions#maxFrameBytes}, a body that does not decode, a frame cut short, an
 * unknown iterator) is closed with a logged reason; the others go on. A request is applied only
 * once its whole frame has arrived and decoded, so a batch is never applied in part.
 *
 * <p>What one connection may make the host hold is bounded ({@link HostOptions} has the limits
 * and their defaults): a guest that sends without reading its answers stops being read once
 * {@link HostOptions#maxUnsentBytes} of answers wait for it, and iterators, snapshots and
 * requests in flight beyond their caps are refused with {@link ErrorCode#LEVEL_LIMIT_EXCEEDED},
 * leaving the connection usable. The other connections are served meanwhile. How many
 * connections its listeners bring at once is bounded too ({@link HostOptions#maxConnections}),
 * and so are the iterators and snapshots of all of them together ({@link
 * HostOptions#maxHostIterators}, {@link HostOptions#maxHostSnapshots}).
 *
 * <p>The host works on the database's bytes ({@link Database#bytes()}); its prewrite hooks and
 * write listeners run as for local writes. Closing the host closes its listeners and connections,
 * not the database.
 */
public final class Host implements AutoCloseable {
  static final System.Logger LOG = System.getLogger("org.level4j.net");
  private static final AtomicInteger THREADS = new AtomicInteger();
  /** The first pause after an accept fails; each failure in a row doubles it, up to the last. */
  private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long LAST_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Database db;
  private final HostOptions options;
  /** The sessions, each with whether it holds one of the listeners' {@link #places}. */
  private final Map<HostSession, Boolean> sessions = new ConcurrentHashMap<>();
  /**
   * Connections from listeners being served (or authenticated) now, at most {@link
   * HostOptions#maxConnections}: taken by the accepting thread before a session exists, given
   * back by {@link #forget} when the session goes.
   */
  private final HostPlaces places;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  final LongAdder served = new LongAdder(); // counted by the sessions
  final LongAdder broken = new LongAdder(); // counted by the sessions
  final LongAdder received = new LongAdder(); // bytes, counted by the sessions' connections
  final LongAdder sent = new LongAdder(); // bytes, counted by the sessions' connections
  private final LongAdder accepted = new LongAdder();
  private final LongAdder refused = new LongAdder();
  final LongAdder sharedMemory = new LongAdder(); // counted by the sessions
  /** Change feeds open over all sessions, at most {@link HostFeeds#MAX_HOST_FEEDS}. */
  final HostPlaces feeds = new HostPlaces(HostFeeds.MAX_HOST_FEEDS);
  /** Iterators open over all sessions, at most {@link HostOptions#maxHostIterators}. */
  final HostPlaces iterators;
  /** Snapshots held over all sessions, at most {@link HostOptions#maxHostSnapshots}. */
  final HostPlaces snapshots;
  /** Checkpoints a host queues behind the one it makes: beyond them, one is refused. */
  static final int MAX_QUEUED_CHECKPOINTS = 16;
  /**
   * Where the checkpoints guests ask for are made: one at a time, on one thread that ends when
   * idle. Each writes a copy of the database (or links to its files), so a guest asking for many
   * at once must not get a thread and a copy each.
   */
  final java.util.concurrent.ThreadPoolExecutor checkpoints = checkpointThread();

  private static java.util.concurrent.ThreadPoolExecutor checkpointThread() {
    java.util.concurrent.ThreadPoolExecutor e = new java.util.concurrent.ThreadPoolExecutor(1, 1,
        10, java.util.concurrent.TimeUnit.SECONDS,
        new java.util.concurrent.ArrayBlockingQueue<>(MAX_QUEUED_CHECKPOINTS), r -> {
          Thread t = new Thread(r, "level4j-host-checkpoint");
          t.setDaemon(true);
          return t;
        });
    e.allowCoreThreadTimeOut(true);
    return e;
  }
  private final ThrottledWarning overLimit = new ThrottledWarning();
  private final ThrottledWarning unserved = new ThrottledWarning();
  private volatile boolean closed;

  private Host(Database db, HostOptions options) {
    if (db == null || options == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "db and options are required");
    }
    this.db = db;
    this.options = options;
    this.places = new HostPlaces(options.maxConnections());
    this.iterators = new HostPlaces(options.maxHostIterators());
    this.snapshots = new HostPlaces(options.maxHostSnapshots());
  }

  /**
   * A host for {@code db} with default options.
   *
   * @param db the database to serve; the host does not close it
   * @return a host that serves nothing until given a connection or a listener
   */
  public static Host of(Database db) {
    return new Host(db, HostOptions.defaults());
  }

  /**
   * A host for {@code db} with {@code options} (read-only, hooks, frame size limit).
   *
   * @param db the database to serve; the host does not close it
   * @param options read-only, hooks, frame size limit
   * @return a host that serves nothing until given a connection or a listener
   */
  public static Host of(Database db, HostOptions options) {
    return new Host(db, options);
  }

  /**
   * Serves one connection on a thread of its own, until either side closes it. Returns at once.
   * It is served whatever {@link HostOptions#maxConnections} says, which bounds only the
   * connections of listeners.
   *
   * @param connection a connection to a guest; the host closes it when done
   * @throws LevelException {@link ErrorCode#LEVEL_DATABASE_NOT_OPEN} if the host is closed;
   *     {@link ErrorCode#LEVEL_LIMIT_EXCEEDED} if the JVM cannot start another thread. Either
   *     way the connection is closed.
   */
  public void serve(Connection connection) {
    serve(connection, false);
  }

  /**
   * Serves {@code connection}; {@code placed}: it holds one of the listeners' {@link #places},
   * which is given back when its session goes, or here if it never gets one.
   */
  private void serve(Connection connection, boolean placed) {
    if (closed) {
      refuse(connection, placed);
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPEN, "the host is closed");
    }
    accepted.increment();
    HostSession session = null;
    try {
      HostSession s = new HostSession(this, db, options, connection);
      session = s;
      sessions.put(s, placed);
      if (closed) {
        forget(s);
        connection.close();
        return;
      }
      start("level4j-host-" + THREADS.incrementAndGet(), () -> {
        if (authenticated(connection)) {
          s.run();
        } else {
          refused.increment();
          forget(s);
        }
      });
    } catch (RuntimeException | OutOfMemoryError e) {
      if (session == null) {
        refuse(connection, placed);
      } else {
        forget(session);
        refused.increment();
        connection.close();
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      // Most often "unable to create native thread": the process (or the machine) runs as many
      // threads as it may. Only this connection is lost; those served go on, and so does the
      // caller (an accepting thread, which must not die of it).
      throw new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED, "closed connection "
          + connection + " unserved: " + e + ", with " + connections() + " connections being"
          + " served. Lower HostOptions.maxConnections (serve --max-connections) below what the"
          + " process can serve, or raise its limits on threads (ulimit -u) and memory", e);
    }
  }

  /** Closes a connection that is not served, giving back its place if it holds one. */
  private void refuse(Connection connection, boolean placed) {
    if (placed) {
      places.giveBack();
    }
    refused.increment();
    connection.close();
  }


  /**
   * Completes a TLS connection's handshake, on the connection's own thread and before anything is
   * read from it; a guest without a trusted certificate, or that does not finish the handshake
   * within its time limit, is closed here. Whatever happens, the caller gives back the
   * connection's place when this returns false.
   */
  private boolean authenticated(Connection connection) {
    if (!(connection instanceof TlsConnection tls)) {
      return true;
    }
    try {
      tls.handshake();
      return true;
    } catch (IOException e) {
      if (!closed) {
        LOG.log(System.Logger.Level.WARNING, e.getMessage());
      }
      connection.close();
      return false;
    } catch (RuntimeException | Error e) {
      LOG.log(System.Logger.Level.ERROR, "closing connection " + connection
          + " after an unexpected failure of its TLS handshake", e);
      connection.close();
      return false;
    }
  }

  /**
   * Accepts connections from {@code listener} on a thread of its own and serves each, until the
   * listener or this host is closed. The host owns the listener from now on.
   *
   * <p>A connection beyond {@link HostOptions#maxConnections} is closed as soon as it is accepted.
   * An accept that fails while the listener is open (the process out of file descriptors, say)
   * is logged and tried again after a pause, which grows to a second while the failures go on:
   * the listener stays, and the host serves again once the cause goes. Listening ends when the
   * host is closed, or when the listener's {@code accept} throws a {@link
   * ClosedChannelException}, as this package's listeners do once closed.
   *
   * @param listener where guests connect
   * @return this host
   */
  public Host listen(Listener listener) {
    listeners.add(listener);
    if (closed) {
      listener.close();
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPEN, "the host is closed");
    }
    start("level4j-host-accept-" + THREADS.incrementAndGet(), () -> accept(listener));
    return this;
  }

  /** The accepting thread of {@code listener}: runs until the listener or the host is closed. */
  private void accept(Listener listener) {
    try {
      acceptUntilClosed(listener);
    } finally {
      listener.close();
    }
  }

  private void acceptUntilClosed(Listener listener) {
    ThrottledWarning failing = new ThrottledWarning();
    long pause = 0;
    while (!closed) {
      Connection c;
      try {
        c = listener.accept();
        pause = 0;
      } catch (ClosedChannelException e) {
        break; // closed: by this host, or by whoever else had it
      } catch (IOException | RuntimeException | OutOfMemoryError e) {
        if (closed) {
          break;
        }
        failing.log(() -> "cannot accept a connection on " + listener.address() + " (" + e
            + "); still listening, trying again after a pause of up to a second. If the process"
            + " is out of file descriptors, lower HostOptions.maxConnections (serve"
            + " --max-connections) or raise its limit on open files (ulimit -n)", e);
        pause = pause == 0 ? FIRST_PAUSE_NANOS : Math.min(2 * pause, LAST_PAUSE_NANOS);
        LockSupport.parkNanos(pause);
        continue;
      }
      if (!places.take()) {
        // Warned of before the close, so a peer that sees its connection end can find it logged.
        overLimit.log(() -> "refused connection " + c + ": the host serves "
            + options.maxConnections() + " connections from its listeners already, its limit"
            + " (raise it with HostOptions.maxConnections or serve --max-connections, or find"
            + " the peer that holds them)", null);
        refuse(c, false);
        continue;
      }
      try {
        serve(c, true);
      } catch (LevelException e) {
        if (closed) {
          break;
        }
        unserved.log(e::getMessage, e.getCause());
      } catch (RuntimeException e) {
        unserved.log(() -> "closed connection " + c + " unserved: " + e, e);
      }
    }
  }

  /**
   * The number of connections being served now.
   *
   * @return the number of open connections
   */
  public int connections() {
    return sessions.size();
  }

  /**
   * How many requests guests sent this host so far (gets, writes, iterator opens, seeks and
   * closes; not the flow-control acknowledgements of iterators), for monitoring.
   *
   * @return the number of requests so far
   */
  public long requestsServed() {
    return served.sum();
  }

  /**
   * How many bytes guests sent this host so far (frames of every kind, over every connection,
   * those still open and those closed), for monitoring.
   *
   * @return the bytes received so far
   */
  public long bytesReceived() {
    return received.sum();
  }

  /**
   * How many bytes this host sent its guests so far (answers, iterator data, its Hello), for
   * monitoring; what waits unsent is {@link #unsentBytes()}.
   *
   * @return the bytes sent so far
   */
  public long bytesSent() {
    return sent.sum();
  }

  /**
   * How many connections this host took to serve so far, including those open now and those
   * {@link #connectionsRefused() refused} after being taken, for monitoring.
   *
   * @return the number of connections taken so far
   */
  public long connectionsAccepted() {
    return accepted.sum();
  }

  /**
   * How many connections were closed without being served: a TLS guest without a trusted
   * certificate or that did not finish its handshake in time, a connection beyond {@link
   * HostOptions#maxConnections}, or any connection arriving after {@link #close()}, for
   * monitoring.
   *
   * @return the number of connections refused so far
   */
  public long connectionsRefused() {
    return refused.sum();
  }

  /**
   * How many connections so far moved to shared memory at their guest's offer ({@link
   * Connection#unixSharedMemory}), for monitoring: a RaveLevel leader's count of followers that
   * connected that way.
   *
   * @return the number of connections whose offer of shared memory this host took
   */
  public long connectionsInSharedMemory() {
    return sharedMemory.sum();
  }

  /**
   * How many connections were closed because the guest broke the protocol or serving it failed
   * unexpectedly (each is logged with its reason), for monitoring. A guest that disconnects is
   * not counted.
   *
   * @return the number of connections closed on an error so far
   */
  public long connectionErrors() {
    return broken.sum();
  }

  /**
   * Registers this host's {@link HostMXBean} in the platform MBean server as {@code
   * org.level4j.net:type=Host,name=<name>}, replacing one of the same name.
   *
   * @param name what tells this host from others in the process, such as its address
   * @return close it to unregister the bean
   * @throws LevelException {@link ErrorCode#LEVEL_NOT_SUPPORTED} if JMX refuses the bean
   */
  public org.level4j.Registration registerMXBean(String name) {
    return HostMonitor.register(this, name);
  }

  /**
   * Bytes of answers waiting for their guests to read them, over all connections, for
   * monitoring; each connection keeps about {@link HostOptions#maxUnsentBytes} at most.
   *
   * @return the bytes waiting to be sent
   */
  public long unsentBytes() {
    long sum = 0;
    for (HostSession s : sessions.keySet()) {
      sum += s.unsentBytes();
    }
    return sum;
  }

  /**
   * Iterators guests hold open now, over all connections, for monitoring; each connection has at
   * most {@link HostOptions#maxIterators}, and all of them together at most {@link
   * HostOptions#maxHostIterators}.
   *
   * @return the number of open iterators
   */
  public int openIterators() {
    int sum = 0;
    for (HostSession s : sessions.keySet()) {
      sum += s.openIterators();
    }
    return sum;
  }

  /**
   * Snapshots guests hold now (taken and not yet released), over all connections, for
   * monitoring; each connection holds at most {@link HostOptions#maxSnapshots}, and all of them
   * together at most {@link HostOptions#maxHostSnapshots}.
   *
   * @return the number of snapshots held
   */
  public int heldSnapshots() {
    int sum = 0;
    for (HostSession s : sessions.keySet()) {
      sum += s.heldSnapshots();
    }
    return sum;
  }

  /**
   * Change feeds guests have open now, over all connections, for monitoring; each connection has
   * at most 64.
   *
   * @return the number of open feeds
   */
  public int openFeeds() {
    int sum = 0;
    for (HostSession s : sessions.keySet()) {
      sum += s.openFeeds();
    }
    return sum;
  }

  /**
   * Requests received and not yet answered, over all connections, for monitoring.
   *
   * @return the number of requests under way
   */
  public int requestsInFlight() {
    int sum = 0;
    for (HostSession s : sessions.keySet()) {
      sum += s.requestsInFlight();
    }
    return sum;
  }

  /** Stops listening and closes every connection; the database stays open. Closing twice is harmless. */
  @Override
  public void close() {
    closed = true;
    for (Listener l : listeners) {
      l.close();
    }
    for (HostSession s : sessions.keySet()) {
      s.close();
    }
  }

  /**
   * {@code s} has ended (or never started): drops it and gives back its place, once. The place
   * is back before {@link #connections()} stops counting the session, so whoever sees the count
   * fall can connect again.
   */
  void forget(HostSession s) {
    sessions.computeIfPresent(s, (gone, placed) -> {
      if (placed) {
        places.giveBack();
      }
      return null;
    });
  }

  private static void start(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }
}
