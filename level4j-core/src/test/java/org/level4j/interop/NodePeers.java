package org.level4j.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Node.js peers of the interop tests: the repository's {@code interop/} folder, installed with
 * {@code npm ci} from its lock file on first use (and again whenever the lock file changed since),
 * so a fresh clone needs nothing by hand, and its scripts run with {@code node}. Node.js and npm
 * must be on the PATH: the interop tests fail, loudly, without them. Every wait on a peer is
 * bounded: a peer that hangs is killed, which ends any read of its output.
 */
public final class NodePeers {
  /** A copy of the lock file that node_modules was installed from, written after npm ci. */
  private static final String STAMP = "node_modules/.level4j-installed-lock.json";
  private static Path installed;
  /** The longest a Node peer may run: no read of its output can wait longer than this. */
  private static final long LIFETIME_SECONDS = 600;

  private NodePeers() {}

  /** The interop folder with its node_modules installed. Fails with a clear message if it can't. */
  public static synchronized Path folder() throws IOException, InterruptedException {
    if (installed != null) {
      return installed;
    }
    Path dir = locate();
    for (String tool : List.of("node", "npm")) {
      if (quietly(dir, 60, tool, "--version") != 0) {
        throw new AssertionError(tool + " is not installed or not on the PATH: the Node interop "
            + "tests need Node.js (20+) and npm; install them (e.g. apt-get install nodejs npm)");
      }
    }
    byte[] lock = Files.readAllBytes(dir.resolve("package-lock.json"));
    Path stamp = dir.resolve(STAMP);
    if (!Files.exists(stamp) || !Arrays.equals(Files.readAllBytes(stamp), lock)) {
      Path log = Files.createTempFile("level4j-npm", ".txt");
      try {
        Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
            .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
            .start();
        boolean finished = p.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
          p.destroyForcibly();
        }
        if (!finished || p.exitValue() != 0) {
          throw new IllegalStateException("`npm ci` failed in " + dir + " (Node.js 20+ and npm "
              + "are needed for the interop tests):\n" + Files.readString(log));
        }
      } finally {
        Files.deleteIfExists(log);
      }
      Files.write(stamp, lock);
    }
    installed = dir;
    return dir;
  }

  /** Runs {@code node SCRIPT args...} in the interop folder; returns stdout, fails on exit != 0. */
  public static String run(long timeoutSeconds, String script, String... args)
      throws IOException, InterruptedException {
    // Output to a file, so that waiting for the process is bounded whatever it does with its pipes.
    Path outFile = Files.createTempFile("level4j-node-out", ".txt");
    try {
      Process p = new ProcessBuilder(command(script, args)).directory(folder().toFile())
          .redirectOutput(outFile.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("node " + script + " did not finish in " + timeoutSeconds + " s");
      }
      String out = Files.readString(outFile);
      if (p.exitValue() != 0) {
        throw new AssertionError("node " + script + " exited " + p.exitValue() + " (its stderr is "
            + "in the test's output):\n" + out);
      }
      return out;
    } finally {
      Files.deleteIfExists(outFile);
    }
  }

  /**
   * Starts {@code node SCRIPT args...} in the interop folder; stderr goes to this process's. It is
   * killed if it still runs after ten minutes.
   */
  public static Process start(String script, String... args)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command(script, args)).directory(folder().toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    p.onExit().orTimeout(LIFETIME_SECONDS, TimeUnit.SECONDS).whenComplete((done, late) -> {
      if (late != null) {
        p.destroyForcibly();
      }
    });
    return p;
  }

  /**
   * Reads stdout lines of {@code p} until one equals {@code line}; false if it ended first. If
   * the line has not come within 60 s, the process is killed (and this returns false).
   */
  public static boolean awaitLine(Process p, String line, List<String> seen) throws IOException {
    CompletableFuture<Void> found = new CompletableFuture<>();
    found.orTimeout(60, TimeUnit.SECONDS).whenComplete((v, late) -> {
      if (late != null) {
        p.destroyForcibly();
      }
    });
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    for (String l = r.readLine(); l != null; l = r.readLine()) {
      seen.add(l);
      if (l.equals(line)) {
        found.complete(null);
        return true;
      }
    }
    return false;
  }

  private static List<String> command(String script, String... args) {
    List<String> cmd = new ArrayList<>(List.of("node", script));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static int quietly(Path dir, int seconds, String... cmd) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException notFound) {
      return -1;
    }
  }

  private static Path locate() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("interop/package-lock.json"))) {
        return p.resolve("interop");
      }
    }
    throw new IllegalStateException("no interop/ folder above " + here);
  }
}
