package org.level4j.child;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A process a test started, whose output lines a test reads with a bound: a child that hangs
 * fails the test after {@link #READ_SECONDS} instead of hanging the build. A daemon thread reads
 * the output as it comes, so a child never blocks on a full pipe either.
 */
public final class ChildProcess implements AutoCloseable {
  public static final long READ_SECONDS = 60;
  private static final String END = new String("end of output");

  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private boolean ended;

  private ChildProcess(Process process) {
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
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

  /** Starts {@code pb}; build Java commands with {@link ChildMain#command}. */
  public static ChildProcess start(ProcessBuilder pb) throws IOException {
    return new ChildProcess(pb.start());
  }

  /** A JVM running {@code main} that dies with this one; its standard error is this JVM's. */
  public static ChildProcess java(List<String> jvmOptions, Class<?> main, String... args)
      throws IOException {
    return start(new ProcessBuilder(ChildMain.command(jvmOptions, main, List.of(args)))
        .redirectError(ProcessBuilder.Redirect.INHERIT));
  }

  public Process process() {
    return process;
  }

  /**
   * The next line the process printed, or null if it ended. Fails (and kills the process) if no
   * line comes within {@link #READ_SECONDS}.
   */
  public String readLine() throws InterruptedException {
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

  /** Writes a line to the process's standard input. */
  public void send(String line) throws IOException {
    stdin.write(line + "\n");
    stdin.flush();
  }

  /** Closes the process's standard input. */
  public void closeInput() throws IOException {
    stdin.close();
  }

  /** Waits at most {@link #READ_SECONDS} for the process to end; fails if it does not. */
  public int waitFor() throws InterruptedException {
    if (!process.waitFor(READ_SECONDS, TimeUnit.SECONDS)) {
      kill();
      throw new AssertionError("process " + process.pid() + " did not exit; killed it");
    }
    return process.exitValue();
  }

  /** SIGKILL, and wait until the process is gone. */
  public void kill() throws InterruptedException {
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
