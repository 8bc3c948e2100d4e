package org.level4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.level4j.rave.RaveLevel;

/**
 * A process started by {@code bench --followers}, in one of two modes. It stops when its stdin
 * closes, so it never outlives the bench that started it.
 *
 * <pre>
 * hold DIR             opens DIR with RaveLevel and keeps it open
 * put DIR PREFIX N     opens DIR, then on "GO" does N sequential puts of PREFIX keys
 * loop DIR PREFIX      opens DIR, does sequential puts of PREFIX keys until "STOP" (bench
 *                      --failover); "KILLED MICROS" tells it when the leader was killed
 * </pre>
 *
 * It reports on stdout, one line each: {@code ROLE leader|follower PID}, {@code READY} once a
 * first read went through, and (put) {@code RESULT {json}} with wall-clock start and end in
 * microseconds, which all processes of one machine share.
 */
final class BenchWorker {
  private BenchWorker() {}

  public static void main(String[] args) throws IOException {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Path dir = Path.of(args[1]);
    try (RaveLevel db = RaveLevel.open(dir)) {
      boolean leader = db.isLeader();
      boolean[] promoted = new boolean[1];
      db.onLeader(() -> promoted[0] = !leader);
      out.println("ROLE " + (leader ? "leader" : "follower") + " " + ProcessHandle.current().pid());
      db.get("__probe__"); // a first round trip, as the Node workers do
      out.println("READY");
      if (args[0].equals("loop")) {
        new FailoverLoop(db, args[2], leader, out, in).run();
        return;
      }
      if (args[0].equals("hold")) {
        while (in.readLine() != null) {
          // held until stdin closes
        }
        return;
      }
      String prefix = args[2];
      int n = Integer.parseInt(args[3]);
      String line;
      while ((line = in.readLine()) != null && !line.equals("GO")) {
        // waiting for the start signal
      }
      if (line == null) {
        return;
      }
      long start = micros();
      for (int i = 0; i < n; i++) {
        db.put(Workload.key(prefix, i), Workload.value(i));
      }
      long end = micros();
      out.println(String.format(Locale.ROOT, "RESULT {\"prefix\":\"%s\",\"n\":%d,\"startMicros\":%d,"
          + "\"endMicros\":%d,\"becameLeader\":%b}", prefix, n, start, end, promoted[0]));
    }
  }

  /** Wall-clock microseconds since the epoch. */
  static long micros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
