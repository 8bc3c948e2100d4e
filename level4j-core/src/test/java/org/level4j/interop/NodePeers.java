package org.level4j.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Node.js peers of the interop tests: the repository's {@code interop/} folder, installed on
 * first use with {@code npm ci} from its lock file, so a fresh clone needs nothing by hand.
 */
public final class NodePeers {
  private static Path installed;

  private NodePeers() {}

  /** The interop folder with its node_modules installed. Fails with a clear message if it can't. */
  public static synchronized Path folder() throws IOException, InterruptedException {
    if (installed != null) {
      return installed;
    }
    Path dir = locate();
    if (!Files.isDirectory(dir.resolve("node_modules"))) {
      Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
          .directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException("`npm ci` failed in " + dir + " (Node.js 18+ and npm "
            + "are needed for the interop tests):\n" + out);
      }
    }
    installed = dir;
    return dir;
  }

  /** Runs {@code node SCRIPT args...} in the interop folder; returns stdout, fails on exit != 0. */
  public static String run(long timeoutSeconds, String script, String... args)
      throws IOException, InterruptedException {
    Path dir = folder();
    List<String> cmd = new ArrayList<>(List.of("node", script));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).start();
    byte[] err = new byte[0];
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("node " + script + " did not finish in " + timeoutSeconds + " s");
    }
    err = p.getErrorStream().readAllBytes();
    if (p.exitValue() != 0) {
      throw new AssertionError("node " + script + " exited " + p.exitValue() + ":\n" + out
          + new String(err, StandardCharsets.UTF_8));
    }
    return out;
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
