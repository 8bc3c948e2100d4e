package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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

  /**
   * Serves TLS with {@code options} and a time limit of {@code handshakeMillis} for each
   * connection's whole handshake.
   */
  private void serveTls(HostOptions options, long handshakeMillis) throws Exception {
    db = keep(MemoryLevel.open());
    host = keep(Host.of(db, options));
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    host.listen(new TlsListener(server, certificates.host(), handshakeMillis));
    port = server.getLocalPort();
  }

  private Socket plainSocket() throws IOException {
    return keep(new Socket(InetAddress.getLoopbackAddress(), port));
  }

  /** A TLS record header announcing a handshake message of 16 KiB, to be trickled after it. */
  private static final byte[] LONG_HANDSHAKE_RECORD = {22, 3, 3, 0x40, 0};

  @Test
  void aPeerTricklingItsHandshakeIsCutOffAtTheHandshakesDeadline() throws Exception {
    serveTls(HostOptions.defaults(), 300);
    Socket trickler = plainSocket();
    trickler.getOutputStream().write(LONG_HANDSHAKE_RECORD);
    // One byte each time the host has been silent for 50 ms: each read of the host's comes far
    // within the deadline, so a time limit per read would never end this handshake.
    trickler.setSoTimeout(50);
    InputStream in = trickler.getInputStream();
    OutputStream out = trickler.getOutputStream();
    boolean cut = false;
    for (int i = 0; i < 2000 && !cut; i++) { // 100 s or more: far past the deadline
      try {
        cut = in.read() < 0;
      } catch (SocketTimeoutException stillOpen) {
        try {
          out.write(0);
        } catch (IOException reset) {
          cut = true;
        }
      } catch (IOException reset) {
        cut = true;
      }
    }
    assertThat(cut).as("the host closed the trickling connection").isTrue();
    await().atMost(Duration.ofSeconds(30)).until(() -> host.connections() == 0);
    assertThat(host.connectionsRefused()).isEqualTo(1);
    assertThat(host.requestsServed()).isZero();
    // The host serves on. A real guest's handshake may take longer than 300 ms (on a loaded
    // machine, or as the first of its JVM), so it comes through a listener of the default limit.
    Listener patient = Listener.tls(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        certificates.host());
    host.listen(patient);
    Guest guest = keep(Guest.connect(Connector.tls("localhost",
        ((InetSocketAddress) patient.address()).getPort(), certificates.guest())));
    guest.put("a", "1");
    assertThat(db.get("a")).isEqualTo("1");
  }

  @Test
  void aPeerInItsHandshakeHoldsAPlaceAmongTheHostsConnections() throws Exception {
    serveTls(HostOptions.builder().maxConnections(1).build(), 600_000);
    Socket silent = plainSocket();
    silent.getOutputStream().write(LONG_HANDSHAKE_RECORD);
    await().atMost(Duration.ofSeconds(30)).until(() -> host.connections() == 1);
    assertThatThrownBy(() -> Guest.connect(Connector.tls("localhost", port,
        certificates.guest())))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPENED));
    assertThat(host.connectionsRefused()).isEqualTo(1);

    silent.close(); // its handshake fails, and its place is free again
    await().atMost(Duration.ofSeconds(30)).until(() -> host.connections() == 0);
    Guest guest = keep(Guest.connect(Connector.tls("localhost", port, certificates.guest())));
    guest.put("a", "1");
    assertThat(db.get("a")).isEqualTo("1");
    assertThat(host.connectionsRefused()).isEqualTo(2);
  }

  @Test
  @Timeout(120) // a host that read a refused peer for ever would hold this test
  void aRefusedPeerThatSendsOnIsClosedAfterAFewKilobytes() throws Exception {
    serveTls(HostOptions.defaults(), 600_000);
    Socket peer = plainSocket();
    OutputStream out = peer.getOutputStream();
    byte[] garbage = new byte[4096];
    java.util.Arrays.fill(garbage, (byte) 0xFF);
    out.write(22); // looks like TLS, but what follows is not
    long sent = 0;
    boolean cut = false;
    while (!cut && sent < (256L << 20)) {
      try {
        out.write(garbage);
        sent += garbage.length;
      } catch (IOException reset) {
        cut = true;
      }
    }
    assertThat(cut).as("the host closed the refused connection, %d bytes in", sent).isTrue();
    await().atMost(Duration.ofSeconds(30)).until(() -> host.connections() == 0);
    assertThat(host.connectionsRefused()).isEqualTo(1);
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
