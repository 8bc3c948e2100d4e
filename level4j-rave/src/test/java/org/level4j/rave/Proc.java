package org.level4j.rave;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.level4j.child.ChildMain;

/**
 * A real JVM running one of this module's test mains, with its stdout lines collected so a test
 * can wait for them. Killed with SIGKILL by {@link #kill()}, as a crash would; dies with the test
 * JVM ({@link ChildMain}).
 */
final class Proc implements AutoCloseable {
  private final Process process;
  private final Writer stdin;
  private final List<String> lines = new ArrayList<>();
  private final StringBuilder stderr = new StringBuilder();
  private final String name;

  private Proc(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread out = new Thread(() -> pump(new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), false));
    Thread err = new Thread(() -> pump(new BufferedReader(
        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), true));
    out.setDaemon(true);
    err.setDaemon(true);
    out.start();
    err.start();
  }

  /** Starts {@code java -cp <this JVM's classpath> <main> args...}. */
  static Proc java(Class<?> main, String... args) throws IOException {
    return java(List.of(), main, args);
  }

  /** {@link #java(Class, String...)} with extra JVM options ({@code -Dname=value}...). */
  static Proc java(List<String> jvmOptions, Class<?> main, String... args) throws IOException {
    List<String> options = new ArrayList<>(jvmOptions);
    options.add("-Xmx256m");
    options.add("-XX:+UseSerialGC");
    options.add("-XX:TieredStopAtLevel=1");
    List<String> cmd = ChildMain.command(options, main, List.of(args));
    return new Proc(main.getSimpleName() + " " + String.join(" ", args),
        new ProcessBuilder(cmd).start());
  }

  /** Starts {@code node SCRIPT args...} in the interop folder (its Node peers installed). */
  static Proc node(String script, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("node", script));
    cmd.addAll(List.of(args));
    return new Proc("node " + script + " " + String.join(" ", args), new ProcessBuilder(cmd)
        .directory(org.level4j.interop.NodePeers.folder().toFile()).start());
  }

  private void pump(BufferedReader r, boolean isErr) {
    try {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
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
      // process gone
    }
  }

  /** Waits for a stdout line matching {@code p}; fails with the process's stderr if none comes. */
  String await(Predicate<String> p, long timeoutMillis) throws InterruptedException {
    return awaitAfter(0, p, timeoutMillis);
  }

  /** How many stdout lines came so far: {@link #awaitAfter} waits for a later one. */
  synchronized int mark() {
    return lines.size();
  }

  /** {@link #await(Predicate, long)} for a line printed after the first {@code mark} lines. */
  synchronized String awaitAfter(int mark, Predicate<String> p, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    int seen = mark;
    while (true) {
      for (; seen < lines.size(); seen++) {
        if (p.test(lines.get(seen))) {
          return lines.get(seen);
        }
      }
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        throw new AssertionError("timed out waiting for a line from " + name + "; stdout tail: "
            + lines.subList(Math.max(0, lines.size() - 5), lines.size()) + "; stderr: " + stderr);
      }
      if (!process.isAlive() && seen >= lines.size()) {
        wait(Math.min(left, 200)); // let the pump finish, then fail on the next round
        if (seen >= lines.size()) {
          throw new AssertionError(name + " exited (" + process.exitValue()
              + ") before the expected line; stdout tail: "
              + lines.subList(Math.max(0, lines.size() - 5), lines.size()) + "; stderr: " + stderr);
        }
      } else {
        wait(left);
      }
    }
  }

  /** Waits until the process's stderr contains {@code text}; fails if it does not in time. */
  synchronized void awaitStderr(String text, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (stderr.indexOf(text) < 0) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0 || !process.isAlive() && stderr.indexOf(text) < 0 && left < timeoutMillis / 2) {
        throw new AssertionError("timed out waiting for \"" + text + "\" on the stderr of "
            + name + "; stderr: " + stderr);
      }
      wait(Math.min(left, 1000));
    }
  }

  /**
   * Takes thread dumps of the process until one satisfies {@code test}, and returns it: what the
   * process's threads are doing is the signal, not the time that passed. Fails after {@code
   * timeoutMillis}.
   */
  String awaitThreads(Predicate<String> test, long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    String dump = threads();
    while (!test.test(dump)) {
      if (System.currentTimeMillis() > deadline || !process.isAlive()) {
        throw new AssertionError("no thread dump of " + name + " showed what was awaited; "
            + "the last:\n" + dump + "\nstderr: " + stderr());
      }
      dump = threads();
    }
    return dump;
  }

  String await(String prefix) throws InterruptedException {
    return await(l -> l.startsWith(prefix), 60_000);
  }

  synchronized List<String> lines() {
    return new ArrayList<>(lines);
  }

  synchronized String stderr() {
    return stderr.toString();
  }

  /** The highest n of the {@code ACK n} lines printed so far, or -1 if none. */
  long lastAck() {
    long last = -1;
    for (String l : lines()) {
      if (l.startsWith("ACK ")) {
        last = Math.max(last, ack(l));
      }
    }
    return last;
  }

  /** The n of an {@code ACK n} line. */
  static long ack(String line) {
    return Long.parseLong(line.substring(4).trim());
  }

  long pid() {
    return process.pid();
  }

  void send(String line) throws IOException {
    stdin.write(line + "\n");
    stdin.flush();
  }

  /** SIGSTOP: the process runs no more code until {@link #resume()}. */
  void pause() throws IOException, InterruptedException {
    signal("STOP");
    // kill returns once the signal is sent; the process is stopped when the kernel says so.
    Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
    while (true) {
      String s = java.nio.file.Files.readString(stat);
      char state = s.charAt(s.lastIndexOf(')') + 2);
      if (state == 'T' || state == 't') {
        return;
      }
      Thread.sleep(1);
    }
  }

  /** SIGCONT, after {@link #pause()}. */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
        .redirectErrorStream(true).start();
    String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -" + name + " " + process.pid() + " failed: " + out);
    }
  }

  /** SIGKILL, as a crash: no shutdown hook, no close. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    forgetAttachFile();
  }

  /** Closes stdin (the workers' signal to close cleanly) and waits for exit. */
  int finish() throws InterruptedException, IOException {
    try {
      stdin.close();
    } catch (IOException ignored) {
      // already gone
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(name + " did not exit; stderr: " + stderr);
    }
    return process.exitValue();
  }

  /** The process's thread dump (jcmd Thread.print), for a failure's report. */
  String threads() {
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

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroyForcibly();
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
        java.nio.file.Files.deleteIfExists(Path.of(System.getProperty("java.io.tmpdir"),
            ".java_pid" + process.pid()));
      } catch (IOException ignored) {
        // not ours, or already gone
      }
    }
  }
}
