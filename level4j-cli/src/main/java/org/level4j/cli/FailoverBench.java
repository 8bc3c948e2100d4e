package org.level4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.rave.RaveLevel;

/**
 * {@code bench --failover K}: the anchor's failover test. For each kill, in a new directory: an
 * idle leader process and K follower processes doing sequential puts; 0.5 to 1.5 s after they all
 * run (or {@code --kill-after} seconds), the leader gets SIGKILL. Each follower reports its
 * outage (the longest gap between two of its acknowledged puts around the kill), when its first
 * put started after the kill was acknowledged, and the stages of the takeover it saw; then every
 * acknowledged put is read back, by the follower itself and again here, after every process has
 * stopped.
 */
final class FailoverBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The stages a follower reports, in ms after the kill, in the order they happen. */
  static final List<String> STAGES = List.of("lostMs", "lockWonMs", "rocksdbOpenMs",
      "listeningMs", "publishedMs", "reconnectedMs", "resumeMs");

  /** What one follower reported about one kill. */
  record Sample(int kill, boolean tookOver, double outageMs, JsonNode report, long acked,
      long lost, long leaderRssKb, long leaderSmallAnonKb) {
    String json() {
      StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
          "{\"phase\":\"failover\",\"kill\":%d,\"tookOver\":%b,\"outageMs\":%.3f,\"acked\":%d,"
              + "\"lost\":%d,\"leaderRssMb\":%d,\"leaderSmallAnonMb\":%d", kill, tookOver,
          outageMs, acked, lost, leaderRssKb / 1024, leaderSmallAnonKb / 1024));
      for (String stage : STAGES) {
        if (report.has(stage)) {
          s.append(String.format(Locale.ROOT, ",\"%s\":%.3f", stage,
              report.get(stage).asDouble()));
        }
      }
      return s.append('}').toString();
    }
  }

  private final Path root;
  private final int followers;
  private final int kills;
  /** Seconds the followers write before each kill; null: 0.5 to 1.5 at random. */
  private final Double killAfter;
  private final PrintWriter out;
  private final boolean json;
  private final Random random = new Random();
  private final List<WorkerProcess> children = new ArrayList<>();

  FailoverBench(Path root, int followers, int kills, Double killAfter, PrintWriter out,
      boolean json) {
    this.root = root;
    this.followers = followers;
    this.kills = kills;
    this.killAfter = killAfter;
    this.out = out;
    this.json = json;
  }

  List<Sample> run() throws IOException, InterruptedException {
    List<Sample> all = new ArrayList<>();
    for (int k = 1; k <= kills; k++) {
      Path dir = root.resolve("kill-" + k);
      List<Sample> samples = once(k, dir);
      all.addAll(samples);
      for (Sample s : samples) {
        if (json) {
          out.println(s.json());
        } else {
          out.printf(Locale.ROOT, "kill %d: %s outage %.1f ms (%s), %d acknowledged, %d lost,"
              + " leader had %d MB resident (%d MB anonymous in small pages)%n", k,
              s.tookOver() ? "took over  " : "stayed     ", s.outageMs(), stages(s.report()),
              s.acked(), s.lost(), s.leaderRssKb() / 1024, s.leaderSmallAnonKb() / 1024);
        }
      }
      out.flush();
      DemoCommand.delete(dir);
    }
    return all;
  }

  private List<Sample> once(int k, Path dir) throws IOException, InterruptedException {
    children.clear();
    try {
      WorkerProcess leader = start("hold", dir.toString());
      if (!leader.await("ROLE ", 60).startsWith("ROLE leader")) {
        throw new LevelException(ErrorCode.LEVEL_LOCKED, dir + " is already led by another "
            + "process; --failover needs a directory nobody holds");
      }
      leader.await("READY", 60);
      List<WorkerProcess> workers = new ArrayList<>();
      for (int w = 1; w <= followers; w++) {
        WorkerProcess p = start("loop", dir.toString(), String.format(Locale.ROOT, "f%02d", w));
        if (!p.await("ROLE ", 60).startsWith("ROLE follower")) {
          throw new IllegalStateException("a worker became leader before the kill");
        }
        workers.add(p);
      }
      for (WorkerProcess w : workers) {
        w.await("RUNNING", 60);
      }
      Thread.sleep(killAfter != null ? Math.round(killAfter * 1000)
          : 500 + random.nextInt(1000));
      long rss = residentKb(leader.process.pid());
      long smallAnon = smallAnonymousKb(leader.process.pid());
      long killMicros = BenchWorker.micros();
      leader.process.destroyForcibly(); // SIGKILL
      for (WorkerProcess w : workers) {
        w.say("KILLED " + killMicros);
      }
      leader.process.waitFor(30, TimeUnit.SECONDS);
      for (WorkerProcess w : workers) {
        w.await("RECOVERED ", 60);
      }
      Thread.sleep(200);
      // Followers first, then the new leader, so that stopping causes no second failover.
      List<JsonNode> reports = new ArrayList<>();
      for (WorkerProcess w : workers) {
        reports.add(null);
      }
      for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < workers.size(); i++) {
          boolean isLeader = workers.get(i).process.pid() == RaveLevel.leaderPid(dir).orElse(-1);
          if (reports.get(i) == null && (pass == 1 || !isLeader)) {
            WorkerProcess w = workers.get(i);
            w.say("STOP");
            reports.set(i, JSON.readTree(w.await("RESULT ", 300).substring(7)));
            w.close();
            w.process.waitFor(30, TimeUnit.SECONDS);
          }
        }
      }
      return verify(k, dir, reports, rss, smallAnon);
    } finally {
      for (WorkerProcess c : children) {
        c.process.destroyForcibly();
        c.process.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /** Reads every acknowledged put back, with every worker process gone. */
  private List<Sample> verify(int k, Path dir, List<JsonNode> reports, long leaderRssKb,
      long leaderSmallAnonKb) {
    List<Sample> samples = new ArrayList<>();
    try (RaveLevel db = RaveLevel.open(dir)) {
      for (JsonNode r : reports) {
        String prefix = r.get("prefix").asText();
        long acked = r.get("acked").asLong();
        long lost = r.get("lost").asLong();
        for (long i = 0; i < acked; i++) {
          if (!Workload.value(i).equals(db.get(Workload.key(prefix, i)))) {
            lost++;
          }
        }
        samples.add(new Sample(k, r.get("tookOver").asBoolean(),
            r.path("outageMs").asDouble(Double.NaN), r, acked, lost, leaderRssKb,
            leaderSmallAnonKb));
      }
    }
    return samples;
  }

  static String stages(JsonNode report) {
    StringBuilder s = new StringBuilder();
    for (String stage : STAGES) {
      if (report.has(stage)) {
        s.append(s.length() == 0 ? "" : ", ").append(stage.replace("Ms", "")).append(' ')
            .append(String.format(Locale.ROOT, "%.1f", report.get(stage).asDouble()));
      }
    }
    return s.toString();
  }

  /** Medians and maxima per kind of follower, and the median of each stage. */
  static void summarize(List<Sample> samples, PrintWriter out) {
    for (boolean tookOver : new boolean[] {true, false}) {
      List<Double> outages = new ArrayList<>();
      for (Sample s : samples) {
        if (s.tookOver() == tookOver) {
          outages.add(s.outageMs());
        }
      }
      if (outages.isEmpty()) {
        continue;
      }
      out.printf(Locale.ROOT, "outage, follower that %s: median %.1f ms, max %.1f ms (n=%d)%n",
          tookOver ? "took over" : "stayed a follower", FailoverDemo.median(outages),
          FailoverDemo.max(outages), outages.size());
      StringBuilder line = new StringBuilder();
      for (String stage : STAGES) {
        List<Double> xs = new ArrayList<>();
        for (Sample s : samples) {
          if (s.tookOver() == tookOver && s.report().has(stage)) {
            xs.add(s.report().get(stage).asDouble());
          }
        }
        if (!xs.isEmpty()) {
          line.append(line.length() == 0 ? "" : ", ").append(stage.replace("Ms", "")).append(' ')
              .append(String.format(Locale.ROOT, "%.1f", FailoverDemo.median(xs)));
        }
      }
      out.println("  stages, median ms after the kill: " + line);
    }
    long lost = samples.stream().mapToLong(Sample::lost).sum();
    long acked = samples.stream().mapToLong(Sample::acked).sum();
    out.printf(Locale.ROOT, "acknowledged=%d lost=%d%n", acked, lost);
  }

  private WorkerProcess start(String... args) throws IOException {
    WorkerProcess c = WorkerProcess.start(args);
    children.add(c);
    return c;
  }

  /**
   * The resident memory of a process, from Linux's /proc (0 elsewhere): the kernel frees it all
   * before it releases a killed leader's locks and sockets, so it bounds how soon a follower can
   * know of the death.
   */
  static long residentKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return kb(line);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return 0;
  }

  /**
   * The part of a process's resident memory that is anonymous (not a mapped file) and held in
   * small pages rather than transparent huge pages, from Linux's /proc (0 elsewhere, or if the
   * process is gone). Of what the kernel frees before it releases a killed leader's locks, this is
   * what takes the time: measured on this project's 2-core machine with a scratch C program (a
   * child holding a lock and N MB, killed, the parent timing until it held the lock; medians of
   * 15), 0.3 ms with nothing, 2.3 ms with 20 MB, 5.3 with 50 and 8.9 with 100 in small pages,
   * against 0.5, 0.6 and 1.2 ms in huge pages and 0.8 ms for 100 MB of a file mapped and read.
   */
  static long smallAnonymousKb(long pid) {
    long anonymous = -1;
    long huge = -1;
    try {
      Path rollup = Path.of("/proc", Long.toString(pid), "smaps_rollup");
      for (String line : Files.readAllLines(rollup)) {
        if (line.startsWith("Anonymous:")) {
          anonymous = kb(line);
        } else if (line.startsWith("AnonHugePages:")) {
          huge = kb(line);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return anonymous < 0 || huge < 0 ? 0 : Math.max(0, anonymous - huge);
  }

  /** The number in a /proc line such as {@code "VmRSS:   88000 kB"}. */
  private static long kb(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }
}
