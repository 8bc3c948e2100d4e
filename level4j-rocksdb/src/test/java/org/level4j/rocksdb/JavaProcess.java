package org.level4j.rocksdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.level4j.child.ChildMain;
import org.level4j.child.ChildProcess;

/**
 * A real JVM running a test main class on the test classpath, for tests that need another
 * process. Its java.io.tmpdir is {@code scratch/tmp}, so anything it leaves there is removed with
 * the test's directory even when the process is SIGKILLed (and tests can look at what it left).
 * It dies with the test JVM, and no read of its output waits without a bound ({@link
 * ChildProcess}).
 */
final class JavaProcess implements AutoCloseable {
  private final ChildProcess child;
  final Process process;

  private JavaProcess(ChildProcess child) {
    this.child = child;
    this.process = child.process();
  }

  static JavaProcess start(Path scratch, Class<?> main, String... args) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command(scratch, List.of(), main, args))
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    return new JavaProcess(ChildProcess.start(pb));
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
    return new JavaProcess(ChildProcess.start(pb));
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

  /** The next line the process printed, or null if it ended; bounded by ChildProcess. */
  String readLine() throws InterruptedException {
    return child.readLine();
  }

  /** Everything the process prints from now until it ends, then its exit code. */
  int finish(StringBuilder output) throws InterruptedException {
    for (String line = readLine(); line != null; line = readLine()) {
      output.append(line).append('\n');
    }
    return child.waitFor();
  }

  /** SIGKILL, and wait until the process is gone. */
  void kill() throws InterruptedException {
    child.kill();
  }

  @Override
  public void close() throws InterruptedException {
    child.close();
  }
}
