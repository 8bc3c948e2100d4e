package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.level4j.Database;
import org.level4j.Level;
import org.level4j.child.ChildProcess;
import org.level4j.conformance.Seed;
import org.level4j.rocksdb.RocksLevel;

/** Real processes, real SIGKILLs: what RaveLevel promises when a leader dies. */
class RaveFailoverTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0} follower(s)")
  @ValueSource(ints = {1, 2, 4})
  void leaderKilledMidWriteLosesNoAcknowledgedWrite(int followers) throws Exception {
    List<ChildProcess> writers = new ArrayList<>();
    try (ChildProcess leader = ChildProcess.java(RaveWorker.class, "hold", dir.toString())) {
      assertThat(leader.await("ROLE")).startsWith("ROLE leader");
      for (int i = 0; i < followers; i++) {
        ChildProcess w = ChildProcess.java(RaveWorker.class, "write", dir.toString(),
            "w" + i + ":");
        writers.add(w);
        assertThat(w.await("ROLE")).startsWith("ROLE follower");
      }
      for (ChildProcess w : writers) {
        w.await("ACK 50");
      }
      assertThat(newestOptionsFile()).as("a first open reads every table file before it returns")
          .contains("open_files_async=false");
      long[] before = new long[followers];
      for (int i = 0; i < followers; i++) {
        before[i] = Acks.last(writers.get(i));
      }
      leader.kill();
      for (int i = 0; i < followers; i++) {
        long target = before[i] + 100;
        writers.get(i).await(l -> l.startsWith("ACK ") && Acks.of(l) >= target, 60_000);
      }
      // The winner says LEADER when its leader listeners run, which may come after its first
      // writes as leader were acknowledged: wait for it (before any writer stops, since the
      // winner's stopping makes another one leader).
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
          .until(() -> writers.stream().anyMatch(w -> w.lines().contains("LEADER")));
      long leaders = writers.stream().filter(w -> w.lines().contains("LEADER")).count();
      assertThat(leaders).as("exactly one follower took over").isEqualTo(1);
      // RocksDB writes the options it was opened with to an OPTIONS file: the takeover's say
      // that a background thread opened the table files (Presence.takingOver).
      assertThat(newestOptionsFile()).contains("open_files_async=true");
      long[] acked = new long[followers];
      for (int i = 0; i < followers; i++) {
        assertThat(writers.get(i).finish()).isZero();
        acked[i] = Acks.last(writers.get(i));
      }
      try (RaveLevel db = RaveLevel.open(dir)) {
        for (int i = 0; i < followers; i++) {
          for (long n = 0; n <= acked[i]; n++) {
            assertThat(db.get("w" + i + ":" + n)).as("w%d:%d", i, n).isEqualTo("v" + n);
          }
        }
      }
    } finally {
      writers.forEach(ChildProcess::close);
    }
  }

  /**
   * The OPTIONS file RocksDB wrote last in {@link #dir}. RocksDB writes a new one (under a
   * temporary name, then renamed) whenever options change, and deletes all but the last two, so
   * a file listed may be gone when read: then it looks again.
   */
  private String newestOptionsFile() throws java.io.IOException {
    for (int attempt = 0; ; attempt++) {
      Path newest;
      try (java.util.stream.Stream<Path> files = Files.list(dir)) {
        newest = files.filter(p -> p.getFileName().toString().matches("OPTIONS-[0-9]+"))
            .max(java.util.Comparator.comparing(p -> Long.parseLong(
                p.getFileName().toString().substring("OPTIONS-".length()))))
            .orElseThrow();
      }
      try {
        return Files.readString(newest);
      } catch (java.nio.file.NoSuchFileException e) {
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  @Test
  void iteratorsOnFollowersReturnEveryKeyExactlyOnceAcrossAKill() throws Exception {
    long seed = Seed.of("iteratorsOnFollowersReturnEveryKeyExactlyOnceAcrossAKill");
    List<String> keys = trickyKeys(new Random(seed), 3000);
    try (Database db = RocksLevel.open(dir)) {
      Level<byte[], byte[]> b = db.bytes();
      for (String hex : keys) {
        b.put(HexFormat.of().parseHex(hex), new byte[] {1});
      }
    }
    try (ChildProcess leader = ChildProcess.java(RaveWorker.class, "hold", dir.toString());
        ChildProcess stay = ChildProcess.java(RaveWorker.class, "hold", dir.toString())) {
      leader.await("READY");
      stay.await("READY");
      try (ChildProcess fwd =
              ChildProcess.java(RaveWorker.class, "scan", dir.toString(), "forward", "1000");
          ChildProcess rev =
              ChildProcess.java(RaveWorker.class, "scan", dir.toString(), "reverse", "1000")) {
        fwd.await("PAUSED");
        rev.await("PAUSED");
        leader.kill();
        fwd.send("go");
        rev.send("go");
        fwd.await("DONE");
        rev.await("DONE");
        assertThat(scanned(fwd)).containsExactlyElementsOf(keys);
        List<String> reversed = new ArrayList<>(keys);
        java.util.Collections.reverse(reversed);
        assertThat(scanned(rev)).containsExactlyElementsOf(reversed);
        fwd.finish();
        rev.finish();
      }
      stay.finish();
    }
  }

  /**
   * A follower that wins the election but cannot lead (here: RocksDB's native library cannot be
   * unpacked, an Error, not an exception) must give the lock back, or nobody could ever lead.
   */
  @Test
  void aFollowerThatCannotLeadStepsDownForTheNextOne() throws Exception {
    List<String> broken = List.of(ChildProcess.HEAP, "-Dlevel4j.native.dir=/dev/null/none",
        "-Djava.io.tmpdir=/dev/null/none");
    try (ChildProcess a = ChildProcess.java(RaveWorker.class, "hold", dir.toString())) {
      a.await("READY");
      try (ChildProcess b = ChildProcess.java(broken, RaveWorker.class, "hold", dir.toString())) {
        assertThat(b.await("ROLE")).startsWith("ROLE follower");
        b.await("READY");
        a.kill(); // b wins the lock, fails to open RocksDB, steps down, then says so
        b.awaitStderr("cannot take over as leader", 60_000);
        try (ChildProcess c = ChildProcess.java(RaveWorker.class, "hold", dir.toString())) {
          String role;
          try {
            role = c.await("ROLE");
          } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nthe follower that could not lead said: "
                + b.stderr() + "\nits threads: " + b.threads(), e);
          }
          assertThat(role).startsWith("ROLE leader");
          c.await("READY");
          c.finish();
        }
        b.kill();
      }
    }
  }

  /**
   * A process still connecting as a follower (inside RaveLevel.open) when the lock comes free
   * takes over at once: it must not wait for its own open to give up first. Here the lock is held
   * by this test, which publishes no leader, then released. The process waits for the lock in the
   * kernel (its thread dump shows a thread blocked in the file lock call, and none of its own
   * sleeping), not by polling, and the test releases the lock only once it sees that.
   */
  @Test
  void aProcessThatWinsTheLockWhileOpeningLeadsAtOnce() throws Exception {
    java.nio.file.Files.createDirectories(dir);
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
        dir.resolve("LEADER"), java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.WRITE)) {
      java.nio.channels.FileLock held = ch.lock();
      try (ChildProcess p = ChildProcess.java(RaveWorker.class, "hold", dir.toString())) {
        String dump = p.awaitThreads(d -> blockedInLock(d) && d.contains("RaveLevel.open"),
            60_000);
        assertThat(sleepingLevel4jThreads(dump)).as("level4j threads polling in a sleep loop:\n%s",
            dump).isEmpty();
        held.release();
        p.await("READY");
        assertThat(p.await("LEADER")).isEqualTo("LEADER");
        p.finish();
      }
    }
  }

  @Test
  void freshStartAfterEveryProcessWasKilledIgnoresTheStaleSocket() throws Exception {
    long acked;
    try (ChildProcess a = ChildProcess.java(RaveWorker.class, "hold", dir.toString())) {
      assertThat(a.await("ROLE")).startsWith("ROLE leader");
      a.await("READY");
      try (ChildProcess b = ChildProcess.java(RaveWorker.class, "write", dir.toString(), "k")) {
        b.await("ACK 20");
        // The follower first: killed after the leader, it could be taking over, and a takeover
        // replaces the socket (deleting the old file before binding a new one).
        b.kill();
        a.kill();
        acked = Acks.last(b); // every ACK line seen was acknowledged (later ones may still come)
      }
    }
    assertThat(Files.exists(dir.resolve("rave-level.sock"))).as("stale socket left").isTrue();
    try (ChildProcess c = ChildProcess.java(RaveWorker.class, "hold", dir.toString())) {
      assertThat(c.await("ROLE")).startsWith("ROLE leader");
      try (RaveLevel db = RaveLevel.open(dir)) {
        assertThat(db.isLeader()).isFalse();
        assertThat(acked).isGreaterThanOrEqualTo(20);
        for (long n = 0; n <= acked; n++) {
          assertThat(db.get("k" + n)).as("k%d, acknowledged before the kill", n).isEqualTo("v" + n);
        }
        db.put("after", "restart");
        assertThat(db.get("after")).isEqualTo("restart");
      }
      c.finish();
    }
  }

  @Test
  void leaderClosingGracefullyHandsOverWhileFollowersWrite() throws Exception {
    try (ChildProcess leader = ChildProcess.java(RaveWorker.class, "hold", dir.toString());
        ChildProcess w0 = ChildProcess.java(RaveWorker.class, "write", dir.toString(), "a");
        ChildProcess w1 = ChildProcess.java(RaveWorker.class, "write", dir.toString(), "b")) {
      leader.await("READY");
      w0.await("ACK 30");
      w1.await("ACK 30");
      long a = Acks.last(w0);
      long b = Acks.last(w1);
      assertThat(leader.finish()).isZero();
      w0.await(l -> l.startsWith("ACK ") && Acks.of(l) >= a + 100, 60_000);
      w1.await(l -> l.startsWith("ACK ") && Acks.of(l) >= b + 100, 60_000);
      assertThat(w0.finish()).isZero();
      assertThat(w1.finish()).isZero();
      long lastA = Acks.last(w0);
      long lastB = Acks.last(w1);
      try (RaveLevel db = RaveLevel.open(dir)) {
        for (long n = 0; n <= lastA; n++) {
          assertThat(db.get("a" + n)).isEqualTo("v" + n);
        }
        for (long n = 0; n <= lastB; n++) {
          assertThat(db.get("b" + n)).isEqualTo("v" + n);
        }
      }
    }
  }

  /**
   * Keys that break naive resumption: variable lengths, shared prefixes, trailing 0x00 and 0xff.
   */
  static List<String> trickyKeys(Random r, int n) {
    TreeSet<byte[]> set = new TreeSet<>(Arrays::compareUnsigned);
    byte[][] stems = {{'a'}, {'a', 'a'}, {'a', 'b'}, {'a', (byte) 0xff}, {'b', 0}};
    for (byte[] s : stems) {
      set.add(s);
      for (int t : new int[] {0, 1, 0x7f, 0xfe, 0xff}) {
        byte[] k = Arrays.copyOf(s, s.length + 1);
        k[s.length] = (byte) t;
        set.add(k);
      }
    }
    while (set.size() < n) {
      byte[] k = new byte[1 + r.nextInt(6)];
      for (int i = 0; i < k.length; i++) {
        int pick = r.nextInt(6);
        k[i] = (byte) (pick == 0 ? 0 : pick == 1 ? 0xff : 'a' + r.nextInt(3));
      }
      set.add(k);
    }
    List<String> out = new ArrayList<>();
    for (byte[] k : set) {
      out.add(HexFormat.of().formatHex(k));
    }
    return out;
  }

  private static List<String> scanned(ChildProcess p) {
    List<String> out = new ArrayList<>();
    for (String l : p.lines()) {
      if (l.startsWith("KEY ")) {
        out.add(l.substring(4));
      }
    }
    return out;
  }

  /** True if a seat thread of the dump is blocked in the kernel's file lock call. */
  private static boolean blockedInLock(String dump) {
    for (String thread : dump.split("\n\n")) {
      if (thread.startsWith("\"level4j-seat-") && thread.contains("FileDispatcherImpl.lock0")) {
        return true;
      }
    }
    return false;
  }

  /** The threads of the dump that sleep (Thread.sleep) with a level4j frame below. */
  private static List<String> sleepingLevel4jThreads(String dump) {
    List<String> sleeping = new ArrayList<>();
    for (String thread : dump.split("\n\n")) {
      if (thread.contains("java.lang.Thread.sleep") && thread.contains("at org.level4j.")) {
        sleeping.add(thread);
      }
    }
    return sleeping;
  }
}
