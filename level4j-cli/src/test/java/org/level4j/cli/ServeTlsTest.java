package org.level4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.child.ChildProcess;
import org.level4j.net.TestCertificates;

/**
 * {@code serve --tcp} with TLS and client certificates, and its refusal of plain TCP beyond
 * loopback; the server and its clients are separate processes, the stores' password in their
 * environment as a user would give it.
 */
class ServeTlsTest {
  @TempDir
  Path tmp;

  /** A command as a process, with the stores' password in its environment. */
  private Run spawn(String... args) throws Exception {
    ProcessBuilder pb = ProcessTest.command(args);
    pb.environment().put(TlsFlags.PASSWORD_ENV, new String(TestCertificates.PASSWORD));
    return ProcessTest.spawn(pb, "", tmp);
  }

  @Test
  void guestsWithATrustedCertificateReachATlsServeAndOthersAreRefused() throws Exception {
    TestCertificates certs = TestCertificates.make(Files.createDirectory(tmp.resolve("certs")));
    ProcessBuilder pb = ProcessTest.command("serve", tmp.resolve("db").toString(),
        "--tcp", "127.0.0.1:0",
        "--tls-key-store", certs.store("host.p12").toString(),
        "--tls-trust-store", certs.store("host-trusts.p12").toString());
    pb.environment().put(TlsFlags.PASSWORD_ENV, new String(TestCertificates.PASSWORD));
    try (ChildProcess serve = ChildProcess.start(pb)) {
      String at = serve.await("listening on tls://").substring("listening on ".length());

      String[] guest = {"--tls-key-store", certs.store("guest.p12").toString(),
          "--tls-trust-store", certs.store("guest-trusts.p12").toString()};
      Run put = spawn(concat(new String[] {"put", "--connect", at}, guest, "a", "1"));
      assertThat(put.code()).as("%s", put).isZero();
      Run get = spawn(concat(new String[] {"get", "--connect", at}, guest, "a"));
      assertThat(get.out()).as("%s", get).isEqualTo("1\n");

      Run stranger = spawn("get", "--connect", at,
          "--tls-key-store", certs.store("stranger.p12").toString(),
          "--tls-trust-store", certs.store("guest-trusts.p12").toString(), "a");
      assertThat(stranger.code()).as("%s", stranger).isNotZero();
      assertThat(stranger.err()).contains("refused this guest");

      Run plain = spawn("get", "--connect", at.replace("tls://", "tcp://"), "a");
      assertThat(plain.code()).as("%s", plain).isNotZero();
      serve.process().destroy(); // SIGTERM: stops cleanly
      serve.process().waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void plainTcpBeyondLoopbackIsAUsageErrorBeforeTheDatabaseOpens() {
    Path dir = tmp.resolve("db");
    Run r = Run.of("serve", dir.toString(), "--tcp", "0.0.0.0:0");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("without TLS").contains("--tls-key-store").contains("--insecure");
    assertThat(dir).doesNotExist();
  }

  @Test
  void tlsAddressWithoutStoresIsAUsageError() {
    Run r = Run.of("get", "--connect", "tls://127.0.0.1:7", "a");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("--tls-key-store");
  }

  @Test
  void tlsFlagsWithoutTcpAreAUsageError() {
    Path dir = tmp.resolve("db");
    Run r = Run.of("serve", dir.toString(), "--tls-key-store", "k.p12",
        "--tls-trust-store", "t.p12");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("need --tcp");
    assertThat(dir).doesNotExist();
  }

  private static String[] concat(String[] a, String[] b, String... c) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    all.addAll(List.of(c));
    return all.toArray(new String[0]);
  }
}
