package org.level4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.level4j.rave.RaveLevel;

/**
 * The multi-process demo: worker processes share one directory through RaveLevel while the
 * leader is killed with SIGKILL again and again; at the end every acknowledged write is checked.
 *
 * <p>Failover time is measured from just before the SIGKILL to the acknowledgement of each
 * surviving worker's first write that started after it (so an answer the old leader sent just
 * before dying does not count), using wall-clock microseconds, which all processes on one
 * machine share. The worker that takes over and the ones that stay followers are reported apart.
 */
final class FailoverDemo {
  private final Path dir;
  private final PrintWriter out;
  private final List<Worker> workers = new ArrayList<>();
  private final List<Double> takeover = new ArrayList<>();
  private final List<Double> stayed = new ArrayList<>();
  /** Per stage (see STAGES), ms after each kill, from every survivor that saw the stage. */
  private final List<List<Double>> stageMs = new ArrayList<>();
  private static final List<String> STAGE_NAMES = List.of("connection lost (followers)",
      "lock won", "RocksDB open", "listening", "LEADER.info published", "reconnected",
      "first write acknowledged");
  private final long started = System.nanoTime();
  private int names;

  FailoverDemo(Path dir, PrintWriter out) {
    this.dir = dir;
    this.out = out;
    for (int i = 0; i < STAGE_NAMES.size(); i++) {
      stageMs.add(new ArrayList<>());
    }
  }

  /** What a run found; {@link #lost} must be zero. */
  record Result(long acknowledged, long lost, int failovers, List<Double> takeover,
      List<Double> stayed) {
    List<Double> all() {
      List<Double> a = new ArrayList<>(takeover);
      a.addAll(stayed);
      return a;
    }

    String summary() {
      return String.format(Locale.ROOT,
          "acknowledged=%d lost=%d failovers=%d failover_ms_median=%.1f failover_ms_max=%.1f",
          acknowledged, lost, failovers, median(all()), max(all()));
    }
  }

  Result run(int count, int kills, long intervalMs) throws Exception {
    try {
      for (int i = 0; i < count; i++) {
        start();
      }
      for (Worker w : workers) {
        w.awaitAck(0, 60_000);
      }
      say("%d workers writing to %s; leader is pid %s", count, dir, leaderPid());
      int failovers = 0;
      for (int k = 1; k <= kills; k++) {
        progress(intervalMs);
        failovers += killLeader(k) ? 1 : 0;
      }
      progress(intervalMs);
      say("stopping the workers");
      for (Worker w : workers) {
        w.stop();
      }
      return verify(failovers);
    } finally {
      for (Worker w : workers) {
        w.process.destroyForcibly();
      }
    }
  }

  private boolean killLeader(int k) throws Exception {
    OptionalLong pid = RaveLevel.leaderPid(dir);
    Worker victim = null;
    for (Worker w : workers) {
      if (w.alive() && pid.isPresent() && w.process.pid() == pid.getAsLong()) {
        victim = w;
      }
    }
    if (victim == null) {
      say("kill %d: no live leader found (record says %s); skipped", k, pid);
      return false;
    }
    long killMicros = DemoWorker.micros();
    victim.process.destroyForcibly();
    victim.process.waitFor(30, TimeUnit.SECONDS);
    victim.dead = true;
    say("kill %d: SIGKILL to the leader, pid %d (%s, %d acknowledged writes)", k,
        victim.process.pid(), victim.name, victim.lastAck + 1);
    List<Worker> survivors = new ArrayList<>();
    for (Worker w : workers) {
      if (w.alive()) {
        survivors.add(w);
      }
    }
    List<Long> resumedAt = new ArrayList<>();
    for (Worker w : survivors) {
      resumedAt.add(w.awaitAckStartedAfter(killMicros, 60_000));
    }
    OptionalLong newLeader = RaveLevel.leaderPid(dir);
    for (int i = 0; i < survivors.size(); i++) {
      Worker w = survivors.get(i);
      double ms = (resumedAt.get(i) - killMicros) / 1000.0;
      boolean tookOver = newLeader.isPresent() && newLeader.getAsLong() == w.process.pid();
      (tookOver ? takeover : stayed).add(ms);
      long[] st = w.awaitStagesAfter(killMicros, 5_000);
      if (st != null) {
        for (int s = 1; s < 7; s++) {
          if (st[s] != 0 && (s != 1 || !tookOver)) {
            stageMs.get(s - 1).add((st[s] - killMicros) / 1000.0);
          }
        }
      }
      stageMs.get(6).add(ms);
      say("  pid %d %s, writing again after %.1f ms", w.process.pid(),
          tookOver ? "took over as leader" : "stayed a follower", ms);
    }
    start(); // keep the number of workers, and let the new one settle before the next kill
    workers.get(workers.size() - 1).awaitAck(0, 60_000);
    return true;
  }

  private Result verify(int failovers) {
    long acknowledged = 0;
    long lost = 0;
    try (RaveLevel db = RaveLevel.open(dir)) {
      for (Worker w : workers) {
        acknowledged += w.lastAck + 1;
        lost += w.bad;
        for (long n = 0; n <= w.lastAck; n++) {
          if (!DemoWorker.value(w.name, n).equals(db.get(DemoWorker.key(w.name, n)))) {
            lost++;
          }
        }
      }
    }
    say("checked %d acknowledged writes of %d workers", acknowledged, workers.size());
    if (!takeover.isEmpty()) {
      say("failover, worker that took over: median %.1f ms, max %.1f ms (%d kills)",
          median(takeover), max(takeover), takeover.size());
    }
    if (!stayed.isEmpty()) {
      say("failover, workers that stayed followers: median %.1f ms, max %.1f ms (%d resumes)",
          median(stayed), max(stayed), stayed.size());
    }
    if (!takeover.isEmpty()) {
      say("stages of a failover, median ms after the SIGKILL:");
      for (int i = 0; i < STAGE_NAMES.size(); i++) {
        List<Double> xs = stageMs.get(i);
        if (!xs.isEmpty()) {
          say("  %-28s %6.1f  (n=%d)", STAGE_NAMES.get(i), median(xs), xs.size());
        }
      }
    }
    return new Result(acknowledged, lost, failovers, takeover, stayed);
  }

  private void progress(long millis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(500, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      long acks = 0;
      int live = 0;
      for (Worker w : workers) {
        acks += w.lastAck + 1;
        live += w.alive() ? 1 : 0;
      }
      say("%d live workers, %,d acknowledged writes", live, acks);
    }
  }

  private void start() throws IOException {
    String name = "w" + (names++);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String nativeDir = System.getProperty("level4j.native.dir");
    if (nativeDir != null) {
      // Workers load RocksDB's native library from the same unpacked copy as this process.
      cmd.add("-Dlevel4j.native.dir=" + nativeDir);
    }
    cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-Xmn16m"));
    if (hugePages()) {
      cmd.add("-XX:+UseTransparentHugePages"); // see the level4j script: a faster teardown
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        DemoWorker.class.getName(), dir.toString(), name));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Worker w = new Worker(name, p);
    workers.add(w);
    w.listen();
  }

  /** Whether this Linux kernel offers transparent huge pages to a process that asks. */
  static boolean hugePages() {
    try {
      String modes = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
      return modes.contains("[always]") || modes.contains("[madvise]");
    } catch (IOException | RuntimeException e) {
      return false; // not Linux, or no such feature
    }
  }

  private String leaderPid() {
    OptionalLong pid = RaveLevel.leaderPid(dir);
    return pid.isPresent() ? String.valueOf(pid.getAsLong()) : "unknown";
  }

  private void say(String format, Object... args) {
    double s = (System.nanoTime() - started) / 1e9;
    out.printf(Locale.ROOT, "[%5.1fs] %s%n", s, String.format(Locale.ROOT, format, args));
    out.flush();
  }

  static double median(List<Double> xs) {
    if (xs.isEmpty()) {
      return 0;
    }
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  static double max(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }

  /** A worker process and what it reported. */
  private static final class Worker {
    final String name;
    final Process process;
    volatile long lastAck = -1;
    volatile long bad;
    volatile boolean dead;
    private final List<long[]> acksAfter = new ArrayList<>();
    private final List<long[]> stages = new ArrayList<>();

    Worker(String name, Process process) {
      this.name = name;
      this.process = process;
    }

    boolean alive() {
      return !dead && process.isAlive();
    }

    void listen() {
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            String[] w = line.split(" ");
            synchronized (this) {
              switch (w[0]) {
                case "ACK":
                  lastAck = Long.parseLong(w[1]);
                  long startMicros = Long.parseLong(w[2]);
                  long endMicros = Long.parseLong(w[3]);
                  for (long[] waiter : acksAfter) {
                    if (waiter[1] == 0 && startMicros >= waiter[0]) {
                      waiter[1] = endMicros;
                    }
                  }
                  break;
                case "BAD":
                  bad++;
                  break;
                case "STAGES":
                  long[] st = new long[7];
                  st[0] = Boolean.parseBoolean(w[1]) ? 1 : 0;
                  for (int i = 1; i < 7; i++) {
                    st[i] = Long.parseLong(w[i + 1]);
                  }
                  stages.add(st);
                  break;
                default:
                  break;
              }
              notifyAll();
            }
          }
        } catch (IOException e) {
          // the process is gone
        }
      }, "demo-" + name);
      t.setDaemon(true);
      t.start();
    }

    synchronized void awaitAck(long n, long timeoutMs) throws InterruptedException {
      long end = System.currentTimeMillis() + timeoutMs;
      while (lastAck < n) {
        if (!process.isAlive() || System.currentTimeMillis() > end) {
          throw new IllegalStateException("worker " + name + " did not start writing");
        }
        wait(100);
      }
    }

    /** When the first write that started at or after {@code micros} was acknowledged. */
    synchronized long awaitAckStartedAfter(long micros, long timeoutMs)
        throws InterruptedException {
      long[] waiter = {micros, 0};
      acksAfter.add(waiter);
      long end = System.currentTimeMillis() + timeoutMs;
      while (waiter[1] == 0) {
        if (!process.isAlive() || System.currentTimeMillis() > end) {
          throw new IllegalStateException("worker " + name + " did not resume after the kill");
        }
        wait(100);
      }
      acksAfter.remove(waiter);
      return waiter[1];
    }

    /**
     * The stages of the first change of leader this worker reported with a connection lost or a
     * lock won after {@code micros}, waiting for it; null if none came in time.
     */
    synchronized long[] awaitStagesAfter(long micros, long timeoutMs) throws InterruptedException {
      long end = System.currentTimeMillis() + timeoutMs;
      while (true) {
        for (long[] st : stages) {
          if (Math.max(st[1], st[2]) >= micros) {
            return st;
          }
        }
        if (!process.isAlive() || System.currentTimeMillis() > end) {
          return null;
        }
        wait(50);
      }
    }

    void stop() throws InterruptedException {
      if (!alive()) {
        return;
      }
      try {
        process.getOutputStream().close();
      } catch (IOException ignored) {
        // already gone
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
