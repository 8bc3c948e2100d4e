package org.level4j.net;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLContext;

/**
 * A {@link Listener} for TLS guests: accepts plain TCP connections and layers TLS on each. The
 * handshake is not done here, where one slow or hostile peer would hold up every other: the
 * {@link Host} does it on the connection's own thread, before reading anything from it, and
 * gives it up when the listener's handshake time limit passes.
 */
final class TlsListener implements Listener {
  private final ServerSocket socket;
  private final SSLContext context;
  private final SocketAddress address;
  private final long handshakeMillis;

  TlsListener(ServerSocket socket, SSLContext context) {
    this(socket, context, TlsConnection.HANDSHAKE_MILLIS);
  }

  /** With a time limit for each connection's whole handshake other than the default (tests). */
  TlsListener(ServerSocket socket, SSLContext context, long handshakeMillis) {
    this.socket = socket;
    this.context = context;
    this.address = socket.getLocalSocketAddress();
    this.handshakeMillis = handshakeMillis;
  }

  /**
   * The next connection; a {@link ClosedChannelException} once this listener is closed, as a
   * channel's accept throws, so that a {@link Host} tells that from a failure to accept.
   */
  @Override
  public Connection accept() throws IOException {
    while (true) {
      Socket raw;
      try {
        raw = socket.accept();
      } catch (IOException e) {
        if (socket.isClosed()) {
          ClosedChannelException closed = new ClosedChannelException();
          closed.initCause(e);
          throw closed;
        }
        throw e;
      }
      try {
        return TlsConnection.accepted(raw, context, handshakeMillis);
      } catch (IOException e) {
        // A peer that reset its connection at once: only this connection is lost, and throwing
        // here would stop the host listening.
        raw.close();
        Host.LOG.log(System.Logger.Level.DEBUG, "dropped a connection on " + this, e);
      }
    }
  }

  @Override
  public SocketAddress address() {
    return address;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a listening socket has nothing to report
    }
  }

  @Override
  public String toString() {
    return "tls:" + address;
  }
}
