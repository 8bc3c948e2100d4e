package org.level4j.net;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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
 * {@link HostOptions#maxUnsentBytes} of answers wait for it, and iterators and requests in flight
 * beyond their caps are refused with {@link ErrorCode#LEVEL_LIMIT_EXCEEDED}, leaving the
 * connection usable. The other connections are served meanwhile.
 *
 * <p>The host works on the database's bytes ({@link Database#bytes()}); its prewrite hooks and
 * write listeners run as for local writes. Closing the host closes its listeners and connections,
 * not the database.
 */
public final class Host implements AutoCloseable {
  static final System.Logger LOG = System.getLogger("org.level4j.net");
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Database db;
  private final HostOptions options;
  private final Set<HostSession> sessions = ConcurrentHashMap.newKeySet();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  final LongAdder served = new LongAdder(); // counted by the sessions
  final LongAdder broken = new LongAdder(); // counted by the sessions
  final LongAdder received = new LongAdder(); // bytes, counted by the sessions' connections
  final LongAdder sent = new LongAdder(); // bytes, counted by the sessions' connections
  private final LongAdder accepted = new LongAdder();
  private final LongAdder refused = new LongAdder();
  final LongAdder sharedMemory = new LongAdder(); // counted by the sessions
  private volatile boolean closed;

  private Host(Database db, HostOptions options) {
    if (db == null || options == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "db and options are required");
    }
    this.db = db;
    this.options = options;
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
   *
   * @param connection a connection to a guest; the host closes it when done
   */
  public void serve(Connection connection) {
    if (closed) {
      refused.increment();
      connection.close();
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPEN, "the host is closed");
    }
    accepted.increment();
    HostSession s = new HostSession(this, db, options, connection);
    sessions.add(s);
    if (closed) {
      sessions.remove(s);
      connection.close();
      return;
    }
    start("level4j-host-" + THREADS.incrementAndGet(), () -> {
      if (authenticated(connection)) {
        s.run();
      } else {
        refused.increment();
        sessions.remove(s);
      }
    });
  }

  /**
   * Completes a TLS connection's handshake, on the connection's own thread and before anything is
   * read from it; a guest without a trusted certificate is closed here.
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
    }
  }

  /**
   * Accepts connections from {@code listener} on a thread of its own and serves each, until the
   * listener or this host is closed. The host owns the listener from now on.
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
    start("level4j-host-accept-" + THREADS.incrementAndGet(), () -> {
      while (!closed) {
        Connection c;
        try {
          c = listener.accept();
        } catch (IOException e) {
          if (!closed) {
            LOG.log(System.Logger.Level.DEBUG, "stopped listening on " + listener.address(), e);
          }
          break;
        }
        try {
          serve(c);
        } catch (LevelException e) {
          break;
        }
      }
      listener.close();
    });
    return this;
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
   * certificate, or any connection arriving after {@link #close()}, for monitoring.
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
    for (HostSession s : sessions) {
      sum += s.unsentBytes();
    }
    return sum;
  }

  /**
   * Iterators guests hold open now, over all connections, for monitoring.
   *
   * @return the number of open iterators
   */
  public int openIterators() {
    int sum = 0;
    for (HostSession s : sessions) {
      sum += s.openIterators();
    }
    return sum;
  }

  /**
   * Snapshots guests hold now (taken and not yet released), over all connections, for
   * monitoring; each connection holds at most {@link HostOptions#maxSnapshots}.
   *
   * @return the number of snapshots held
   */
  public int heldSnapshots() {
    int sum = 0;
    for (HostSession s : sessions) {
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
    for (HostSession s : sessions) {
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
    for (HostSession s : sessions) {
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
    for (HostSession s : sessions) {
      s.close();
    }
  }

  void forget(HostSession s) {
    sessions.remove(s);
  }

  private static void start(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }
}
