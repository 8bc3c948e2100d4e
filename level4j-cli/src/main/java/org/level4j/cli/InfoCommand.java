package org.level4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.rave.RaveLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code level4j info DIR}: what is in a directory and who leads it. It joins the directory
 * through RaveLevel like any other command (as a follower when a leader runs, else as the leader
 * for a moment), so it works while other processes use it.
 */
@Command(name = "info",
    description = "Describe a database directory: files, leader pid and socket, this command's "
        + "role and, read from the leader over JMX, its connected followers, operations served "
        + "and failovers (works while the directory is in use).")
final class InfoCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DIR", description = "The database directory.")
  Path dir;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Path path = dir.toAbsolutePath().normalize();
    boolean exists = Files.isDirectory(path);
    out.println("path: " + path);
    out.println("exists: " + (exists ? "yes" : Files.exists(path) ? "no (not a directory)" : "no"));
    if (exists) {
      // RocksDB (like LevelDB) names the live manifest in CURRENT.
      out.println("database: " + (Files.isRegularFile(path.resolve("CURRENT")) ? "yes" : "no"));
      long[] filesAndBytes = filesAndBytes(path);
      out.println("files: " + filesAndBytes[0]);
      out.println("bytes: " + filesAndBytes[1]);
      if (Files.isRegularFile(path.resolve("CURRENT"))) {
        try (RaveLevel db = Target.open(path, false)) {
          out.println("role of this command: " + (db.isLeader() ? "leader (no other process "
              + "was leading)" : "follower"));
          OptionalLong pid = RaveLevel.leaderPid(path);
          out.println("leader pid: " + (pid.isPresent() ? pid.getAsLong() : "none"));
          Path socket = RaveLevel.leaderSocket(path);
          out.println("leader socket: " + (socket == null ? "none" : socket));
          if (!db.isLeader() && pid.isPresent()) {
            leaderFigures(out, pid.getAsLong(), path);
          }
        }
      }
    }
    return Main.OK;
  }

  /** What the leader reports over JMX; this command is one of its followers meanwhile. */
  private static void leaderFigures(PrintWriter out, long pid, Path path) {
    java.util.Map<String, Object> f;
    try {
      f = LeaderFigures.of(pid, path);
    } catch (Exception | LinkageError e) {
      out.println("leader figures: unavailable (" + e.getMessage() + ")");
      return;
    }
    int followers = ((Number) f.get("connectedFollowers")).intValue();
    out.println("connected followers: " + Math.max(0, followers - 1) + " besides this command");
    out.println("operations served by the leader: " + f.get("operationsServed"));
    out.println("failovers (takeovers by the leader): " + f.get("failovers"));
  }

  private static long[] filesAndBytes(Path path) {
    long[] sum = new long[2];
    try (Stream<Path> files = Files.walk(path)) {
      files.filter(Files::isRegularFile).forEach(f -> {
        try {
          sum[1] += Files.size(f);
          sum[0]++;
        } catch (IOException gone) {
          // a file the database deleted while we walked: it no longer counts
        }
      });
    } catch (IOException | UncheckedIOException e) {
      throw new LevelException(ErrorCode.LEVEL_IO_ERROR,
          "cannot read " + path + ": " + e.getMessage(), e);
    }
    return sum;
  }
}
