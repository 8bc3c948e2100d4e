package org.level4j.child;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.level4j.interop.NodePeers;

/**
 * The one launcher of the tests' child processes: JVMs running a test's main class, Node peers,
 * and any other command. Every wait on a child is bounded, so a child that hangs fails the test
 * instead of hanging the build; daemon threads read its output as it comes, so a child never
 * blocks on a full pipe either.
 *
 * <p>What a child prints on standard output is kept, line by line: {@link #readLine()} reads it in
 * order, {@link #await} looks for a line among all of them. What it prints on standard error (if
 * the command's standard error is a pipe, as for {@link #java} and {@link #node}) is kept for
 * failure messages and {@link #awaitStderr}, and copied to this JVM's standard error, prefixed
 * with the child's pid.
 *
 * <p>A JVM started here runs {@link ChildMain}, so it dies with the test JVM however that ends.
 * Threads: a test drives a child from one thread at a time; the reading threads and the waiting
 * test meet on this object's monitor.
 */
public final class ChildProcess implements AutoCloseable {
  /** The longest {@link #readLine()} and {@link #waitFor()} wait, in seconds. */
  public static final long READ_SECONDS = 60;
  /**
   * The JVM options every child JVM starts with, before the test's own: the serial collector and
   * the client compiler, small and quick to start on a shared machine of two cores.
   */
  public static final List<String> JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
  /** The heap of a child JVM started by {@link #java(Class, String...)}. */
  public static final String HEAP = "-Xmx256m";

  private final Process process;
  private final String name;
  private final Writer stdin;
  private final List<String> lines = new ArrayList<>();
  private final StringBuilder stderr = new StringBuilder();
  private boolean outputEnded;
  private int read;

  private ChildProcess(Process process, String name, boolean outPiped, boolean errPiped) {
    this.process = process;
    this.name = name + " (pid " + process.pid() + ")";
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    if (outPiped) {
      pump(process.getInputStream(), false, "stdout of " + process.pid());
    } else {
      outputEnded = true;
    }
    if (errPiped) {
      pump(process.getErrorStream(), true, "stderr of " + process.pid());
    }
  }

  /**
   * {@code java <JVM> <jvmOptions> -cp <this JVM's class path> ChildMain <this pid> <main>
   * <args>}: a JVM running {@code main} that dies with this one. For a test that sets the
   * environment or redirections itself; {@link #start} it, or {@link #run} it to its end.
   */
  public static ProcessBuilder command(List<String> jvmOptions, Class<?> main, String... args) {
    List<String> options = new ArrayList<>(JVM);
    options.addAll(jvmOptions);
    return new ProcessBuilder(ChildMain.command(options, main, List.of(args)));
  }

  /**
   * The JVM option that gives a child JVM {@code scratch/tmp} (created here) as its {@code
   * java.io.tmpdir}, so that anything it leaves there, even when SIGKILLed, goes with the test's
   * directory, and a test can look at what it left.
   */
  public static String tmpdirIn(Path scratch) throws IOException {
    return "-Djava.io.tmpdir=" + Files.createDirectories(scratch.resolve("tmp"));
  }

  /**
   * Whether this JVM runs as root, which a test needs to make files of another user or to start
   * a process as one (setpriv); such tests are skipped elsewhere.
   */
  public static boolean isRoot() throws IOException {
    Path probe = Files.createTempFile("level4j-root", ".probe");
    try {
      return (Integer) Files.getAttribute(probe, "unix:uid") == 0;
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  /** A JVM running {@code main} with {@link #HEAP} and the {@link #JVM} options. */
  public static ChildProcess java(Class<?> main, String... args) throws IOException {
    return java(List.of(HEAP), main, args);
  }

  /** A JVM running {@code main}, with {@code jvmOptions} after the {@link #JVM} options. */
  public static ChildProcess java(List<String> jvmOptions, Class<?> main, String... args)
      throws IOException {
    return start(command(jvmOptions, main, args),
        main.getSimpleName() + (args.length == 0 ? "" : " " + String.join(" ", args)));
  }

  /** {@code node SCRIPT args...} in the interop folder, its peers installed ({@link NodePeers}). */
  public static ChildProcess node(String script, String... args)
      throws IOException, InterruptedException {
    return start(NodePeers.command(script, args),
        "node " + script + (args.length == 0 ? "" : " " + String.join(" ", args)));
  }

  /** Starts {@code pb}, which may be any command. */
  public static ChildProcess start(ProcessBuilder pb) throws IOException {
    return start(pb, String.join(" ", pb.command()));
  }

  private static ChildProcess start(ProcessBuilder pb, String name) throws IOException {
    boolean outPiped = pb.redirectOutput() == ProcessBuilder.Redirect.PIPE;
    boolean errPiped = pb.redirectError() == ProcessBuilder.Redirect.PIPE
        && !pb.redirectErrorStream();
    return new ChildProcess(pb.start(), name, outPiped, errPiped);
  }

  /** How a command that ran to its end ended: its exit code and everything it printed. */
  public record Result(int code, String out, String err) {}

  /**
   * Runs {@code pb} to its end with {@code stdin} as its input. Its output goes through files in
   * {@code scratch}, so that a process that hangs cannot hang the read of its output, and what it
   * printed comes back byte for byte; fails if it has not ended after {@link #READ_SECONDS}.
   */
  public static Result run(ProcessBuilder pb, String stdin, Path scratch)
      throws IOException, InterruptedException {
    return run(pb, stdin, scratch, READ_SECONDS);
  }

  /** {@link #run(ProcessBuilder, String, Path)}, failing after {@code timeoutSeconds}. */
  public static Result run(ProcessBuilder pb, String stdin, Path scratch, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(scratch, "out", ".txt");
    Path err = Files.createTempFile(scratch, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", pb.command()) + " did not finish in "
          + timeoutSeconds + " s");
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private void pump(InputStream stream, boolean isErr, String threadName) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          if (isErr) {
            System.err.println("[" + process.pid() + "] " + line);
          }
          synchronized (this) {
            if (isErr) {
              stderr.append(line).append('\n');
            } else {
              lines.add(line);
            }
            notifyAll();
          }
        }
      } catch (IOException e) {
        // the process is gone; what it printed before is kept
      } finally {
        if (!isErr) {
          synchronized (this) {
            outputEnded = true;
            notifyAll();
          }
        }
      }
    }, threadName);
    t.setDaemon(true);
    t.start();
  }

  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * The next line the process printed, or null if its output ended. Fails (and kills the process)
   * if no line comes within {@link #READ_SECONDS}.
   */
  public synchronized String readLine() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READ_SECONDS);
    while (read >= lines.size() && !outputEnded) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        kill();
        throw new AssertionError(name + " printed nothing for " + READ_SECONDS
            + " s; killed it; stderr: " + stderr);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return read < lines.size() ? lines.get(read++) : null;
  }

  /** Waits for a line starting with {@code prefix}, for at most {@link #READ_SECONDS}. */
  public String await(String prefix) throws InterruptedException {
    return await(l -> l.startsWith(prefix), TimeUnit.SECONDS.toMillis(READ_SECONDS));
  }

  /**
   * Waits for a stdout line matching {@code p}, among all the process printed; fails with the
   * process's last lines and stderr if none comes within {@code timeoutMillis}, or the process
   * ends without printing one.
   */
  public String await(Predicate<String> p, long timeoutMillis) throws InterruptedException {
    return awaitAfter(0, p, timeoutMillis);
  }

  /** How many stdout lines came so far: {@link #awaitAfter} waits for a later one. */
  public synchronized int mark() {
    return lines.size();
  }

  /** {@link #await(Predicate, long)} for a line printed after the first {@code mark} lines. */
  public synchronized String awaitAfter(int mark, Predicate<String> p, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    for (int seen = mark; ; ) {
      for (; seen < lines.size(); seen++) {
        if (p.test(lines.get(seen))) {
          return lines.get(seen);
        }
      }
      if (outputEnded) {
        throw new AssertionError(name + " ended its output (exit " + exitIfEnded()
            + ") before the expected line; " + tails());
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out waiting for a line from " + name + "; " + tails());
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Waits until the process's stderr contains {@code text}; fails if it does not in time. */
  public synchronized void awaitStderr(String text, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (stderr.indexOf(text) < 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out waiting for \"" + text + "\" on the stderr of "
            + name + "; stderr: " + stderr);
      }
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
    }
  }

  /**
   * Takes thread dumps of the process until one satisfies {@code test}, and returns it: what the
   * process's threads are doing is the signal, not the time that passed. Each dump is a {@code
   * jcmd} run, so this does not spin. Fails after {@code timeoutMillis}, or if the process ends.
   */
  public String awaitThreads(Predicate<String> test, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    String dump = threads();
    while (!test.test(dump)) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new AssertionError("no thread dump of " + name + " showed what was awaited; "
            + "the last:\n" + dump + "\nstderr: " + stderr());
      }
      dump = threads();
    }
    return dump;
  }

  /** All the stdout lines so far. */
  public synchronized List<String> lines() {
    return new ArrayList<>(lines);
  }

  /** All of stderr so far. */
  public synchronized String stderr() {
    return stderr.toString();
  }

  private String tails() {
    return "stdout tail: " + lines.subList(Math.max(0, lines.size() - 5), lines.size())
        + "; stderr: " + stderr;
  }

  private String exitIfEnded() {
    return process.isAlive() ? "not yet" : Integer.toString(process.exitValue());
  }

  /** Writes a line to the process's standard input. */
  public void send(String line) throws IOException {
    stdin.write(line + "\n");
    stdin.flush();
  }

  /** Closes the process's standard input (already closed: nothing happens). */
  public void closeInput() {
    try {
      stdin.close();
    } catch (IOException ignored) {
      // the process is gone
    }
  }

  /** Waits at most {@link #READ_SECONDS} for the process to end; fails (and kills it) if not. */
  public int waitFor() throws InterruptedException {
    if (!process.waitFor(READ_SECONDS, TimeUnit.SECONDS)) {
      kill();
      throw new AssertionError(name + " did not exit; killed it; stderr: " + stderr());
    }
    return process.exitValue();
  }

  /** Closes standard input (the workers' signal to close cleanly), then {@link #waitFor()}. */
  public int finish() throws InterruptedException {
    closeInput();
    return waitFor();
  }

  /** Reads what the process prints until its output ends into {@code output}; its exit code. */
  public int finish(StringBuilder output) throws InterruptedException {
    for (String line = readLine(); line != null; line = readLine()) {
      output.append(line).append('\n');
    }
    return waitFor();
  }

  /** SIGSTOP: the process runs no more code until {@link #resume()}. */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
    // kill returns once the signal is sent; the process is stopped when the kernel says so.
    Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      String s = Files.readString(stat);
      char state = s.charAt(s.lastIndexOf(')') + 2);
      if (state == 'T' || state == 't') {
        return;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError(name + " did not stop after SIGSTOP (state " + state + ")");
      }
      Thread.sleep(1);
    }
  }

  /** SIGCONT, after {@link #pause()}. */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
        .redirectErrorStream(true).start();
    String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -" + signal + " " + process.pid() + " failed: " + out);
    }
  }

  /** After {@link #kill()}: waits (30 s at most) until every line the process printed is read. */
  public synchronized void drain() throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!outputEnded) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** SIGKILL, as a crash would (no shutdown hook, no close), and wait until the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    forgetAttachFile();
  }

  /** The process's thread dump ({@code jcmd Thread.print}). */
  public String threads() {
    try {
      Process jcmd = new ProcessBuilder(
          Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(process.pid()), "Thread.print").redirectErrorStream(true).start();
      String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jcmd.waitFor(30, TimeUnit.SECONDS);
      return dump;
    } catch (IOException e) {
      return "no thread dump: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "no thread dump: interrupted";
    }
  }

  /** Kills the process if it still runs. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    forgetAttachFile();
  }

  /**
   * Removes the attach socket a JVM makes in the temporary directory when {@link #threads} asks it
   * for a dump: the JVM removes it when it exits normally, not when it is killed.
   */
  private void forgetAttachFile() {
    if (!process.isAlive()) {
      try {
        Files.deleteIfExists(Path.of(System.getProperty("java.io.tmpdir"),
            ".java_pid" + process.pid()));
      } catch (IOException ignored) {
        // not ours, or already gone
      }
    }
  }
}
