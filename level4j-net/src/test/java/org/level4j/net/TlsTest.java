package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.MemoryLevel;

/** TLS with client certificates over real TCP sockets, and what plain TCP may listen on. */
class TlsTest {
  @TempDir
  static Path certs;

  static TestCertificates certificates;

  private final Opened opened = new Opened();
  private Database db;
  private Host host;
  private int port;

  @BeforeAll
  static void makeCertificates() throws Exception {
    certificates = TestCertificates.make(certs);
  }

  @AfterEach
  void closeAll() throws Exception {
    opened.close();
  }

  private <T extends AutoCloseable> T keep(T t) {
    return opened.keep(t);
  }

  private void serveTls(SSLContext context) throws Exception {
    db = keep(MemoryLevel.open());
    host = keep(Host.of(db));
    Listener l = Listener.tls(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), context);
    host.listen(l);
    port = ((InetSocketAddress) l.address()).getPort();
  }

  @Test
  void guestWithTrustedCertificatePutsGetsAndIterates() throws Exception {
    serveTls(certificates.host());
    Guest guest = keep(Guest.connect(Connector.tls("localhost", port, certificates.guest())));
    guest.put("b", "2");
    guest.put("a", "1");
    assertThat(guest.get("a")).isEqualTo("1");
    assertThat(db.get("b")).isEqualTo("2");
    List<String> keys = new ArrayList<>();
    try (LevelIterator<String, Entry<String, String>> it = guest.iterator()) {
      for (Entry<String, String> e : it) {
        keys.add(e.key() + "=" + e.value());
      }
    }
    assertThat(keys).containsExactly("a=1", "b=2");
  }

  @Test
  void guestMayDialTheHostByAnAddressItsCertificateNames() throws Exception {
    serveTls(certificates.host());
    Guest guest = keep(Guest.connect(Connector.tls("127.0.0.1", port, certificates.guest())));
    guest.put("a", "1");
    assertThat(db.get("a")).isEqualTo("1");
  }

  @Test
  void guestWithUntrustedCertificateIsRefusedBeforeAnyRequestIsRead() throws Exception {
    serveTls(certificates.host());
    assertThatThrownBy(() -> Guest.connect(Connector.tls("localhost", port,
        certificates.stranger())))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPENED))
        .hasMessageContaining("refused this guest")
        .hasMessageContaining("trust store");
    assertThat(host.requestsServed()).isZero();
  }

  @Test
  void guestWithoutCertificateIsRefused() throws Exception {
    serveTls(certificates.host());
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    try (var in = java.nio.file.Files.newInputStream(certs.resolve("guest-trusts.p12"))) {
      store.load(in, TestCertificates.PASSWORD);
    }
    trust.init(store);
    SSLContext noCertificate = SSLContext.getInstance("TLS");
    noCertificate.init(null, trust.getTrustManagers(), null);
    assertThatThrownBy(() -> Guest.connect(Connector.tls("localhost", port, noCertificate)))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPENED))
        .hasMessageContaining("refused this guest");
    assertThat(host.requestsServed()).isZero();
  }

  @Test
  void guestRefusesHostWhoseCertificateItDoesNotTrust() throws Exception {
    serveTls(certificates.strangeHost());
    assertThatThrownBy(() -> Guest.connect(Connector.tls("localhost", port,
        certificates.guest())))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPENED))
        .hasMessageContaining("this guest refused the host");
  }

  @Test
  void plaintextGuestIsRefusedByTlsListener() throws Exception {
    serveTls(certificates.host());
    assertThatThrownBy(() -> Guest.connect(Connector.tcp("127.0.0.1", port)))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPENED));
    assertThat(host.requestsServed()).isZero();
    // and the host goes on serving guests that authenticate
    Guest guest = keep(Guest.connect(Connector.tls("localhost", port, certificates.guest())));
    guest.put("a", "1");
    assertThat(db.get("a")).isEqualTo("1");
  }

  @Test
  void tlsGuestIsRefusedByPlainListener() throws Exception {
    db = keep(MemoryLevel.open());
    Listener l = Listener.tcp(0);
    keep(Host.of(db)).listen(l);
    int plain = ((InetSocketAddress) l.address()).getPort();
    assertThatThrownBy(() -> Guest.connect(Connector.tls("localhost", plain,
        certificates.guest())))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPENED));
  }

  @Test
  void plainTcpIsRefusedOnAnAddressOtherThanLoopback() {
    assertThatThrownBy(() -> Listener.tcp(new InetSocketAddress("0.0.0.0", 0)))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT))
        .hasMessageContaining("Listener.tls")
        .hasMessageContaining("tcpInsecure");
  }

  @Test
  void plainTcpListensAnywhereWhenAskedExplicitly() throws Exception {
    db = keep(MemoryLevel.open());
    Listener l = Listener.tcpInsecure(new InetSocketAddress("0.0.0.0", 0));
    keep(Host.of(db)).listen(l);
    int p = ((InetSocketAddress) l.address()).getPort();
    Guest guest = keep(Guest.connect(Connector.tcp("127.0.0.1", p)));
    guest.put("a", "1");
    assertThat(db.get("a")).isEqualTo("1");
  }

  @Test
  void unreadableKeyStoreIsAnInvalidArgument() {
    assertThatThrownBy(() -> Tls.context(certs.resolve("host.p12"), "wrong".toCharArray(),
        certs.resolve("host-trusts.p12"), TestCertificates.PASSWORD))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT))
        .hasMessageContaining("password");
  }
}
