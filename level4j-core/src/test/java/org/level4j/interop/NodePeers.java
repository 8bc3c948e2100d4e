package org.level4j.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.level4j.child.ChildProcess;

/**
 * The Node.js peers of the interop tests: the repository's {@code interop/} folder, installed with
 * {@code npm ci} from its lock file on first use (and again whenever the lock file changed since),
 * so a fresh clone needs nothing by hand, and its scripts run with {@code node}. Node.js and npm
 * must be on the PATH, Node.js at least version {@link #NODE_MAJOR}: the interop tests fail,
 * loudly, without them. The peers run as {@link ChildProcess}es, every wait on them bounded.
 */
public final class NodePeers {
  /** A copy of the lock file that node_modules was installed from, written after npm ci. */
  private static final String STAMP = "node_modules/.level4j-installed-lock.json";
  private static Path installed;
  /**
   * The Node.js major version the interop tests need, at least: the one version they ask for,
   * and the one the README names.
   */
  public static final int NODE_MAJOR = 20;

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
            + "tests need Node.js " + NODE_MAJOR + "+ and npm; install them (e.g. apt-get install "
            + "nodejs npm)");
      }
    }
    int major = nodeMajor(dir);
    if (major < NODE_MAJOR) {
      throw new AssertionError("node is version " + major + ": the Node interop tests need "
          + "Node.js " + NODE_MAJOR + "+");
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
          throw new IllegalStateException("`npm ci` failed in " + dir + " (Node.js " + NODE_MAJOR
              + "+ and npm are needed for the interop tests):\n" + Files.readString(log));
        }
      } finally {
        Files.deleteIfExists(log);
      }
      Files.write(stamp, lock);
    }
    installed = dir;
    return dir;
  }

  /**
   * {@code node SCRIPT args...} in the interop folder, its peers installed; start it with {@link
   * ChildProcess#node}, or run it to its end with {@link #run}.
   */
  public static ProcessBuilder command(String script, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("node", script));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).directory(folder().toFile());
  }

  /**
   * Runs {@code node SCRIPT args...} to its end; returns its stdout, and fails if it exits with
   * other than 0 (with its stderr) or has not ended after {@code timeoutSeconds}.
   */
  public static String run(long timeoutSeconds, String script, String... args)
      throws IOException, InterruptedException {
    Path scratch = Files.createTempDirectory("level4j-node-run");
    try {
      ChildProcess.Result r = ChildProcess.run(command(script, args), "", scratch,
          timeoutSeconds);
      if (r.code() != 0) {
        throw new AssertionError("node " + script + " exited " + r.code() + ":\n" + r.out()
            + "\n--- stderr\n" + r.err());
      }
      return r.out();
    } finally {
      try (var files = Files.list(scratch)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(scratch);
    }
  }

  private static int nodeMajor(Path dir) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("node", "--version").directory(dir.toFile())
        .redirectErrorStream(true).start();
    String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor(60, TimeUnit.SECONDS);
    try {
      return Integer.parseInt(v.replaceFirst("^v", "").split("\\.")[0]);
    } catch (NumberFormatException e) {
      throw new AssertionError("`node --version` printed " + v + ", not a version", e);
    }
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
