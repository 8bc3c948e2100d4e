package org.level4j.rave;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.level4j.Entry;
import org.level4j.ErrorCode;
import org.level4j.Level;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.WriteOptions;
import org.level4j.conformance.BatchLedger;

/**
 * The process the multi-process tests start. Modes:
 *
 * <ul>
 *   <li>{@code hold DIR}: opens, prints {@code ROLE leader|follower}, holds until stdin closes.
 *   <li>{@code write DIR PREFIX}: puts {@code PREFIX<n>} = {@code v<n>} for n = 0, 1, ... and
 *       prints {@code ACK <n>} after each acknowledged put, until stdin closes.
 *   <li>{@code increment DIR KEY}: one conditional batch (expect KEY to hold 0, put 1), then
 *       prints {@code INCREMENTED <value of KEY>} or {@code CONFLICT}, and holds until stdin
 *       closes.
 *   <li>{@code batches DIR PREFIX ACKS}: writes the {@link BatchLedger} batches 0, 1, ... of
 *       PREFIX, appending each acknowledged batch's number to the file ACKS and printing {@code
 *       ACK <b>}, until killed.
 *   <li>{@code scan DIR forward|reverse PAUSE_AT}: iterates every key one at a time, printing
 *       {@code KEY <hex>}; after PAUSE_AT keys prints {@code PAUSED} and waits for a stdin line.
 *   <li>{@code cas DIR COUNTERS THREADS sync|default}: THREADS threads increment the keys
 *       {@code counter/0} .. {@code counter/<COUNTERS-1>} (each already holding a number) in
 *       turn, each increment a read and a conditional batch (expect the value read, put it plus
 *       one; with {@link WriteOptions#SYNC} or the default durability), re-read and retried on
 *       {@code LEVEL_CONFLICT}. Prints {@code ACK <c>} after each acknowledged increment of
 *       counter c. On a {@code stop} line or EOF the threads finish their current increment, then
 *       it prints {@code STOPPED acks=<n> conflicts=<n>} (every ACK line is out before it) and
 *       holds until EOF. Any other failure prints {@code ERROR <exception>}.
 *   <li>{@code feed DIR FROM [PREFIX]}: a change feed of the keys starting with PREFIX (all if
 *       none) from revision FROM (0: from now); prints {@code SUBSCRIBED}, then {@code CHANGE
 *       <revision> <key>,<key>...} for each change and {@code FEEDERROR <code>} if it ends. Stdin
 *       lines: {@code close} closes the feed ({@code FEEDCLOSED}); {@code finish} waits (45 s at
 *       most) until a change at or after the database's revision then was delivered, then prints
 *       {@code DONE <revision>}.
 *   <li>{@code leaders}: reads {@code lead DIR} / {@code drop DIR} lines and opens (as leader
 *       or follower: {@code OK <isLeader> DIR}) or closes each directory; {@code put DIR KEY
 *       VALUE} writes to one ({@code PUT OK KEY} or {@code PUT ERROR KEY <code>}).
 * </ul>
 *
 * Prints {@code LEADER} whenever it becomes leader, and {@code FAILOVER <tookOver> <lost>
 * <lockWon> <opened> <listening> <published> <reconnected>} (wall-clock microseconds, 0 for a
 * stage it had no part in) after each change of leader it lived through.
 */
public final class RaveWorker {
  private RaveWorker() {}

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    if (args[0].equals("leaders")) {
      leaders(in);
      return;
    }
    try (RaveLevel db = RaveLevel.open(Path.of(args[1]))) {
      db.onLeader(() -> say("LEADER"));
      db.onFailover(f -> say("FAILOVER " + f.tookOver() + " " + f.lostMicros() + " "
          + f.lockWonMicros() + " " + f.openedMicros() + " " + f.listeningMicros() + " "
          + f.publishedMicros() + " " + f.reconnectedMicros()));
      say("ROLE " + (db.isLeader() ? "leader" : "follower") + " " + ProcessHandle.current().pid());
      switch (args[0]) {
        case "hold":
          say("READY");
          while (in.readLine() != null) {
            // hold until stdin closes
          }
          break;
        case "write":
          write(db, args[2], in);
          break;
        case "increment":
          increment(db, args[2]);
          while (in.readLine() != null) {
            // hold until stdin closes
          }
          break;
        case "batches":
          batches(db, args[2], Path.of(args[3]));
          break;
        case "scan":
          scan(db, args[2].equals("reverse"), Integer.parseInt(args[3]), in);
          break;
        case "feed":
          feed(db, Long.parseLong(args[2]), args.length > 3 ? args[3] : null, in);
          break;
        case "cas":
          cas(db, Integer.parseInt(args[2]), Integer.parseInt(args[3]),
              args[4].equals("sync") ? WriteOptions.SYNC : WriteOptions.DEFAULT, in);
          break;
        default:
          throw new IllegalArgumentException(args[0]);
      }
    }
    say("CLOSED");
  }

  private static void write(RaveLevel db, String prefix, BufferedReader in) throws Exception {
    Thread stdinWatch = new Thread(() -> {
      try {
        while (in.readLine() != null) {
          // wait for EOF
        }
      } catch (java.io.IOException ignored) {
        // treat as EOF
      }
    });
    stdinWatch.setDaemon(true);
    stdinWatch.start();
    for (long n = 0; stdinWatch.isAlive(); n++) {
      db.put(prefix + n, "v" + n);
      say("ACK " + n);
    }
  }

  private static void feed(RaveLevel db, long from, String prefix, BufferedReader in)
      throws Exception {
    AtomicLong last = new AtomicLong(-1);
    Range<byte[]> range = prefix == null ? Range.all()
        : Range.<byte[]>all().gte(prefix.getBytes(StandardCharsets.UTF_8))
            .lt((prefix + "\uffff").getBytes(StandardCharsets.UTF_8));
    org.level4j.ChangeFeed feed = db.changes(range, from, new org.level4j.ChangeListener() {
      @Override
      public void onChange(org.level4j.Change c) {
        StringBuilder keys = new StringBuilder();
        for (Op<byte[], byte[]> op : c.ops()) {
          keys.append(keys.length() == 0 ? "" : ",")
              .append(new String(op.key(), StandardCharsets.UTF_8));
        }
        say("CHANGE " + c.revision() + " " + keys);
        synchronized (last) {
          last.set(c.revision());
          last.notifyAll();
        }
      }

      @Override
      public void onError(LevelException e) {
        say("FEEDERROR " + e.code() + " " + e.getMessage());
      }
    });
    say("SUBSCRIBED");
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.equals("close")) {
        feed.close();
        say("FEEDCLOSED");
      } else if (line.equals("finish")) {
        long r = db.revision();
        // Within the test's wait for DONE (ChildProcess.READ_SECONDS): the last writers gone,
        // this process may be taking over and resuming its feed on a loaded machine.
        long deadline = System.currentTimeMillis() + 45_000;
        synchronized (last) {
          while (last.get() < r && System.currentTimeMillis() < deadline) {
            last.wait(100);
          }
        }
        say("DONE " + r);
      }
    }
    feed.close();
  }

  private static void increment(RaveLevel db, String key) throws Exception {
    try {
      db.batch(List.of(Op.expect(key, "0"), Op.put(key, "1")));
      say("INCREMENTED " + db.get(key));
    } catch (LevelException e) {
      if (e.code() != ErrorCode.LEVEL_CONFLICT) {
        throw e;
      }
      say("CONFLICT");
    }
  }

  private static void batches(RaveLevel db, String prefix, Path acks) throws Exception {
    try (java.io.FileOutputStream out = new java.io.FileOutputStream(acks.toFile(), true)) {
      for (long b = 0; ; b++) {
        db.batch(BatchLedger.batch(prefix, b));
        out.write((b + "\n").getBytes(StandardCharsets.US_ASCII)); // one write: survives SIGKILL
        say("ACK " + b);
      }
    }
  }

  private static void cas(RaveLevel db, int counters, int threads, WriteOptions write,
      BufferedReader in) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong acks = new AtomicLong();
    AtomicLong conflicts = new AtomicLong();
    List<Thread> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t;
      Thread th = new Thread(() -> {
        try {
          for (int c = first % counters; !stop.get(); c = (c + 1) % counters) {
            String key = "counter/" + c;
            while (!stop.get()) {
              String seen = db.get(key);
              String next = Long.toString(Long.parseLong(seen) + 1);
              try {
                db.batch(List.of(Op.expect(key, seen), Op.put(key, next)), write);
              } catch (LevelException e) {
                if (e.code() != ErrorCode.LEVEL_CONFLICT) {
                  throw e;
                }
                conflicts.incrementAndGet();
                continue; // nothing was written: read again
              }
              acks.incrementAndGet();
              say("ACK " + c);
              break;
            }
          }
        } catch (RuntimeException | Error e) {
          say("ERROR " + e);
        }
      }, "cas-" + t);
      running.add(th);
      th.start();
    }
    String line = in.readLine();
    while (line != null && !line.equals("stop")) {
      line = in.readLine();
    }
    stop.set(true);
    for (Thread th : running) {
      th.join();
    }
    say("STOPPED acks=" + acks.get() + " conflicts=" + conflicts.get());
    while (line != null) {
      line = in.readLine();
    }
  }

  private static void scan(RaveLevel db, boolean reverse, int pauseAt, BufferedReader in)
      throws Exception {
    Level<byte[], byte[]> bytes = db.bytes();
    int n = 0;
    try (LevelIterator<byte[], Entry<byte[], byte[]>> it =
        bytes.iterator(Range.<byte[]>all().reverse(reverse))) {
      for (Entry<byte[], byte[]> e = it.next(); e != null; e = it.next()) {
        say("KEY " + HexFormat.of().formatHex(e.key()));
        if (++n == pauseAt) {
          say("PAUSED");
          in.readLine();
        }
      }
    }
    say("DONE " + n);
  }

  private static void leaders(BufferedReader in) throws Exception {
    Map<String, RaveLevel> open = new HashMap<>();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] w = line.split(" ", 2);
      if (w[0].equals("lead")) {
        RaveLevel db = RaveLevel.open(Path.of(w[1]));
        open.put(w[1], db);
        say("OK " + db.isLeader() + " " + w[1]);
      } else if (w[0].equals("put")) {
        String[] kv = w[1].split(" ");
        try {
          open.get(kv[0]).put(kv[1], kv[2]);
          say("PUT OK " + kv[1]);
        } catch (LevelException e) {
          say("PUT ERROR " + kv[1] + " " + e.code());
        }
      } else if (w[0].equals("drop")) {
        RaveLevel db = open.remove(w[1]);
        if (db != null) {
          db.close();
        }
        say("DROPPED " + w[1]);
      }
    }
    for (RaveLevel db : List.copyOf(open.values())) {
      db.close();
    }
  }

  private static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
