package org.level4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/** A worker process and the lines it printed. */
final class WorkerProcess {
  /**
   * Starts a {@link BenchWorker} with {@code args}, on the same JVM flags as this process (heap,
   * collector, RocksDB's unpacked native library).
   */
  static WorkerProcess start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(BenchWorker.class.getName());
    cmd.addAll(List.of(args));
    return new WorkerProcess(new ProcessBuilder(cmd)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start());
  }

  final Process process;
  final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  final OutputStream stdin;

  private WorkerProcess(Process process) {
    this.process = process;
    this.stdin = process.getOutputStream();
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
      lines.add("EXIT");
    }, "bench-child-" + process.pid());
    t.setDaemon(true);
    t.start();
  }

  String await(String prefix, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new LevelException(ErrorCode.LEVEL_IO_ERROR, "bench worker pid " + process.pid()
            + " printed no " + prefix.trim() + " line within " + seconds + " s");
      }
      if (line.equals("EXIT")) {
        lines.add(line);
        throw new LevelException(ErrorCode.LEVEL_IO_ERROR, "bench worker pid " + process.pid()
            + " ended before " + prefix.trim() + " (its error is above)");
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  void say(String line) {
    try {
      stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    } catch (IOException e) {
      throw new LevelException(ErrorCode.LEVEL_IO_ERROR,
          "bench worker pid " + process.pid() + " is gone: " + e.getMessage(), e);
    }
  }

  void close() {
    try {
      stdin.close();
    } catch (IOException ignored) {
      // already gone
    }
  }
}
