package org.level4j.net;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.level4j.child.ChildProcess;

/**
 * abstract-level's own test suite ({@code test/} of abstract-level 1.x, the version npm
 * many-level 2.0.0 and rave-level 1.0.0 depend on), run by {@code interop/abstract-level-suite.js}
 * through npm many-level 2.0.0 guests: against a level4j {@link FactoryHost}, or as the baseline,
 * against npm's own many-level host over memory-level in the Node process, as many-level's own
 * {@code test/abstract.js} runs it.
 *
 * <p>{@link #start} returns at once, so that a test class can run several targets side by side
 * (much of the suite's time is spent waiting on timers and sockets, not computing).
 */
public final class AbstractLevelSuite {
  private static final long TIMEOUT_SECONDS = 180;
  /**
   * How many tests abstract-level 1.0.4's suite runs for a many-level 2.0.0 guest (whose manifest
   * decides which optional parts run), on the database and again on a sublevel.
   */
  static final int EXPECTED_TESTS = 1020;

  private AbstractLevelSuite() {}

  /**
   * What a run found. {@code failures} holds one line per failed assertion, "test name :: assertion
   * :: detail"; {@code tests} counts tape's tests, {@code assertions} their assertions.
   */
  public record Result(String target, int tests, int assertions, int passed, int failed,
      int factoryCalls, long millis, List<String> failures, String output) {
    /** The failures as one readable block, grouped by test. */
    public String report() {
      Map<String, List<String>> byTest = new TreeMap<>();
      for (String f : failures) {
        String[] p = f.split(" :: ", 2);
        byTest.computeIfAbsent(p[0], k -> new ArrayList<>()).add(p.length > 1 ? p[1] : "");
      }
      StringBuilder b = new StringBuilder(summary()).append('\n');
      byTest.forEach((test, asserts) -> {
        b.append("  ").append(test).append('\n');
        for (String a : asserts) {
          b.append("      ").append(a).append('\n');
        }
      });
      return b.toString();
    }

    public String summary() {
      return "abstract-level suite against " + target + ": " + tests + " tests, " + assertions
          + " assertions, " + passed + " passed, " + failed + " failed (" + factoryCalls
          + " factory() calls, " + millis + " ms)";
    }
  }

  /** A run of the suite in a Node process; closing it ends the process if it still runs. */
  public static final class Run implements AutoCloseable {
    private final ChildProcess process;
    private final CompletableFuture<Result> result = new CompletableFuture<>();

    private Run(ChildProcess process) {
      this.process = process;
    }

    /** Completes when the suite has finished (with a summary) or failed to. */
    public CompletableFuture<Result> result() {
      return result;
    }

    @Override
    public void close() {
      process.close();
    }
  }

  /** Runs the suite against the factory host listening at {@code host.socket()}. */
  public static Run start(String label, FactoryHost host) throws IOException, InterruptedException {
    return start(label, "unix:" + host.socket());
  }

  /** Runs the suite against npm's own many-level host over memory-level (the baseline). */
  public static Run startBaseline() throws IOException, InterruptedException {
    return start("npm many-level host over memory-level", "baseline");
  }

  /**
   * Waits for a run and fails unless every test of the suite ran and passed; the failures, if
   * any, are listed in the message. The summary line goes to stdout either way.
   */
  public static Result assertPassed(Run run) {
    Result r;
    try {
      r = run.result().get(TIMEOUT_SECONDS + 30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError(e.getCause().getMessage(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError("the abstract-level suite did not finish: " + e, e);
    }
    System.out.println(r.summary());
    if (r.failed() != 0 || r.tests() != EXPECTED_TESTS) {
      throw new AssertionError((r.tests() == EXPECTED_TESTS ? ""
          : "expected " + EXPECTED_TESTS + " tests (as many as abstract-level 1.0.4 runs for a "
              + "many-level guest), ran " + r.tests() + "\n") + r.report());
    }
    return r;
  }

  private static Run start(String label, String target) throws IOException, InterruptedException {
    Run run = new Run(ChildProcess.node("abstract-level-suite.js", target));
    Thread t = new Thread(() -> {
      try {
        run.result.complete(collect(label, run.process));
      } catch (Throwable e) {
        run.close();
        run.result.completeExceptionally(e);
      }
    }, "abstract-level-suite " + label);
    t.setDaemon(true);
    t.start();
    return run;
  }

  private static Result collect(String label, ChildProcess p) throws InterruptedException {
    // The suite prints its failures as it goes and a summary last; one that hangs is killed.
    try {
      p.await(l -> l.startsWith("SUMMARY"), TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    } catch (AssertionError e) {
      p.close();
      throw new AssertionError("the abstract-level suite against " + label + " ended without a "
          + "summary; it hung or crashed. Its output:\n" + String.join("\n", p.lines()), e);
    }
    p.waitFor(); // it exits right after its summary
    List<String> failures = new ArrayList<>();
    StringBuilder out = new StringBuilder();
    String summary = null;
    for (String line : p.lines()) {
      out.append(line).append('\n');
      String[] f = line.split("\t", -1);
      if (f[0].equals("FAIL") && f.length >= 4) {
        failures.add(f[1] + " :: " + f[2] + " :: " + f[3]);
      } else if (f[0].equals("SUMMARY")) {
        summary = line;
      }
    }
    Map<String, Long> n = new TreeMap<>();
    for (String kv : summary.split("\t")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        n.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
      }
    }
    return new Result(label, n.get("tests").intValue(), n.get("assertions").intValue(),
        n.get("passed").intValue(), n.get("failed").intValue(), n.get("factory_calls").intValue(),
        n.get("ms"), List.copyOf(failures), out.toString());
  }
}
