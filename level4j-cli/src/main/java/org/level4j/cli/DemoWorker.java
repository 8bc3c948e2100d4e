package org.level4j.cli;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.level4j.rave.RaveLevel;

/**
 * One worker process of {@code level4j demo}: opens the directory with RaveLevel and, until its
 * stdin closes, writes {@code <name>:<n>} = {@link #value}(n) and reads back the previous key.
 * It reports on stdout, for the demo to parse:
 *
 * <pre>
 * ROLE leader|follower PID
 * LEADER MICROS           (became leader; wall-clock microseconds)
 * ACK N START END         (write N, started and acknowledged at these wall-clock micros)
 * BAD N                   (a read returned a wrong value)
 * STAGES T LOST WON OPENED LISTENING PUBLISHED RECONNECTED
 *                         (after a change of leader: T is true if this process took over, the
 *                         rest wall-clock micros of each stage, 0 if it had no part in it)
 * </pre>
 *
 * Lines are flushed every few milliseconds, not per write: a killed worker may not have printed
 * its last acknowledgements, so the demo checks a subset of what was written, never more.
 */
final class DemoWorker {
  private DemoWorker() {}

  static String value(String name, long n) {
    return "value of " + name + ":" + n + " " + Long.toHexString(n * 0x9E3779B97F4A7C15L);
  }

  static String key(String name, long n) {
    return name + ":" + String.format("%010d", n);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String name = args[1];
    PrintStream out = new PrintStream(new BufferedOutputStream(
        new FileOutputStream(FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);
    Thread flusher = new Thread(() -> {
      while (true) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
        synchronized (out) {
          out.flush();
        }
      }
    }, "flusher");
    flusher.setDaemon(true);
    flusher.start();
    Thread stdin = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // wait for EOF
        }
      } catch (IOException ignored) {
        // EOF
      }
    }, "stdin");
    stdin.setDaemon(true);
    stdin.start();

    try (RaveLevel db = RaveLevel.open(dir)) {
      // These two run during a failover, when the other workers are still waiting for the new
      // leader: built with a StringBuilder, as a string concatenation's call site is linked the
      // first time it runs, at some cost in processor time.
      db.onLeader(() -> say(out, new StringBuilder("LEADER ").append(micros()).toString()));
      db.onFailover(f -> say(out, new StringBuilder("STAGES ").append(f.tookOver())
          .append(' ').append(f.lostMicros()).append(' ').append(f.lockWonMicros())
          .append(' ').append(f.openedMicros()).append(' ').append(f.listeningMicros())
          .append(' ').append(f.publishedMicros()).append(' ').append(f.reconnectedMicros())
          .toString()));
      say(out, "ROLE " + (db.isLeader() ? "leader" : "follower") + " "
          + ProcessHandle.current().pid());
      for (long n = 0; stdin.isAlive(); n++) {
        long start = micros();
        db.put(key(name, n), value(name, n));
        say(out, "ACK " + n + " " + start + " " + micros());
        if (n > 0 && !value(name, n - 1).equals(db.get(key(name, n - 1)))) {
          say(out, "BAD " + (n - 1));
        }
      }
    }
    say(out, "CLOSED");
    synchronized (out) {
      out.flush();
    }
  }

  private static void say(PrintStream out, String line) {
    synchronized (out) {
      out.println(line);
    }
  }

  static long micros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
