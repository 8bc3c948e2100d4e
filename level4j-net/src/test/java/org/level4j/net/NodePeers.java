package org.level4j.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Node peers of the interop tests: the repository's {@code interop/} folder, installed with
 * {@code npm ci} on first use (a fresh machine has no node_modules), and its scripts run with
 * {@code node}. Node.js and npm must be on the PATH: the interop tests fail, loudly, without them.
 */
final class NodePeers {
  private static Path dir;

  private NodePeers() {}

  /** The interop folder, with its packages installed. */
  static synchronized Path dir() throws IOException, InterruptedException {
    if (dir != null) {
      return dir;
    }
    Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (d != null && !Files.exists(d.resolve("interop/package.json"))) {
      d = d.getParent();
    }
    if (d == null) {
      throw new AssertionError("interop/package.json not found above " + System.getProperty("user.dir"));
    }
    Path interop = d.resolve("interop");
    for (String tool : List.of("node", "npm")) {
      if (run(interop, 60, tool, "--version") != 0) {
        throw new AssertionError(tool + " is not installed or not on the PATH: the Node interop "
            + "tests need Node.js (20+) and npm; install them (e.g. apt-get install nodejs npm)");
      }
    }
    if (!Files.exists(interop.resolve("node_modules/many-level/package.json"))) {
      int code = run(interop, 600, "npm", "ci", "--no-audit", "--no-fund");
      if (code != 0) {
        throw new AssertionError("npm ci in " + interop + " failed with exit code " + code);
      }
    }
    dir = interop;
    return interop;
  }

  /** Starts {@code node script args...} in the interop folder; stderr goes to this process's. */
  static Process start(String script, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("node", script));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir().toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    killAfter(p, LIFETIME_SECONDS);
    return p;
  }

  /** The longest a Node peer may run: no read of its output can wait longer than this. */
  private static final long LIFETIME_SECONDS = 600;

  /** Kills {@code p} if it still runs after {@code seconds}, which ends any read of its output. */
  private static void killAfter(Process p, long seconds) {
    p.onExit().orTimeout(seconds, TimeUnit.SECONDS).whenComplete((done, late) -> {
      if (late != null) {
        p.destroyForcibly();
      }
    });
  }

  /**
   * Reads stdout lines of {@code p} until one equals {@code line}; false if it ended first. If
   * the line has not come within 60 s, the process is killed (and this returns false).
   */
  static boolean awaitLine(Process p, String line, List<String> seen) throws IOException {
    java.util.concurrent.CompletableFuture<Void> found = new java.util.concurrent.CompletableFuture<>();
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

  private static int run(Path dir, int seconds, String... cmd) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException notFound) {
      return -1;
    }
  }
}
