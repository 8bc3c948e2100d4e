package org.level4j.interop;

import java.io.IOException;
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
          throw new IllegalStateException("`npm ci` failed in " + dir + " (Node.js 18+ and npm "
              + "are needed for the interop tests):\n" + Files.readString(log));
        }
      } finally {
        Files.deleteIfExists(log);
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
    // Output to files, so that waiting for the process is bounded whatever it does with its pipes.
    Path outFile = Files.createTempFile("level4j-node-out", ".txt");
    Path errFile = Files.createTempFile("level4j-node-err", ".txt");
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile())
          .redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("node " + script + " did not finish in " + timeoutSeconds + " s");
      }
      String out = Files.readString(outFile);
      if (p.exitValue() != 0) {
        throw new AssertionError("node " + script + " exited " + p.exitValue() + ":\n" + out
            + Files.readString(errFile));
      }
      return out;
    } finally {
      Files.deleteIfExists(outFile);
      Files.deleteIfExists(errFile);
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
