package org.level4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.level4j.Database;
import org.level4j.rave.RaveLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code level4j bench DIR}: the workload of Node's rave-level benchmarks, run on DIR with
 * RaveLevel in whatever role this process gets there (leader if nobody holds DIR, follower if
 * {@code level4j serve DIR} or another RaveLevel process does). With {@code --followers K}: an idle
 * leader and K follower processes writing at once.
 */
@Command(name = "bench",
    description = {
        "Run the workload of Node's rave-level benchmarks on DIR and print ops/s per phase. This"
            + " process is the leader if nobody holds DIR, a follower if another process does"
            + " (start `level4j serve DIR` first to measure a follower). Use a new directory: the"
            + " phases check what they read.",
        "Phases: put_seq, get_seq, batch_put_1000, scan_nextv1000, put_window64, get_window64."})
final class BenchCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DIR", arity = "0..1",
      description = "The database directory (created if missing); left out with --etcd.")
  Path dir;

  @Option(names = "--etcd", paramLabel = "ENDPOINTS", converter = Location.Endpoints.class,
      description = "Run the phases against the etcd cluster at ENDPOINTS (comma-separated"
          + " client URLs) instead of DIR, in a new namespace; batches hold 100 entries there"
          + " (batch_put_100), as an etcd transaction holds at most 128 operations.")
  String etcd;

  @Option(names = "--namespace", paramLabel = "NS",
      description = "With --etcd: the namespace to use, which must be empty (default: a new"
          + " one, level4j-bench-<time>).")
  String namespace;

  /** Entries per batch against etcd (its default --max-txn-ops is 128). */
  static final int ETCD_BATCH = 100;

  @Option(names = "--n", paramLabel = "N",
      description = "Operations per phase (default 100000; with --followers, per follower:"
          + " 20000).")
  Integer n;

  @Option(names = "--phases", paramLabel = "LIST", split = ",",
      description = "Run only these phases, in the standard order (comma-separated).")
  List<String> phases;

  @Option(names = "--json", description = "Print JSON lines: {\"role\":…} first, then one"
      + " {\"phase\",\"ops\",\"ms\",\"opsPerSec\"} per phase.")
  boolean json;

  @Option(names = "--followers", paramLabel = "K",
      description = "Start an idle leader and K follower processes doing sequential puts at"
          + " once; print the total and each process's rate.")
  Integer followers;

  @Option(names = "--failover", paramLabel = "K",
      description = "Kill the leader of a new directory under DIR --kills times, each time while"
          + " K follower processes do sequential puts; print each follower's outage and the"
          + " stages of each takeover.")
  Integer failover;

  @Option(names = "--kills", paramLabel = "N", defaultValue = "5",
      description = "With --failover: how many kills (default 5).")
  int kills;

  @Option(names = "--kill-after", paramLabel = "SECONDS",
      description = "With --failover: how long the followers write before each kill (default:"
          + " 0.5 to 1.5 s at random). A leader that ran longer leaves more for its successor to"
          + " open: archived logs, table files, a longer MANIFEST.")
  Double killAfter;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    int count = n != null ? n : followers != null ? 20_000 : 100_000;
    if (count < 1) {
      throw new ParameterException(spec.commandLine(), "--n must be at least 1");
    }
    if (followers != null && failover != null) {
      throw new ParameterException(spec.commandLine(), "--followers and --failover are two"
          + " benchmarks; run them one at a time");
    }
    if (etcd != null) {
      if (dir != null || followers != null || failover != null) {
        throw new ParameterException(spec.commandLine(),
            "--etcd runs the phases on a cluster; leave DIR, --followers and --failover out");
      }
      return etcd(out, count);
    }
    if (namespace != null) {
      throw new ParameterException(spec.commandLine(), "--namespace goes with --etcd");
    }
    if (dir == null) {
      throw new ParameterException(spec.commandLine(), "expected DIR (or --etcd ENDPOINTS)");
    }
    if (followers != null) {
      return followers(out, count);
    }
    if (failover != null) {
      return failover(out);
    }
    List<String> run = phases(spec);
    Progress progress = json ? Progress.none()
        : Progress.onTerminal(spec.commandLine().getErr());
    try (RaveLevel db = RaveLevel.open(dir)) {
      if (!db.isLeader()) {
        db.get("__probe__"); // a first round trip to the leader, as the Node bench does
      }
      String role = db.isLeader() ? "leader" : "follower";
      if (json) {
        out.println("{\"role\":\"" + role + "\"}");
      } else {
        out.printf(Locale.ROOT, "level4j bench: %s as %s, n=%,d%n", dir, role, count);
        out.printf(Locale.ROOT, "%-16s %12s %12s %12s%n", "phase", "ops", "ms", "ops/s");
      }
      out.flush();
      runPhases(out, new Workload(db, count, progress), run, progress);
    } finally {
      progress.clear();
    }
    return Main.OK;
  }

  /** Runs the phases {@code run} in order, printing a table row or a JSON line for each. */
  private void runPhases(PrintWriter out, Workload workload, List<String> run,
      Progress progress) {
    for (String phase : run) {
      progress.start(phase);
      Workload.Result r = workload.run(phase);
      progress.clear();
      if (json) {
        out.println(r.json());
      } else {
        out.printf(Locale.ROOT, "%-16s %,12d %,12.1f %,12d%n", r.phase(), r.ops(), r.ms(),
            r.opsPerSec());
      }
      out.flush();
    }
  }

  /** The phases against a namespace of an etcd cluster, with batches it accepts. */
  private int etcd(PrintWriter out, int count) {
    List<String> run = new java.util.ArrayList<>();
    for (String p : phases(spec)) {
      run.add(p.equals(Workload.batchPhase(Workload.BATCH)) ? Workload.batchPhase(ETCD_BATCH)
          : p);
    }
    String ns = namespace != null ? namespace : "level4j-bench-" + System.currentTimeMillis();
    Progress progress = json ? Progress.none()
        : Progress.onTerminal(spec.commandLine().getErr());
    try (Database db = Target.etcd(etcd, ns)) {
      if (json) {
        out.println("{\"role\":\"etcd\",\"namespace\":\"" + ns + "\"}");
      } else {
        out.printf(Locale.ROOT, "level4j bench: etcd %s, namespace %s, n=%,d%n", etcd, ns,
            count);
        out.printf(Locale.ROOT, "%-16s %12s %12s %12s%n", "phase", "ops", "ms", "ops/s");
      }
      out.flush();
      runPhases(out, new Workload(db, count, progress, ETCD_BATCH), run, progress);
    } finally {
      progress.clear();
    }
    return Main.OK;
  }

  private int followers(PrintWriter out, int count) throws Exception {
    if (followers < 1 || followers > 99) {
      throw new ParameterException(spec.commandLine(), "--followers must be from 1 to 99");
    }
    if (phases != null) {
      throw new ParameterException(spec.commandLine(),
          "--followers runs put_seq only; leave --phases out");
    }
    if (!json) {
      out.printf(Locale.ROOT, "level4j bench: %s, an idle leader and %d followers doing %,d"
          + " sequential puts each...%n", dir, followers, count);
      out.flush();
    }
    FollowersBench.Outcome o = new FollowersBench(dir, followers, count).run();
    if (json) {
      out.println(o.json());
    } else {
      out.printf(Locale.ROOT, "total: %,d ops/s (%,d puts in %,.0f ms; starts spread over %.1f"
          + " ms)%n", o.total(), (long) followers * count, o.wallMs(), o.startSpreadMs());
      for (int k = 0; k < o.perProcess().size(); k++) {
        out.printf(Locale.ROOT, "  follower %d: %,d ops/s%n", k + 1, o.perProcess().get(k));
      }
      out.printf(Locale.ROOT, "keys stored: %,d of %,d%n", o.keysStored(),
          (long) followers * count);
    }
    if (o.keysStored() != (long) followers * count || o.anyBecameLeader()) {
      spec.commandLine().getErr().println("level4j: " + (o.anyBecameLeader()
          ? "a follower became leader during the run" : "keys are missing after the run"));
      return Main.FAILED;
    }
    return Main.OK;
  }

  private int failover(PrintWriter out) throws Exception {
    if (killAfter != null && !(killAfter > 0 && killAfter <= 3600)) {
      throw new ParameterException(spec.commandLine(),
          "--kill-after must be more than 0 and at most 3600 seconds");
    }
    if (failover < 1 || failover > 99 || kills < 1) {
      throw new ParameterException(spec.commandLine(),
          "--failover must be from 1 to 99 and --kills at least 1");
    }
    if (phases != null || n != null) {
      throw new ParameterException(spec.commandLine(),
          "--failover measures outages, not phases; leave --phases and --n out");
    }
    if (!json) {
      out.printf(Locale.ROOT, "level4j bench: %d kills of an idle leader under %s, %d followers"
          + " doing sequential puts...%n", kills, dir, failover);
      out.flush();
    }
    Files.createDirectories(dir);
    List<FailoverBench.Sample> samples = new FailoverBench(dir, failover, kills, killAfter, out,
        json).run();
    if (!json) {
      FailoverBench.summarize(samples, out);
    }
    out.flush();
    return samples.stream().allMatch(s -> s.lost() == 0) ? Main.OK : Main.FAILED;
  }

  private List<String> phases(CommandSpec spec) {
    if (phases == null) {
      return Workload.PHASES;
    }
    List<String> run = new ArrayList<>();
    for (String p : Workload.PHASES) {
      if (phases.contains(p)) {
        run.add(p);
      }
    }
    for (String p : phases) {
      if (!Workload.PHASES.contains(p)) {
        throw new ParameterException(spec.commandLine(), "no phase " + p + "; the phases are "
            + String.join(",", Workload.PHASES));
      }
    }
    return run;
  }
}
