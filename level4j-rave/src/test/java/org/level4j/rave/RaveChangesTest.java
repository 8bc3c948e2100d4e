package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.LevelIterator;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.child.ChildProcess;
import org.level4j.rocksdb.RocksLevel;
import org.level4j.rocksdb.RocksOptions;

/**
 * A follower's change feed with real processes: writers in several processes, the leader killed
 * with SIGKILL again and again, and a follower's feed that must see every write exactly once, in
 * revision order; a revision the leader's log no longer keeps; a range; closing a feed.
 */
class RaveChangesTest {
  private static final int WRITERS = 3;
  /** Kills of a leader that the watching follower lives through. */
  private static final int FOLLOWER_KILLS = 4;

  @TempDir Path dir;

  @Test
  void aFollowersFeedSeesEveryWriteOnceInRevisionOrderAcrossLeaderKills() throws Exception {
    List<ChildProcess> all = new ArrayList<>();
    List<ChildProcess> writers = new ArrayList<>();
    List<ChildProcess> watchers = new ArrayList<>();
    try {
      ChildProcess first = writer(all, writers);
      first.await(l -> l.equals("ACK 5"), 60_000);
      ChildProcess watcher = ChildProcess.java(RaveWorker.class, "feed", dir.toString(), "1");
      all.add(watcher);
      watchers.add(watcher);
      watcher.await("SUBSCRIBED");
      for (int i = 1; i < WRITERS; i++) {
        writer(all, writers).await(l -> l.equals("ACK 5"), 60_000);
      }
      int followerKills = 0;
      int kills = 0;
      while (followerKills < FOLLOWER_KILLS) {
        assertThat(kills).as("kills before the watcher lived through %d", FOLLOWER_KILLS)
            .isLessThan(FOLLOWER_KILLS * 4);
        OptionalLong leader = RaveLevel.leaderPid(dir);
        assertThat(leader).isPresent();
        if (leader.getAsLong() == watcher.pid()) {
          // The watcher took over in an earlier round (its feed went on through its own host).
          // It cannot be killed and stay the watcher: a new one resumes where it stopped.
          watcher.kill();
          watcher.drain(); // every change it delivered counts, the last printed too
          long from = lastRevision(watcher) + 1;
          watcher = ChildProcess.java(RaveWorker.class, "feed", dir.toString(),
              Long.toString(from));
          all.add(watcher);
          watchers.add(watcher);
          watcher.await("SUBSCRIBED");
        } else {
          ChildProcess dead = writers.stream().filter(w -> w.pid() == leader.getAsLong())
              .findFirst()
              .orElseThrow(() -> new AssertionError("the leader is no process of the test"));
          writers.remove(dead);
          dead.kill();
          followerKills++;
          writer(all, writers);
        }
        kills++;
        // Everyone goes on: each writer acknowledges more, and the watcher sees more.
        int seen = changes(watcher).size();
        for (ChildProcess w : writers) {
          long target = Math.max(Acks.last(w), 0) + 20;
          w.await(l -> l.startsWith("ACK ") && Acks.of(l) >= target, 60_000);
        }
        ChildProcess current = watcher;
        current.await(l -> changes(current).size() >= seen + 20, 60_000);
      }
      for (ChildProcess w : writers) {
        assertThat(w.finish()).as("%s", w.stderr()).isZero();
      }
      watcher.send("finish");
      watcher.await("DONE ");
      assertThat(watcher.finish()).as("%s", watcher.stderr()).isZero();

      List<String> delivered = new ArrayList<>();
      List<Long> revisions = new ArrayList<>();
      for (ChildProcess w : watchers) {
        for (String line : changes(w)) {
          delivered.add(line);
          revisions.add(Long.parseLong(line.split(" ")[1]));
        }
        assertThat(w.lines()).as("no feed error").noneMatch(l -> l.startsWith("FEEDERROR"));
      }
      assertThat(revisions).as("revisions, across every watcher").isSorted()
          .doesNotHaveDuplicates();
      // The log itself, read in this process once every process is gone: the follower's feed,
      // across every kill, must be exactly it. (A put re-sent to a new leader after its first
      // leader applied it and died is two writes there, and so two changes here.)
      List<String> log = new ArrayList<>();
      Set<String> stored = new HashSet<>();
      try (Database db = RocksLevel.open(dir, RaveOptions.defaults().rocks())) {
        long last = revisions.get(revisions.size() - 1);
        java.util.concurrent.BlockingQueue<org.level4j.Change> queue =
            new java.util.concurrent.LinkedBlockingQueue<>();
        try (org.level4j.ChangeFeed feed = db.changes(Range.all(), 1, queue::add)) {
          for (org.level4j.Change c = null; c == null || c.revision() < db.revision(); ) {
            c = queue.poll(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(c).as("the log read back").isNotNull();
            StringBuilder keys = new StringBuilder();
            for (Op<byte[], byte[]> op : c.ops()) {
              keys.append(keys.length() == 0 ? "" : ",")
                  .append(new String(op.key(), java.nio.charset.StandardCharsets.UTF_8));
            }
            log.add("CHANGE " + c.revision() + " " + keys);
          }
        }
        assertThat(last).isEqualTo(db.revision());
        try (LevelIterator<String, Entry<String, String>> it = db.iterator(Range.all())) {
          for (Entry<String, String> e : it) {
            stored.add(e.key());
          }
        }
      }
      int differ = -1;
      for (int i = 0; i < Math.max(delivered.size(), log.size()) && differ < 0; i++) {
        if (i >= delivered.size() || i >= log.size() || !delivered.get(i).equals(log.get(i))) {
          differ = i;
        }
      }
      int at = differ;
      assertThat(differ).as(() -> "the follower's feed is the whole log, each write once, in "
          + "order; it differs at change " + at + ": " + around(delivered, at) + " against "
          + around(log, at) + " (" + delivered.size() + " delivered, " + log.size() + " logged)")
          .isEqualTo(-1);
      List<String> lost = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        long acked = Acks.last(all.get(i));
        for (long n = 0; n <= acked; n++) {
          if (!stored.contains(prefix(i) + n)) {
            lost.add(prefix(i) + n);
          }
        }
      }
      assertThat(lost).as("acknowledged writes missing").isEmpty();
      assertThat(kills).isGreaterThanOrEqualTo(FOLLOWER_KILLS);
      System.out.println("RaveChangesTest: " + kills + " leader kills, " + watchers.size()
          + " watcher process(es) in turn, " + delivered.size() + " changes delivered");
    } finally {
      all.forEach(ChildProcess::close);
    }
  }

  @Test
  void aRevisionTheLeaderNoLongerKeepsEndsAFollowersFeedWithSnapshotNotOpen() throws Exception {
    RaveOptions shortLog = RaveOptions.builder().rocks(RaveOptions.defaults().rocks().toBuilder()
        .walTtl(Duration.ofSeconds(1)).walSizeLimitBytes(0).build()).build();
    try (RaveLevel db = RaveLevel.open(dir, shortLog)) {
      assertThat(db.isLeader()).isTrue();
      fill(db, "old");
      List<Path> firstLogs = awaitArchived();
      // RocksDB expires archived files when it cleans up after a flush.
      for (int round = 0; firstLogs.stream().anyMatch(Files::exists); round++) {
        assertThat(round).as("the first log files expired").isLessThan(60);
        Thread.sleep(500);
        fill(db, "more" + round);
      }
      try (ChildProcess follower =
          ChildProcess.java(RaveWorker.class, "feed", dir.toString(), "1")) {
        String error = follower.await(l -> l.startsWith("FEEDERROR"), 60_000);
        assertThat(error).startsWith("FEEDERROR LEVEL_SNAPSHOT_NOT_OPEN")
            .contains("revision 1").contains("walTtl");
        assertThat(changes(follower)).as("nothing delivered before the error").isEmpty();
      }
    }
  }

  @Test
  void aFollowersFeedOfARangeSeesOnlyItsKeysAndClosingItReleasesTheLeadersFeed()
      throws Exception {
    try (RaveLevel db = RaveLevel.open(dir)) {
      assertThat(db.isLeader()).isTrue();
      try (ChildProcess follower =
          ChildProcess.java(RaveWorker.class, "feed", dir.toString(), "0", "b")) {
        follower.await("SUBSCRIBED");
        // The follower does not wait for the leader's answer before it says SUBSCRIBED.
        await("the leader serves the feed").atMost(Duration.ofMinutes(1))
            .until(db::servedFeeds, n -> n == 1);
        db.put("a1", "x");
        db.batch(List.of(Op.put("a2", "x"), Op.put("b1", "in"), Op.put("c1", "x")));
        db.put("c2", "x");
        db.put("b2", "in");
        follower.await(l -> l.startsWith("CHANGE ") && l.endsWith(" b2"), 60_000);
        assertThat(changes(follower)).extracting(l -> l.split(" ")[2])
            .containsExactly("b1", "b2");
        follower.send("close");
        follower.await("FEEDCLOSED");
        await("the leader released the feed").atMost(Duration.ofMinutes(1))
            .until(db::servedFeeds, n -> n == 0);
        int before = changes(follower).size();
        db.put("b3", "after close");
        db.put("marker", "x");
        Thread.sleep(300);
        assertThat(changes(follower)).hasSize(before);
      }
    }
  }

  /** Writes enough (1,200 entries) that the leader's buffer is flushed after its 40 ms. */
  private static void fill(RaveLevel db, String prefix) {
    List<Op<String, String>> ops = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      ops.add(Op.put(prefix + i, "v"));
    }
    db.batch(ops);
  }

  /** Waits until the log of the first writes is flushed and archived; returns its files. */
  private List<Path> awaitArchived() throws Exception {
    Path archive = dir.resolve("archive");
    return await("a log archived").atMost(Duration.ofMinutes(1)).until(() -> {
      if (!Files.isDirectory(archive)) {
        return List.<Path>of();
      }
      try (Stream<Path> files = Files.list(archive)) {
        return files.toList();
      }
    }, list -> !list.isEmpty());
  }

  private ChildProcess writer(List<ChildProcess> all, List<ChildProcess> writers) throws Exception {
    ChildProcess w =
        ChildProcess.java(RaveWorker.class, "write", dir.toString(), prefix(all.size()));
    all.add(w);
    writers.add(w);
    return w;
  }

  private static String prefix(int i) {
    return "w" + i + ":";
  }

  private static List<String> changes(ChildProcess p) {
    List<String> out = new ArrayList<>();
    for (String l : p.lines()) {
      if (l.startsWith("CHANGE ")) {
        out.add(l);
      }
    }
    return out;
  }

  private static List<String> around(List<String> list, int i) {
    return list.subList(Math.max(0, Math.min(i - 2, list.size())), Math.min(list.size(), i + 3));
  }

  private static long lastRevision(ChildProcess p) {
    List<String> c = changes(p);
    return c.isEmpty() ? 0 : Long.parseLong(c.get(c.size() - 1).split(" ")[1]);
  }
}
