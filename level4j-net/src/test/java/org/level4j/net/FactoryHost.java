package org.level4j.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.level4j.Database;

/**
 * A host for test suites that want a fresh database per case and reopen databases by name, as
 * abstract-level's own suite does through many-level guests ({@code
 * interop/abstract-level-suite.js}). It listens on one Unix socket; each connection starts with
 * one line, the name of a database and {@code '\n'}, and is then served many-level's protocol by a
 * {@link Host} of that name's database.
 *
 * <p>The first connection with a name opens a new database in a directory of its own (from the
 * {@link Store}); the database stays open while it has connections, is closed when the last one
 * ends and is opened again from the same directory by the next connection with its name. So a
 * guest that closes and reopens finds the data it left (abstract-level's permanence cases), and
 * the databases of finished cases do not pile up.
 *
 * <p>Only public API is used: {@link Listener#accept()}, {@link Connection} and {@link
 * Host#serve}. The name line is read on the accepting thread, one connection at a time; bytes
 * that arrive with it belong to the protocol and are handed to the host first.
 */
public final class FactoryHost implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(FactoryHost.class.getName());
  private static final int MAX_NAME = 200;

  /** Where the databases come from. */
  public interface Store {
    /**
     * Opens the database kept in {@code dir}: a new, empty one the first time, the same data
     * after it was closed.
     */
    Database open(Path dir) throws Exception;

    /** Called after the database of {@code dir} was closed (its last guest left). */
    default void closed(Path dir) throws Exception {}
  }

  private final Path base;
  private final Store store;
  private final Listener listener;
  private final Map<String, Named> named = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private FactoryHost(Path base, Store store, Listener listener) {
    this.base = base;
    this.store = store;
    this.listener = listener;
  }

  /**
   * Listens on {@code base/factory.sock} and keeps databases in directories under {@code base}.
   */
  public static FactoryHost start(Path base, Store store) throws IOException {
    Files.createDirectories(base);
    FactoryHost h = new FactoryHost(base, store, Listener.unix(base.resolve("factory.sock"), true));
    Thread t = new Thread(h::acceptAll, "factory-host-accept");
    t.setDaemon(true);
    t.start();
    return h;
  }

  /**
   * A new temporary directory for the databases, in memory (/dev/shm) where the machine has such
   * a file system: the suite opens over 500 databases, and opening RocksDB costs about 2.5 ms
   * there against 20 to 40 ms of file syncs on a disk.
   */
  public static Path tempDirectory(String prefix) throws IOException {
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm) && Files.isWritable(shm)) {
      return Files.createTempDirectory(shm, prefix);
    }
    return Files.createTempDirectory(prefix);
  }

  /** Deletes {@code dir} and everything in it. */
  public static void delete(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The socket guests connect to. */
  public Path socket() {
    return base.resolve("factory.sock");
  }

  /** Stops listening and closes every database still open. */
  @Override
  public void close() {
    closed = true;
    listener.close();
    for (Named n : named.values()) {
      n.closeNow();
    }
  }

  private void acceptAll() {
    while (!closed) {
      Connection c;
      try {
        c = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        route(c);
      } catch (Exception | Error e) {
        LOG.log(System.Logger.Level.WARNING, "dropping a connection", e);
        c.close();
      }
    }
  }

  /** Reads the name line and hands the rest of the connection to that database's host. */
  private void route(Connection c) throws Exception {
    ByteBuffer in = ByteBuffer.allocate(4096);
    int newline;
    while ((newline = indexOf(in, (byte) '\n')) < 0) {
      if (in.position() > MAX_NAME || c.read(in) < 0) {
        c.close();
        return;
      }
    }
    String name = new String(in.array(), 0, newline, StandardCharsets.UTF_8);
    if (!name.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("not a database name: " + name);
    }
    in.flip().position(newline + 1);
    Named n = named.computeIfAbsent(name, k -> new Named(base.resolve(k)));
    Host host = n.join();
    host.serve(new Joined(c, in, n));
  }

  private static int indexOf(ByteBuffer b, byte x) {
    for (int i = 0; i < b.position(); i++) {
      if (b.get(i) == x) {
        return i;
      }
    }
    return -1;
  }

  /** One name's database, open while it has connections. Guarded by its monitor. */
  private final class Named {
    private final Path dir;
    private Database db;
    private Host host;
    private int connections;

    Named(Path dir) {
      this.dir = dir;
    }

    synchronized Host join() throws Exception {
      if (db == null) {
        db = store.open(dir);
        host = Host.of(db);
      }
      connections++;
      return host;
    }

    synchronized void leave() {
      if (--connections == 0) {
        closeNow();
      }
    }

    synchronized void closeNow() {
      Database d = db;
      Host h = host;
      if (d == null) {
        return;
      }
      db = null; // before closing: the connections that h.close() ends leave() again
      host = null;
      h.close();
      d.close();
      try {
        store.closed(dir);
      } catch (Exception e) {
        throw new IllegalStateException("closing " + dir + " failed", e);
      }
    }
  }

  /**
   * A connection after its name line: first the bytes read with the name, then the socket. Its
   * first close tells the database it lost a connection.
   */
  private static final class Joined implements Connection {
    private final Connection c;
    private final ByteBuffer early;
    private final Named named;
    private final AtomicBoolean left = new AtomicBoolean();

    Joined(Connection c, ByteBuffer early, Named named) {
      this.c = c;
      this.early = early;
      this.named = named;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (early.hasRemaining()) {
        int n = Math.min(early.remaining(), dst.remaining());
        dst.put(dst.position(), early, early.position(), n);
        dst.position(dst.position() + n);
        early.position(early.position() + n);
        return n;
      }
      return c.read(dst);
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
      c.write(src);
    }

    @Override
    public void close() {
      c.close();
      if (left.compareAndSet(false, true)) {
        named.leave();
      }
    }

    @Override
    public String toString() {
      return c.toString();
    }
  }
}
