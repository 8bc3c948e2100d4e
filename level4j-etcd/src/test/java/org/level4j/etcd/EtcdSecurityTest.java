package org.level4j.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * TLS and authentication reach jetcd: a member that serves clients over TLS with a certificate
 * made here by keytool, and a member with authentication enabled.
 */
class EtcdSecurityTest {
  private static final String PASSWORD = "level4j-test";

  @TempDir
  Path tmp;

  @Test
  void aClusterServingTlsIsReachedWithItsCertificateTrusted() throws Exception {
    Path cert = tmp.resolve("member.pem");
    Path key = tmp.resolve("member.key");
    selfSigned(cert, key);
    try (EtcdCluster cluster = EtcdCluster.startTls(tmp.resolve("tls"), 1, cert, key)) {
      String endpoint = cluster.endpoints().get(0);
      assertThat(endpoint).startsWith("https://");
      try (EtcdLevel db = EtcdLevel.open(List.of(endpoint), "tls",
          EtcdOptions.builder().trustCertificates(cert).build())) {
        db.put("k", "over tls");
        assertThat(db.get("k")).isEqualTo("over tls");
      }
      // Without trusting the member's certificate, the open fails and says so.
      assertThatThrownBy(() -> EtcdLevel.open(List.of(endpoint), "tls",
          EtcdOptions.builder().connectTimeout(Duration.ofSeconds(1)).build()))
          .isInstanceOfSatisfying(LevelException.class, e ->
              assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPENED));
    }
  }

  @Test
  void aClusterWithAuthenticationTakesTheRightPasswordOnly() throws Exception {
    try (EtcdCluster cluster = EtcdCluster.start(tmp.resolve("auth"), 1)) {
      try (Client admin = Client.builder()
          .endpoints(cluster.endpoints().toArray(new String[0])).build()) {
        ByteSequence root = bytes("root");
        admin.getAuthClient().roleAdd(root).get();
        admin.getAuthClient().userAdd(root, bytes(PASSWORD)).get();
        admin.getAuthClient().userGrantRole(root, root).get();
        admin.getAuthClient().authEnable().get();
      }
      try (EtcdLevel db = EtcdLevel.open(cluster.endpoints(), "auth",
          EtcdOptions.builder().auth("root", PASSWORD).build())) {
        db.put("k", "authenticated");
        assertThat(db.get("k")).isEqualTo("authenticated");
      }
      assertThatThrownBy(() -> EtcdLevel.open(cluster.endpoints(), "auth",
          EtcdOptions.builder().auth("root", "wrong").connectTimeout(Duration.ofSeconds(5))
              .build()))
          .isInstanceOfSatisfying(LevelException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPENED);
            assertThat(e.getMessage()).contains("auth");
          });
    }
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /** A self-signed certificate for 127.0.0.1 and its key, as PEM files, made by keytool. */
  private void selfSigned(Path cert, Path key) throws Exception {
    Path store = tmp.resolve("member.p12");
    keytool("-genkeypair", "-alias", "member", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD);
    keytool("-exportcert", "-alias", "member", "-keystore", store.toString(), "-storepass",
        PASSWORD, "-rfc", "-file", cert.toString());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(store.toFile())) {
      ks.load(in, PASSWORD.toCharArray());
    }
    PrivateKey k = (PrivateKey) ks.getKey("member", PASSWORD.toCharArray());
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(k.getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new AssertionError("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }
}
