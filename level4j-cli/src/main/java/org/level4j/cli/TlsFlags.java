package org.level4j.cli;

import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.level4j.net.Tls;
import picocli.CommandLine.Option;

/**
 * The TLS flags of {@code serve} and of {@code --connect tls://…}: this side's key store and the
 * trust store for the other side, both PKCS12, with their password in an environment variable
 * (a password on the command line would be visible to every user in the process list).
 */
final class TlsFlags {
  static final String PASSWORD_ENV = "LEVEL4J_TLS_PASSWORD";

  @Option(names = "--tls-key-store", paramLabel = "FILE",
      description = "TLS: a PKCS12 file with this side's private key and certificate. Its"
          + " password, and the trust store's, is read from $" + PASSWORD_ENV + ".")
  Path keyStore;

  @Option(names = "--tls-trust-store", paramLabel = "FILE",
      description = "TLS: a PKCS12 file with the certificates (or CA) trusted for the other side:"
          + " a host accepts only guests whose certificate it trusts; a guest only a host whose"
          + " certificate it trusts and that names the host dialled.")
  Path trustStore;

  /** Whether either flag was given. */
  boolean given() {
    return keyStore != null || trustStore != null;
  }

  /**
   * The TLS context the flags describe, or null if neither was given.
   *
   * @throws IllegalArgumentException if only one of them was given
   */
  SSLContext context() {
    if (!given()) {
      return null;
    }
    if (keyStore == null || trustStore == null) {
      throw new IllegalArgumentException(
          "TLS needs both --tls-key-store and --tls-trust-store");
    }
    String password = System.getenv(PASSWORD_ENV);
    char[] pw = password == null ? new char[0] : password.toCharArray();
    return Tls.context(keyStore, pw, trustStore, pw);
  }
}
