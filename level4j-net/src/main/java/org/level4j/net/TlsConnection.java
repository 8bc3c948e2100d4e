package org.level4j.net;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A {@link Connection} over TLS: an {@link SSLSocket} layered on a plain TCP socket. A host's end
 * needs the guest's certificate; a guest's end checks that the host's certificate names the host
 * it dialled.
 *
 * <p>Closing closes the plain socket first: that ends a read or write blocked in another thread
 * at once, where closing the TLS socket alone would wait for it (to send its close alert). The
 * whole handshake has one deadline, {@link #HANDSHAKE_MILLIS} by default, at which the plain
 * socket is closed: a peer that connects and says nothing, or sends a byte now and then, cannot
 * hold a thread (and a place among the host's connections) for longer. A time limit on each read
 * would not do: a byte every few seconds would renew it for ever.
 */
final class TlsConnection implements Connection {
  /** How long a handshake may take in all, by default, from its start to its end. */
  static final long HANDSHAKE_MILLIS = 10_000;

  /** The first byte of every TLS handshake (a handshake record's content type). */
  private static final int HANDSHAKE_RECORD = 22;

  /**
   * The most a refused guest's remaining bytes are read before its connection is closed (see
   * {@link #leaveRefused}): far more than what a guest sends before it reads the alert (its
   * Finished and maybe a first request), far less than a peer that streams would.
   */
  static final int LEAVE_BYTES = 64 * 1024;

  private final Socket raw;
  private final SSLContext context;
  private final boolean guestSide;
  private final String dialled; // the host name a guest's end dialled; null at a host's end
  private final String name;
  private final long handshakeMillis;
  /** Taken once: by the handshake when it ends in time, or by its deadline when that passes. */
  private final AtomicBoolean settled = new AtomicBoolean();
  // Set by the handshake, which happens before any read or write (the host's end) or before
  // the connection is returned (the guest's).
  private volatile SSLSocket tls;
  private InputStream in;
  private OutputStream out;
  private byte[] scratch; // for direct buffers; only the one reading thread
  private volatile SSLException refusal; // the first: later failures are its consequences

  private TlsConnection(Socket raw, SSLContext context, String dialled, String name,
      long handshakeMillis) {
    this.raw = raw;
    this.context = context;
    this.guestSide = dialled != null;
    this.dialled = dialled;
    this.name = name;
    this.handshakeMillis = handshakeMillis;
  }

  /**
   * The host's end of a connection a TLS listener accepted; {@link #handshake} comes next, and
   * must be over within {@code handshakeMillis}.
   */
  static TlsConnection accepted(Socket raw, SSLContext context, long handshakeMillis)
      throws IOException {
    raw.setTcpNoDelay(true);
    return new TlsConnection(raw, context, null, "tls:" + raw.getRemoteSocketAddress(),
        handshakeMillis);
  }

  /** Connects to a host and completes the handshake. */
  static TlsConnection connect(String host, int port, SSLContext context) throws IOException {
    Socket raw = new Socket();
    try {
      raw.setTcpNoDelay(true);
      raw.connect(new InetSocketAddress(host, port));
      TlsConnection c = new TlsConnection(raw, context, host, "tls://" + host + ":" + port,
          HANDSHAKE_MILLIS);
      c.handshake();
      return c;
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /**
   * Authenticates both sides, before anything else is read or written, within the handshake's
   * time limit: the plain socket is closed when it passes (by {@link Deadlines}' thread), which
   * ends a read blocked here.
   *
   * @throws SSLException saying what to fix, if either side refused the other or the time limit
   *     passed
   */
  void handshake() throws IOException {
    ScheduledFuture<?> deadline = Deadlines.TIMER.schedule(this::expire, handshakeMillis,
        TimeUnit.MILLISECONDS);
    try {
      SSLSocket s;
      if (guestSide) {
        s = (SSLSocket) context.getSocketFactory()
            .createSocket(raw, dialled, raw.getPort(), true);
        s.setUseClientMode(true);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the host's certificate must name it
        s.setSSLParameters(p);
      } else {
        // A plaintext peer (a many-level guest without TLS) would otherwise keep the handshake
        // waiting for a whole record header: its first frame may be shorter than that.
        int first = raw.getInputStream().read();
        if (first != HANDSHAKE_RECORD) {
          throw new SSLException(first < 0 ? "it closed the connection"
              : "it does not speak TLS (plain many-level?)");
        }
        // Not autoClose: a refused guest's socket is closed by leaveRefused(), gracefully.
        s = (SSLSocket) context.getSocketFactory()
            .createSocket(raw, new ByteArrayInputStream(new byte[] {(byte) first}), false);
        s.setUseClientMode(false);
        s.setNeedClientAuth(true);
      }
      tls = s;
      s.startHandshake();
      in = s.getInputStream();
      out = s.getOutputStream();
    } catch (IOException e) {
      if (settled.get()) {
        throw tooSlow(e); // the deadline closed the socket
      }
      SSLException refusal = refused(e);
      if (!guestSide) {
        leaveRefused(); // within what is left of the deadline, still pending here
      }
      throw refusal;
    } finally {
      deadline.cancel(false);
    }
    if (!settled.compareAndSet(false, true)) {
      // It passed as the handshake ended, and closed (or is closing) the socket.
      close();
      throw tooSlow(null);
    }
  }

  /** The handshake's deadline: closes the socket unless the handshake ended in time. */
  private void expire() {
    if (settled.compareAndSet(false, true)) {
      close();
    }
  }

  /** The handshake passed its time limit, said so that a person knows which side was slow. */
  private SSLException tooSlow(IOException e) {
    SSLException r = new SSLException(guestSide
        ? "the host at " + name + " did not complete the TLS handshake within " + handshakeMillis
            + " ms (is it overloaded, or not a level4j host?)"
        : "gave up on the guest at " + name + ": it did not complete the TLS handshake within "
            + handshakeMillis + " ms (too slow, or not a TLS guest)", e);
    if (refusal == null) {
      refusal = r;
    }
    return r;
  }

  /**
   * Closes a refused guest's connection so that it learns why: the TLS alert has been sent;
   * closing at once with the guest's first request unread would make the kernel reset the
   * connection, and a reset may discard the alert before the guest reads it. So this end says it
   * is done, reads whatever the guest still sends until it closes (it does on reading the alert),
   * and only then closes; but never past the handshake's deadline (which closes the socket) nor
   * more than {@link #LEAVE_BYTES}, so a refused peer cannot keep its thread by sending on.
   */
  private void leaveRefused() {
    try {
      raw.shutdownOutput();
      InputStream rest = raw.getInputStream();
      byte[] skip = new byte[4096];
      int n;
      for (long read = 0; read < LEAVE_BYTES && (n = rest.read(skip)) >= 0; read += n) {
        // discarded: nothing from a refused guest is read as a request
      }
    } catch (IOException ignored) {
      // the guest is gone or too slow to leave: close anyway
    }
    close();
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int n;
    try {
      if (dst.hasArray()) {
        n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
        if (n > 0) {
          dst.position(dst.position() + n);
        }
        return n;
      }
      if (scratch == null || scratch.length < dst.remaining()) {
        scratch = new byte[Math.min(dst.remaining(), 64 * 1024)];
      }
      n = in.read(scratch, 0, Math.min(scratch.length, dst.remaining()));
    } catch (IOException e) {
      throw failure(e);
    }
    if (n > 0) {
      dst.put(scratch, 0, n);
    }
    return n;
  }

  @Override
  public void write(ByteBuffer src) throws IOException {
    try {
      if (src.hasArray()) {
        out.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
        src.position(src.limit());
      } else {
        byte[] b = new byte[src.remaining()];
        src.get(b);
        out.write(b);
      }
      out.flush();
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /**
   * What a failed read or write means. With TLS 1.3 a guest learns that the host refused its
   * certificate only on its first read after the handshake, and a write in another thread may
   * fail first (the TLS socket closes on the alert): whichever comes, the refusal is what the
   * guest is told.
   */
  private IOException failure(IOException e) {
    if (e instanceof SSLException) {
      return refused(e);
    }
    SSLException r = refusal;
    return r != null ? r : e;
  }

  /** What a failed handshake means, said so that a person can fix it; kept as the refusal. */
  private SSLException refused(IOException e) {
    String why = e.getMessage();
    String says;
    if (!guestSide) {
      says = "refused the guest at " + name + ": " + why + " (a guest needs a certificate that"
          + " the host's trust store trusts, and must speak TLS)";
    } else if (why != null && why.contains("alert")) {
      says = "the host at " + name + " refused this guest: " + why + " (the host needs a client"
          + " certificate that its trust store trusts: give the guest a key store holding one)";
    } else {
      says = "this guest refused the host at " + name + ", or could not speak TLS with it: " + why
          + " (the host's certificate must be trusted by the guest's trust store and name the"
          + " host dialled; a host without TLS closes the connection)";
    }
    SSLException r = new SSLException(says, e);
    if (refusal == null) {
      refusal = r;
    }
    return r;
  }

  @Override
  public void close() {
    try {
      raw.close();
    } catch (IOException ignored) {
      // the socket is gone either way
    }
    SSLSocket s = tls;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // its plain socket is closed: nothing more to send
      }
    }
  }

  @Override
  public String toString() {
    return name;
  }

  /**
   * Closes the plain sockets of handshakes that pass their deadline: one daemon thread for every
   * connection of the process, started by the first handshake. A cancelled deadline (a handshake
   * that ended in time) leaves the queue at once, so only handshakes under way are held here.
   */
  private static final class Deadlines {
    static final ScheduledThreadPoolExecutor TIMER = timer();

    private static ScheduledThreadPoolExecutor timer() {
      ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
        Thread thread = new Thread(r, "level4j-tls-deadlines");
        thread.setDaemon(true);
        return thread;
      });
      t.setRemoveOnCancelPolicy(true);
      return t;
    }
  }
}
