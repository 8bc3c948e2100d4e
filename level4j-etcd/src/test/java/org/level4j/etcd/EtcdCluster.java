package org.level4j.etcd;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * A 3-member etcd cluster of real {@code etcd} processes on loopback ports, one data directory
 * each, for tests. Members can be killed (SIGKILL), stopped and started again.
 *
 * <p>Each member runs as {@code sh -c '(watch this JVM) & exec etcd ...'}: the shell becomes etcd
 * (so {@link #kill} signals etcd itself), and the watcher it left behind SIGKILLs etcd when the
 * test JVM ends however it ends, so no test leaves a member running.
 *
 * <p>Without the {@code etcd} binary the tests are skipped with a message, unless the
 * environment variable {@code CI} is set or {@code -Dlevel4j.etcd.required=true}: then they fail.
 */
public final class EtcdCluster implements AutoCloseable {
  private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(30);

  private final Path dir;
  private final int size;
  private final int[] clientPorts;
  private final int[] peerPorts;
  /** Plain HTTP ports for /health, whatever the client URLs' scheme. */
  private final int[] metricsPorts;
  private final String scheme;
  private final Process[] members;
  private final String token;
  private final List<String> flags;

  private EtcdCluster(Path dir, int size, boolean tls, List<String> flags) throws IOException {
    this.dir = dir;
    this.size = size;
    this.scheme = tls ? "https" : "http";
    this.flags = List.copyOf(flags);
    this.metricsPorts = new int[size];
    this.clientPorts = new int[size];
    this.peerPorts = new int[size];
    this.members = new Process[size];
    this.token = "level4j-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    freePorts();
  }

  /**
   * Starts a healthy cluster of {@code size} members under {@code dir}, or skips (or fails, in
   * CI) the calling test if there is no etcd binary. {@code flags} go to every member.
   */
  public static EtcdCluster start(Path dir, int size, String... flags) throws Exception {
    return start(dir, size, false, flags);
  }

  /**
   * A cluster whose members serve clients over TLS with {@code cert} and {@code key} (PEM files);
   * their peers still talk plain HTTP.
   */
  static EtcdCluster startTls(Path dir, int size, Path cert, Path key, String... flags)
      throws Exception {
    List<String> all = new ArrayList<>(List.of("--cert-file", cert.toString(), "--key-file",
        key.toString()));
    all.addAll(List.of(flags));
    return start(dir, size, true, all.toArray(new String[0]));
  }

  private static EtcdCluster start(Path dir, int size, boolean tls, String... flags)
      throws Exception {
    requireEtcd();
    Exception last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      // A port found free may be taken by another process before etcd binds it: try new ones.
      EtcdCluster c = new EtcdCluster(dataRoot(dir), size, tls, List.of(flags));
      try {
        for (int i = 0; i < size; i++) {
          c.start(i);
        }
        c.awaitHealthy();
        return c;
      } catch (Exception | AssertionError e) {
        c.close();
        last = e instanceof Exception ? (Exception) e : new IllegalStateException(e);
      }
    }
    throw last;
  }

  /**
   * Where the members keep their data: in memory if the system offers a tmpfs at /dev/shm, since
   * every write waits for fsyncs on a majority, which on a busy disk makes a suite of thousands
   * of writes take minutes. Data there outlives a killed member as it would on disk; only losing
   * the machine, which no test does, would lose it.
   */
  private static Path dataRoot(Path fallback) throws IOException {
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm) && Files.isWritable(shm)) {
      return Files.createTempDirectory(shm, "level4j-etcd-test-");
    }
    return Files.createTempDirectory(Files.createDirectories(fallback), "cluster");
  }

  static void requireEtcd() {
    if (etcdBinary() != null) {
      return;
    }
    String why = "the etcd binary is not on the PATH, so level4j-etcd's tests cannot start a "
        + "cluster. Install it (Debian: apt-get install etcd-server) to run them.";
    if (System.getenv("CI") != null || Boolean.getBoolean("level4j.etcd.required")) {
      throw new AssertionError(why + " They are required here (CI is set or "
          + "-Dlevel4j.etcd.required=true).");
    }
    System.err.println("SKIPPED: " + why);
    Assumptions.abort(why);
  }

  private static Path etcdBinary() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(d.isEmpty() ? "." : d, "etcd");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private void freePorts() throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < size; i++) {
        ServerSocket a = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        ServerSocket b = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        ServerSocket m = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        held.add(a);
        held.add(b);
        held.add(m);
        clientPorts[i] = a.getLocalPort();
        peerPorts[i] = b.getLocalPort();
        metricsPorts[i] = m.getLocalPort();
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  private String name(int i) {
    return "m" + i;
  }

  /** Starts member {@code i} (again, after a kill or stop: it finds its data directory). */
  void start(int i) throws IOException {
    StringBuilder initial = new StringBuilder();
    for (int j = 0; j < size; j++) {
      initial.append(j == 0 ? "" : ",").append(name(j)).append("=http://127.0.0.1:")
          .append(peerPorts[j]);
    }
    String client = endpoint(i);
    String peer = "http://127.0.0.1:" + peerPorts[i];
    List<String> etcd = List.of("etcd", "--name", name(i),
        "--data-dir", dir.resolve(name(i)).toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", initial.toString(), "--initial-cluster-state", "new",
        "--initial-cluster-token", token,
        "--listen-metrics-urls", "http://127.0.0.1:" + metricsPorts[i],
        // Short Raft timers: a new leader within a second or two of a member's death.
        "--heartbeat-interval", "100", "--election-timeout", "1000",
        "--logger", "zap", "--log-outputs", "stderr");
    String watch = "(while kill -0 " + ProcessHandle.current().pid() + " 2>/dev/null && kill -0 $$"
        + " 2>/dev/null; do sleep 1; done; kill -9 $$ 2>/dev/null) & exec \"$@\"";
    List<String> cmd = new ArrayList<>(List.of("sh", "-c", watch, "etcd"));
    cmd.addAll(etcd);
    cmd.addAll(flags);
    Path log = dir.resolve(name(i) + ".log");
    members[i] = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  /** SIGKILL to member {@code i}, and waits until it is gone. */
  void kill(int i) throws InterruptedException {
    Process p = members[i];
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Waits until every running member reports itself healthy (part of a cluster with a leader). */
  void awaitHealthy() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
    for (int i = 0; i < size; i++) {
      if (members[i] == null || !members[i].isAlive()) {
        if (members[i] != null) {
          throw new AssertionError("etcd member " + name(i) + " exited: " + logTail(i));
        }
        continue;
      }
      int m = i;
      try {
        await().atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
            .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).until(() -> {
              if (healthy(http, m)) {
                return true;
              }
              if (!members[m].isAlive()) {
                throw new AssertionError("etcd member " + name(m) + " exited: " + logTail(m));
              }
              return false;
            });
      } catch (ConditionTimeoutException late) {
        throw new AssertionError("etcd member " + name(i) + " not healthy within "
            + HEALTHY_WITHIN + ": " + logTail(i), late);
      }
    }
  }

  private boolean healthy(HttpClient http, int i) throws InterruptedException {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + metricsPorts[i] + "/health"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && r.body().contains("\"true\"");
    } catch (IOException notYet) {
      return false; // not listening yet
    }
  }

  private String logTail(int i) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve(name(i) + ".log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The client URL of member {@code i}. */
  String endpoint(int i) {
    return scheme + "://127.0.0.1:" + clientPorts[i];
  }

  /** The client URLs of all members. */
  public List<String> endpoints() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      out.add(endpoint(i));
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    for (int i = 0; i < size; i++) {
      kill(i);
    }
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
