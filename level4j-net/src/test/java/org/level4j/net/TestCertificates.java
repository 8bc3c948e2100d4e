package org.level4j.net;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Key and trust stores made by the JDK's {@code keytool} at test time (nothing private is kept
 * in the repository): a host whose certificate names localhost and 127.0.0.1, a guest the host
 * trusts, and a stranger that nobody trusts. Each is self-signed; each side's trust store holds
 * the other side's certificate; each certificate is also in a PEM file, as in host.cer. Public for the command line's tests, which use the files.
 */
public final class TestCertificates {
  /** The password of every store. */
  public static final char[] PASSWORD = "level4j-test".toCharArray();

  final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /**
   * Makes the stores in {@code dir}: host.p12, guest.p12 and stranger.p12 (keys), and
   * host-trusts.p12 (the guest) and guest-trusts.p12 (the host).
   *
   * @param dir an empty directory
   * @return the stores
   * @throws IOException if keytool cannot run
   * @throws InterruptedException if interrupted while it runs
   */
  public static TestCertificates make(Path dir) throws IOException, InterruptedException {
    TestCertificates c = new TestCertificates(dir);
    c.keyPair("host", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
    c.keyPair("guest", "CN=guest", null);
    c.keyPair("stranger", "CN=stranger", null);
    c.trust("host-trusts.p12", "guest");
    c.trust("guest-trusts.p12", "host");
    return c;
  }

  SSLContext host() {
    return context("host.p12", "host-trusts.p12");
  }

  SSLContext guest() {
    return context("guest.p12", "guest-trusts.p12");
  }

  /** A guest with a certificate of its own that the host does not trust. */
  SSLContext stranger() {
    return context("stranger.p12", "guest-trusts.p12");
  }

  /** A host that the guest does not trust. */
  SSLContext strangeHost() {
    return context("stranger.p12", "host-trusts.p12");
  }

  private SSLContext context(String keys, String trusted) {
    return Tls.context(store(keys), PASSWORD, store(trusted), PASSWORD);
  }

  private void keyPair(String name, String dname, String san)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", name, "-keyalg", "EC",
        "-groupname", "secp256r1", "-dname", dname, "-validity", "2", "-storetype", "PKCS12",
        "-keystore", file(name + ".p12"), "-storepass", new String(PASSWORD)));
    if (san != null) {
      args.addAll(List.of("-ext", san));
    }
    keytool(args);
    keytool(List.of("-exportcert", "-alias", name, "-keystore", file(name + ".p12"),
        "-storepass", new String(PASSWORD), "-rfc", "-file", file(name + ".cer")));
  }

  private void trust(String store, String name) throws IOException, InterruptedException {
    keytool(List.of("-importcert", "-noprompt", "-alias", name, "-file", file(name + ".cer"),
        "-storetype", "PKCS12", "-keystore", file(store), "-storepass", new String(PASSWORD)));
  }

  /**
   * One of the stores.
   *
   * @param name its file name, as in host.p12
   * @return its path
   */
  public Path store(String name) {
    return dir.resolve(name);
  }

  private String file(String name) {
    return dir.resolve(name).toString();
  }

  private static void keytool(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException("keytool " + args.get(0) + " failed: " + out);
    }
  }
}
