package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.MemoryLevel;
import org.level4j.child.ChildProcess;

/**
 * npm many-level's own guest against a level4j host: the script {@code interop/guest-check.js}
 * runs put/get/del, batch, getMany, clear, iterators (ranges, reverse, limit, seek inside and
 * outside the range, 2000 entries under flow control) with utf8 and binary keys, and a write
 * rejected by a host hook, over TCP, TLS with a client certificate and a Unix socket; the script
 * {@code interop/limits-check.js} meets a host's iterator cap and its bound on the keys of a
 * getMany and the operations of a batch.
 */
class NodeGuestInteropTest {
  @TempDir
  Path dir;

  private Database db;
  private Host host;

  @BeforeEach
  void serve() {
    db = MemoryLevel.open();
    host = Host.of(db, HostOptions.builder().preput((k, v) -> {
      if (new String(k, StandardCharsets.UTF_8).equals("reject-me")) {
        throw new IllegalArgumentException("this key is refused by the host");
      }
    }).build());
  }

  @AfterEach
  void stop() {
    host.close();
    db.close();
  }

  @Test
  void nodeGuestOverTcp() throws Exception {
    Listener l = Listener.tcp(0);
    host.listen(l);
    runGuest("tcp:" + ((java.net.InetSocketAddress) l.address()).getPort());
  }

  /** Node's {@code tls.connect} with a client certificate, as a many-level guest would use it. */
  @Test
  void nodeGuestOverTlsWithAClientCertificate() throws Exception {
    Path certs = java.nio.file.Files.createDirectory(dir.resolve("certs"));
    TestCertificates stores = TestCertificates.make(certs);
    Listener l = Listener.tls(new java.net.InetSocketAddress("127.0.0.1", 0), stores.host());
    host.listen(l);
    runGuest("tls:" + ((java.net.InetSocketAddress) l.address()).getPort() + ":" + certs + ":"
        + new String(TestCertificates.PASSWORD));
  }

  @Test
  void nodeGuestOverAUnixSocket() throws Exception {
    Path sock = dir.resolve("db.sock");
    host.listen(Listener.unix(sock));
    runGuest("unix:" + sock);
  }

  @Test
  void nodeGuestGetsLimitExceededBeyondTheCapsAndGoesOn() throws Exception {
    Path sock = dir.resolve("limited.sock");
    try (Host limited = Host.of(db,
        HostOptions.builder().maxIterators(3).maxFrameBytes(1 << 20).build())) {
      limited.listen(Listener.unix(sock));
      String out = runScript("limits-check.js", "unix:" + sock);
      assertThat(out).contains("ok limits");
    }
  }

  private void runGuest(String target) throws Exception {
    String out = runScript("guest-check.js", target);
    assertThat(out).contains("ok 10 checks");
    assertThat(db.get("node-wrote")).isEqualTo("yes");
    assertThat(db.bytes().get(new byte[] {(byte) 0xff, 0, (byte) 0xff})).containsExactly(0);
  }

  /** Runs a Node script to its end; returns its stdout, having checked that it exited with 0. */
  private static String runScript(String script, String target) throws Exception {
    try (ChildProcess p = ChildProcess.node(script, target)) {
      StringBuilder out = new StringBuilder();
      int exit = p.finish(out);
      assertThat(exit).as(out.toString()).isEqualTo(0);
      return out.toString();
    }
  }

}
