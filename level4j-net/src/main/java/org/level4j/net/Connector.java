package org.level4j.net;

import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/**
 * How a {@link Guest} gets a connection to its host: called once when the guest opens and, in
 * retry mode, again each time the connection ends. It may block until it can deliver one (a
 * leader election, a host that is restarting) and may throw to give up, which fails the guest's
 * pending operations with {@code LEVEL_CONNECTION_LOST}.
 *
 * <p>Called from the opening thread the first time and from the guest's own reader thread on
 * reconnects, never twice at once. The guest interrupts that thread when it is closed meanwhile.
 */
@FunctionalInterface
public interface Connector {
  /**
   * A new connection to the host.
   *
   * @return the new connection
   * @throws Exception if no connection can be made now (a retrying guest tries again)
   */
  Connection connect() throws Exception;

  /**
   * Connects to a Unix domain socket at {@code path}.
   *
   * @param path the socket file
   * @return a connector that calls {@link Connection#unix}, so fails with {@code
   *     LEVEL_CONNECTION_LOST} while nothing listens there
   */
  static Connector unix(Path path) {
    return () -> Connection.unix(path);
  }

  /**
   * Connects over TCP.
   *
   * @param host a host name or address
   * @param port the port
   * @return a connector that calls {@link Connection#tcp(String, int)}, so fails with {@code
   *     LEVEL_CONNECTION_LOST} while the host cannot be reached
   */
  static Connector tcp(String host, int port) {
    return () -> Connection.tcp(host, port);
  }

  /**
   * Connects over TLS, presenting this guest's certificate and checking the host's: it must be
   * trusted by {@code context}'s trust store and name {@code host} (a DNS name or IP address in
   * its subject alternative names). {@link Tls#context} builds a context from PKCS12 stores.
   * When the host refuses this guest's certificate, opening the guest fails with {@code
   * LEVEL_DATABASE_NOT_OPENED} and a message saying so.
   *
   * @param host the host's name or address, as its certificate names it
   * @param port the port
   * @param context this guest's key and the certificates it trusts for hosts
   * @return a connector
   */
  static Connector tls(String host, int port, SSLContext context) {
    return () -> TlsConnection.connect(host, port, context);
  }
}
