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
import java.util.concurrent.TimeUnit;

/**
 * A real JVM running a test main class on the test classpath, for tests that need another
 * process. Its java.io.tmpdir is {@code scratch/tmp}, so anything it leaves there is removed with
 * the test's directory even when the process is SIGKILLed (and tests can look at what it left).
 */
final class JavaProcess implements AutoCloseable {
  final Process process;
  private final BufferedReader out;

  private JavaProcess(Process process) {
    this.process = process;
    this.out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
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
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx128m");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Djava.io.tmpdir=" + tmp);
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** The next line the process printed, or null if it ended. */
  String readLine() throws IOException {
    return out.readLine();
  }

  /** Everything the process prints from now until it ends, then its exit code. */
  int finish(StringBuilder output) throws IOException, InterruptedException {
    for (String line = readLine(); line != null; line = readLine()) {
      output.append(line).append('\n');
    }
    return process.waitFor();
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
