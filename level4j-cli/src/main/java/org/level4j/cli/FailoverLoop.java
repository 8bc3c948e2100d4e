package org.level4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import org.level4j.rave.Failover;
import org.level4j.rave.RaveLevel;

/**
 * A follower process of {@code bench --failover}: sequential puts of its own keys, as fast as they
 * are acknowledged, until told to stop, recording when each put started and was acknowledged.
 * Then it reads every acknowledged key back and reports, as one {@code RESULT {json}} line, what
 * the failover cost it (the same measures as the Node anchor's failover worker):
 *
 * <ul>
 *   <li>{@code outageMs}: the longest gap between two acknowledgements around the kill (from the
 *       last one before it to that of the first put started after this process was connected to
 *       the new leader);
 *   <li>{@code resumeMs}: from the kill to the acknowledgement of the first put started after it;
 *   <li>the stages this process saw ({@link Failover}), in ms after the kill.
 * </ul>
 *
 * <p>Lines read on stdin: {@code KILLED MICROS} (the leader was killed then) and {@code STOP}.
 * Lines written: {@code READY}, {@code RUNNING} (first acknowledgement), {@code RECOVERED
 * MICROS} (a put started after the kill and after this process reconnected was acknowledged,
 * MICROS after the kill) and {@code RESULT {json}}.
 */
final class FailoverLoop {
  private final RaveLevel db;
  private final String prefix;
  private final boolean startedAsLeader;
  private final PrintStream out;
  private final BufferedReader in;
  private volatile long killMicros;
  private volatile boolean stop;
  private volatile Failover failover;
  private long[] starts = new long[1 << 16];
  private long[] acks = new long[1 << 16];

  FailoverLoop(RaveLevel db, String prefix, boolean startedAsLeader, PrintStream out,
      BufferedReader in) {
    this.db = db;
    this.prefix = prefix;
    this.startedAsLeader = startedAsLeader;
    this.out = out;
    this.in = in;
  }

  void run() {
    db.onFailover(f -> failover = f);
    Thread commands = new Thread(this::readCommands, "commands");
    commands.setDaemon(true);
    commands.start();
    int acked = 0;
    boolean recovered = false;
    while (!stop) {
      long start = BenchWorker.micros();
      db.put(Workload.key(prefix, acked), Workload.value(acked));
      long ack = BenchWorker.micros();
      if (acked == starts.length) {
        starts = Arrays.copyOf(starts, acked * 2);
        acks = Arrays.copyOf(acks, acked * 2);
      }
      starts[acked] = start;
      acks[acked] = ack;
      acked++;
      if (acked == 1) {
        out.println("RUNNING");
      }
      long kill = killMicros;
      Failover f = failover;
      // Recovered once a put started after the kill and after this process was connected to the
      // new leader is acknowledged (the dying leader may still answer one just after the kill).
      if (!recovered && kill != 0 && f != null && start > Math.max(kill, f.reconnectedMicros())) {
        recovered = true;
        // Neither a Formatter nor a string concatenation: this runs while the other followers
        // still wait for the new leader, and in a JVM that has not used them yet, the first
        // "%.3f" loads the locale providers (14 to 19 ms of CPU, measured alone) and a new
        // concatenation links its call site (docs/benchmarks.md, session 8).
        out.println(new StringBuilder("RECOVERED ").append(ack - kill).toString());
      }
    }
    long lost = 0;
    for (int i = 0; i < acked; i++) {
      if (!Workload.value(i).equals(db.get(Workload.key(prefix, i)))) {
        lost++;
      }
    }
    out.println("RESULT " + result(acked, lost));
  }

  private String result(int acked, long lost) {
    long kill = killMicros;
    StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
        "{\"prefix\":\"%s\",\"acked\":%d,\"lost\":%d,\"startedAsLeader\":%b", prefix, acked,
        lost, startedAsLeader));
    Failover f = failover;
    json.append(",\"tookOver\":").append(f != null && f.tookOver());
    if (kill != 0) {
      // From the last acknowledgement before the kill to that of the first put started after
      // both the kill and this process's reconnection to the new leader: the old leader may
      // still answer a put or two in the moment between the signal and its death.
      long back = Math.max(kill, f != null ? f.reconnectedMicros() : 0);
      int before = 0;
      while (before + 1 < acked && acks[before + 1] <= kill) {
        before++;
      }
      int issued = 0; // the first put started after the kill
      while (issued < acked && starts[issued] <= kill) {
        issued++;
      }
      int resumed = issued; // the first put started after the kill and the reconnection
      while (resumed < acked && starts[resumed] <= back) {
        resumed++;
      }
      if (resumed < acked) {
        long outage = 0;
        for (int j = before + 1; j <= resumed; j++) {
          outage = Math.max(outage, acks[j] - acks[j - 1]);
        }
        json.append(ms("outageMs", outage)).append(ms("resumeMs", acks[issued] - kill));
      }
      if (f != null) {
        json.append(stage("lostMs", f.lostMicros(), kill))
            .append(stage("lockWonMs", f.lockWonMicros(), kill))
            .append(stage("rocksdbOpenMs", f.openedMicros(), kill))
            .append(stage("listeningMs", f.listeningMicros(), kill))
            .append(stage("publishedMs", f.publishedMicros(), kill))
            .append(stage("reconnectedMs", f.reconnectedMicros(), kill));
      }
    }
    return json.append('}').toString();
  }

  private static String ms(String name, long micros) {
    return String.format(Locale.ROOT, ",\"%s\":%.3f", name, micros / 1000.0);
  }

  private static String stage(String name, long micros, long kill) {
    return micros == 0 ? "" : ms(name, micros - kill);
  }

  private void readCommands() {
    try {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("KILLED ")) {
          killMicros = Long.parseLong(line.substring(7).trim());
        } else if (line.equals("STOP")) {
          break;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the bench is gone, or spoke nonsense: stop either way
    }
    stop = true;
  }
}
