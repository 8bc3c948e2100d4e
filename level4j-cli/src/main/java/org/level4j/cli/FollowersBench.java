package org.level4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.Range;
import org.level4j.rave.RaveLevel;

/**
 * {@code bench --followers K}: the anchor's many-followers test. One process holds the directory
 * (the leader, idle), K follower processes connect to it, and once all are ready they start
 * together, each doing N sequential puts of its own keys. The total rate is K×N divided by the
 * time from the first start to the last finish; afterwards every key is counted.
 */
final class FollowersBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What one run found. */
  record Outcome(int followers, int n, long total, double wallMs, double startSpreadMs,
      List<Long> perProcess, long keysStored, boolean anyBecameLeader) {
    String json() {
      StringBuilder per = new StringBuilder();
      for (long p : perProcess) {
        per.append(per.length() == 0 ? "" : ",").append(p);
      }
      return String.format(Locale.ROOT, "{\"phase\":\"put_seq\",\"followers\":%d,\"n\":%d,"
          + "\"ops\":%d,\"ms\":%.2f,\"opsPerSec\":%d,\"startSpreadMs\":%.2f,\"perProcess\":[%s],"
          + "\"keysStored\":%d}", followers, n, (long) followers * n, wallMs, total, startSpreadMs,
          per, keysStored);
    }
  }

  private final Path dir;
  private final int followers;
  private final int n;
  private final List<WorkerProcess> children = new ArrayList<>();

  FollowersBench(Path dir, int followers, int n) {
    this.dir = dir;
    this.followers = followers;
    this.n = n;
  }

  Outcome run() throws IOException, InterruptedException {
    try {
      WorkerProcess leader = start("hold", dir.toString());
      String role = leader.await("ROLE ", 60);
      if (!role.startsWith("ROLE leader")) {
        throw new LevelException(ErrorCode.LEVEL_LOCKED, dir + " is already led by another "
            + "process (pid " + RaveLevel.leaderPid(dir) + "); --followers needs a directory "
            + "nobody holds, for an idle leader of its own");
      }
      leader.await("READY", 60);
      List<WorkerProcess> workers = new ArrayList<>();
      for (int k = 1; k <= followers; k++) {
        workers.add(start("put", dir.toString(), String.format(Locale.ROOT, "w%02d", k),
            Integer.toString(n)));
      }
      for (WorkerProcess w : workers) {
        if (!w.await("ROLE ", 60).startsWith("ROLE follower")) {
          throw new IllegalStateException("a worker became leader before the start");
        }
        w.await("READY", 60);
      }
      for (WorkerProcess w : workers) {
        w.say("GO");
      }
      long first = Long.MAX_VALUE;
      long lastStart = Long.MIN_VALUE;
      long last = Long.MIN_VALUE;
      boolean anyLeader = false;
      List<Long> per = new ArrayList<>();
      for (WorkerProcess w : workers) {
        JsonNode r = JSON.readTree(w.await("RESULT ", 3600).substring(7));
        long s = r.get("startMicros").asLong();
        long e = r.get("endMicros").asLong();
        first = Math.min(first, s);
        lastStart = Math.max(lastStart, s);
        last = Math.max(last, e);
        anyLeader |= r.get("becameLeader").asBoolean();
        per.add(Math.round(n / ((e - s) / 1e6)));
      }
      stopAll();
      double wallMs = (last - first) / 1000.0;
      long total = Math.round((double) followers * n / (wallMs / 1000));
      return new Outcome(followers, n, total, wallMs, (lastStart - first) / 1000.0, per,
          countKeys(), anyLeader);
    } finally {
      for (WorkerProcess c : children) {
        c.process.destroyForcibly();
      }
    }
  }

  private long countKeys() {
    long count = 0;
    try (RaveLevel db = RaveLevel.open(dir)) {
      for (int k = 1; k <= followers; k++) {
        String prefix = String.format(Locale.ROOT, "w%02d", k);
        try (LevelIterator<String, String> keys =
            db.keys(Range.<String>all().gte(prefix).lt(prefix + "~"))) {
          for (List<String> some = keys.nextv(1000); !some.isEmpty(); some = keys.nextv(1000)) {
            count += some.size();
          }
        }
      }
    }
    return count;
  }

  /** Closes every child's stdin (its signal to stop) and waits for it to close the directory. */
  private void stopAll() throws InterruptedException {
    for (int i = children.size() - 1; i >= 0; i--) {
      children.get(i).close();
    }
    for (WorkerProcess c : children) {
      if (!c.process.waitFor(30, TimeUnit.SECONDS)) {
        c.process.destroyForcibly();
      }
    }
  }

  private WorkerProcess start(String... args) throws IOException {
    WorkerProcess c = WorkerProcess.start(args);
    children.add(c);
    return c;
  }
}
