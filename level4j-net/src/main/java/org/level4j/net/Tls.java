package org.level4j.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * Builds the {@link SSLContext} that {@link Listener#tls} and {@link Connector#tls} take, from
 * PKCS12 key and trust stores (as {@code keytool} or {@code openssl pkcs12} write them). Any
 * other {@code SSLContext} works too, one from your own key managers for example.
 *
 * <pre>{@code
 * SSLContext host = Tls.context(Path.of("host.p12"), pw, Path.of("guests.p12"), pw);
 * Host.of(db).listen(Listener.tls(new InetSocketAddress("0.0.0.0", 7007), host));
 * SSLContext guest = Tls.context(Path.of("guest.p12"), pw, Path.of("hosts.p12"), pw);
 * Guest.connect(Connector.tls("db.example", 7007, guest));
 * }</pre>
 *
 * <p>Both sides authenticate: a host accepts only guests whose certificate its trust store
 * trusts, and a guest only a host whose certificate its trust store trusts and names the host it
 * dialled.
 */
public final class Tls {
  private Tls() {}

  /**
   * A TLS context with this side's key (its certificate and private key) and the certificates
   * it trusts for the other side.
   *
   * @param keyStore a PKCS12 file holding this side's private key and certificate chain
   * @param keyStorePassword its password (also the key's password, as PKCS12 has it)
   * @param trustStore a PKCS12 file holding the certificates (or the CA) trusted for the peer
   * @param trustStorePassword its password
   * @return a context for {@link Listener#tls} or {@link Connector#tls}
   * @throws LevelException {@code LEVEL_INVALID_ARGUMENT} if a store cannot be read or used
   */
  public static SSLContext context(Path keyStore, char[] keyStorePassword, Path trustStore,
      char[] trustStorePassword) {
    try {
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(load(keyStore, keyStorePassword, "key store"), keyStorePassword);
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(load(trustStore, trustStorePassword, "trust store"));
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "cannot use the key store " + keyStore + " or trust store " + trustStore + ": "
              + e.getMessage(), e);
    }
  }

  private static KeyStore load(Path file, char[] password, String what)
      throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password);
    } catch (IOException e) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "cannot read the " + what + " "
          + file + " (a PKCS12 file; is the password right?): " + e.getMessage(), e);
    }
    return store;
  }
}
