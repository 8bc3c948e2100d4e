package org.level4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.level4j.Codecs;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.Level;
import org.level4j.LevelIterator;
import org.level4j.Range;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code level4j demo}: the main job. Several worker processes write to and read one directory
 * through RaveLevel while the leader is killed with SIGKILL a few times; then every acknowledged
 * write is checked. The last line is {@code acknowledged=N lost=N failovers=N
 * failover_ms_median=X failover_ms_max=X}; the exit code is non-zero if anything was lost.
 * {@code --tour} instead walks through the API in one process.
 */
@Command(name = "demo",
    description = "Kill the leader of a shared directory a few times while worker processes "
        + "write to it, then check every acknowledged write (--tour: a one-process API tour).")
final class DemoCommand implements Callable<Integer> {
  /** The most worker processes, each a JVM: bench's bound on its processes too. */
  static final int MAX_WORKERS = 99;

  @Option(names = "--workers", defaultValue = "4",
      description = "Worker processes, 2 to " + MAX_WORKERS + " (default 4).")
  int workers;

  @Option(names = "--kills", defaultValue = "3", description = "Leader kills (default 3).")
  int kills;

  @Option(names = "--interval-ms", defaultValue = "1500",
      description = "Time between kills, in milliseconds (default 1500).")
  long intervalMs;

  @Option(names = "--dir", description = "Use this directory instead of a temporary one.")
  Path dirOption;

  @Option(names = "--tour", description = "A short API tour in one process instead.")
  boolean tour;

  @Option(names = "--keep", description = "Keep the temporary directory and print its path.")
  boolean keep;

  @Spec
  CommandSpec spec;

  /** A value type for the JSON sublevel. */
  record User(String name, int age) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (workers < 2 || workers > MAX_WORKERS) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--workers must be from 2 to " + MAX_WORKERS + " (each is a JVM), not " + workers);
    }
    if (kills < 0 || intervalMs < 100) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "need --kills >= 0 and --interval-ms >= 100");
    }
    Path dir = dirOption != null ? dirOption : Files.createTempDirectory("level4j-demo-");
    try {
      if (tour) {
        tour(dir, out);
        return Main.OK;
      }
      FailoverDemo.Result r = new FailoverDemo(dir, out).run(workers, kills, intervalMs);
      out.println(r.summary());
      out.flush();
      return r.lost() == 0 ? Main.OK : Main.FAILED;
    } finally {
      if (keep || dirOption != null) {
        out.println("kept " + dir + " (try: ./level4j ls " + dir + " --limit 5)");
        out.flush();
      } else {
        delete(dir);
      }
    }
  }

  private static void tour(Path dir, PrintWriter out) {
    out.println("A new database in " + dir);
    try (Database db = Target.open(dir, true)) {
      step(out, "put 4 entries");
      for (String[] kv : new String[][] {
          {"fruit:apple", "red"}, {"fruit:banana", "yellow"}, {"fruit:cherry", "dark red"},
          {"veg:carrot", "orange"}}) {
        db.put(kv[0], kv[1]);
        out.println("  put " + kv[0] + " = " + kv[1]);
      }

      step(out, "get");
      out.println("  get fruit:banana -> " + db.get("fruit:banana"));
      out.println("  get fruit:durian -> " + db.get("fruit:durian") + " (absent)");

      step(out, "range scan: keys >= \"fruit:\" and < \"fruit;\", highest first, at most 2");
      Range<String> fruit = Range.<String>all().gte("fruit:").lt("fruit;").reverse().limit(2);
      try (LevelIterator<String, Entry<String, String>> it = db.iterator(fruit)) {
        for (Entry<String, String> e : it) {
          out.println("  " + e.key() + " = " + e.value());
        }
      }

      step(out, "a sublevel \"users\" with JSON values");
      Level<String, User> users = db.sublevel("users", Codecs.UTF8, Codecs.json(User.class));
      users.put("ada", new User("Ada Lovelace", 36));
      out.println("  users.get(ada) -> " + users.get("ada"));
      out.println("  stored in the database as: !users!ada = " + db.get("!users!ada"));

      step(out, "an atomic batch: delete the vegetable, add a fruit and a user");
      db.batch()
          .del("veg:carrot")
          .put("fruit:date", "brown")
          .put(users, "alan", new User("Alan Turing", 41))
          .write();
      out.println("  veg:carrot -> " + db.get("veg:carrot"));
      out.println("  fruit:date -> " + db.get("fruit:date"));
      out.println("  users.get(alan) -> " + users.get("alan"));
    }

    step(out, "close, open again: everything is still there");
    try (Database db = Target.open(dir, false)) {
      try (LevelIterator<String, Entry<String, String>> it = db.iterator()) {
        List<Entry<String, String>> all = it.all();
        for (Entry<String, String> e : all) {
          out.println("  " + e.key() + " = " + e.value());
        }
        out.println(all.size() + " entries");
      }
    }
  }

  private static void step(PrintWriter out, String title) {
    out.println();
    out.println("# " + title);
  }

  static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the demo directory " + dir, e);
    }
  }
}
