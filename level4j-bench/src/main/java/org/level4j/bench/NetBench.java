package org.level4j.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.function.LongUnaryOperator;
import org.level4j.AsyncLevel;
import org.level4j.Database;
import org.level4j.Level;
import org.level4j.MemoryLevel;
import org.level4j.net.Connector;
import org.level4j.net.Guest;
import org.level4j.net.Host;
import org.level4j.net.Listener;

/**
 * Round trips over a Unix domain socket: a bare JDK 100-byte echo (the floor), a guest's
 * sequential get and put, and 64 operations in flight from one thread.
 *
 * <p>Run (from the repository root):
 * <pre>
 *   mvn -B -q package -pl level4j-bench -am -DskipTests
 *   java -cp level4j-bench/target/benchmarks.jar org.level4j.bench.NetBench \
 *     [seconds-per-trial] [trials]
 * </pre>
 * Each trial measures every case for the given seconds, cases interleaved so that a busy machine
 * weighs on all of them alike; the median of the trials is printed.
 */
public final class NetBench {
  private static final int IN_FLIGHT = 64;
  private static final byte[] VALUE = new byte[100];

  private NetBench() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
    int trials = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path dir = Files.createTempDirectory("level4j-bench");
    Arrays.fill(VALUE, (byte) 'v');
    try (Echo echo = new Echo(dir.resolve("echo.sock"));
        Database db = MemoryLevel.open();
        Host host = Host.of(db);
        Guest guest = connect(host, dir.resolve("db.sock"))) {
      Level<byte[], byte[]> g = guest.bytes();
      AsyncLevel<byte[], byte[]> ga = g.async();
      byte[] key = "key-000001".getBytes();
      g.put(key, VALUE);
      String[] names = {"jdk uds echo 100B (sequential)", "guest get (sequential)",
          "guest put (sequential)", "guest get (64 in flight)", "guest put (64 in flight)"};
      List<LongUnaryOperator> cases = List.of(
          n -> echo.roundTrips(n),
          n -> {
            for (long i = 0; i < n; i++) {
              g.get(key);
            }
            return n;
          },
          n -> {
            for (long i = 0; i < n; i++) {
              g.put(key, VALUE);
            }
            return n;
          },
          n -> inFlight(n, () -> ga.get(key)),
          n -> inFlight(n, () -> ga.put(key, VALUE)));
      double[][] rates = new double[cases.size()][trials];
      double[][] cpu = new double[cases.size()][trials];
      for (int c = 0; c < cases.size(); c++) {
        measure(cases.get(c), 1); // warm up
      }
      for (int t = 0; t < trials; t++) {
        for (int c = 0; c < cases.size(); c++) {
          double[] m = measure(cases.get(c), seconds);
          rates[c][t] = m[0];
          cpu[c][t] = m[1];
        }
      }
      double echoRate = median(rates[0]);
      double echoCpu = median(cpu[0]);
      System.out.printf(Locale.ROOT, "%-34s %10s %9s %8s %12s %8s%n", "case", "ops/s", "us/op",
          "vs echo", "cpu us/op", "vs echo");
      for (int c = 0; c < cases.size(); c++) {
        double r = median(rates[c]);
        double u = median(cpu[c]);
        System.out.printf(Locale.ROOT, "%-34s %10.0f %9.2f %8.2f %12.2f %8.2f%n", names[c], r,
            1e6 / r, echoRate / r, u, u / echoCpu);
      }
      System.out.printf(Locale.ROOT, "64 in flight / sequential: get %.2fx, put %.2fx%n",
          median(rates[3]) / median(rates[1]), median(rates[4]) / median(rates[2]));
    }
    Scratch.delete(dir);
  }

  private static Guest connect(Host host, Path socket) {
    host.listen(Listener.unix(socket));
    return Guest.connect(Connector.unix(socket));
  }

  /**
   * Operations per second of {@code op} run for about {@code seconds}, and the CPU time of this
   * whole process (client, server and every thread) per operation in microseconds: the second
   * stays readable on a machine that other work keeps busy.
   */
  private static double[] measure(LongUnaryOperator op, double seconds) {
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long n = 64;
    long done = 0;
    long cpu0 = os.getProcessCpuTime();
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long now;
    while ((now = System.nanoTime()) < end) {
      done += op.applyAsLong(n);
      n = Math.min(n * 2, 20_000);
    }
    long cpu = os.getProcessCpuTime() - cpu0;
    return new double[] {done / ((now - start) / 1e9), cpu / 1e3 / done};
  }

  /** Keeps {@value #IN_FLIGHT} operations in flight from this one thread until n are done. */
  private static long inFlight(long n, java.util.function.Supplier<java.util.concurrent.CompletableFuture<?>> op) {
    Semaphore window = new Semaphore(IN_FLIGHT);
    for (long i = 0; i < n; i++) {
      window.acquireUninterruptibly();
      op.get().whenComplete((v, e) -> window.release());
    }
    window.acquireUninterruptibly(IN_FLIGHT);
    return n;
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  /** A bare JDK echo server over a Unix socket, and one client of it. */
  private static final class Echo implements AutoCloseable {
    private final ServerSocketChannel server;
    private final SocketChannel client;
    private final ByteBuffer out = ByteBuffer.allocateDirect(100);
    private final ByteBuffer in = ByteBuffer.allocateDirect(100);

    Echo(Path socket) throws IOException {
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
      Thread t = new Thread(() -> FloorPeer.echo(server), "echo");
      t.setDaemon(true);
      t.start();
      client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    }

    long roundTrips(long n) {
      try {
        for (long i = 0; i < n; i++) {
          out.clear();
          while (out.hasRemaining()) {
            client.write(out);
          }
          in.clear();
          while (in.hasRemaining()) {
            client.read(in);
          }
        }
        return n;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      client.close();
      server.close();
    }
  }
}
