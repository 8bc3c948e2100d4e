package org.level4j.rocksdb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.level4j.child.ChildMain;

/**
 * A real JVM running a test main class on the test classpath, for tests that need another
 * process. Its java.io.tmpdir is {@code scratch/tmp}, so anything it leaves there is removed with
 * the test's directory even when the process is SIGKILLed (and tests can look at what it left).
 * It dies with the test JVM ({@link ChildMain}), and no read of its output waits longer than
 * {@link #READ_SECONDS}: a child that hangs fails the test instead of hanging the build.
 */
final class JavaProcess implements AutoCloseable {
  static final long READ_SECONDS = 60;
  private static final String END = new String("end of output");

  final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private boolean ended;

  private JavaProcess(Process process) {
    this.process = process;
    Thread pump = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process is gone; what it printed before is queued
      } finally {
        lines.add(END);
      }
    }, "output of " + process.pid());
    pump.setDaemon(true);
    pump.start();
  }

  static JavaProcess start(Path scratch, Class<?> main, String... args) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command(scratch, List.of(), main, args))
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    return new JavaProcess(pb.start());
  }

  /**
   * Like {@link #start(Path, Class, String...)}, with {@code env} added to this process's
   * environment and {@code jvmOptions} before the main class; what the process writes to standard
   * error comes out of {@link #readLine()} too.
   */
  static JavaProcess start(Path scratch, Map<String, String> env, List<String> jvmOptions,
      Class<?> main, String... args) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command(scratch, jvmOptions, main, args))
        .redirectErrorStream(true);
    pb.environment().putAll(env);
    return new JavaProcess(pb.start());
  }

  private static List<String> command(Path scratch, List<String> jvmOptions, Class<?> main,
      String... args) throws IOException {
    Path tmp = Files.createDirectories(scratch.resolve("tmp"));
    List<String> options = new ArrayList<>();
    options.add("-Xmx128m");
    options.add("-XX:TieredStopAtLevel=1");
    options.add("-Djava.io.tmpdir=" + tmp);
    options.addAll(jvmOptions);
    return ChildMain.command(options, main, List.of(args));
  }

  /**
   * The next line the process printed, or null if it ended. Fails (and kills the process) if no
   * line comes within {@link #READ_SECONDS}.
   */
  String readLine() throws IOException, InterruptedException {
    if (ended) {
      return null;
    }
    String line = lines.poll(READ_SECONDS, TimeUnit.SECONDS);
    if (line == null) {
      kill();
      throw new AssertionError("process " + process.pid() + " printed nothing for "
          + READ_SECONDS + " s; killed it");
    }
    if (line == END) {
      ended = true;
      return null;
    }
    return line;
  }

  /** Everything the process prints from now until it ends, then its exit code. */
  int finish(StringBuilder output) throws IOException, InterruptedException {
    for (String line = readLine(); line != null; line = readLine()) {
      output.append(line).append('\n');
    }
    if (!process.waitFor(READ_SECONDS, TimeUnit.SECONDS)) {
      kill();
      throw new AssertionError("process " + process.pid() + " closed its output but did not exit");
    }
    return process.exitValue();
  }

  /** SIGKILL, and wait until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
