package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.child.ChildProcess;
import org.level4j.rocksdb.RocksLevel;

/**
 * A directory shared by level4j processes and Node rave-level followers, through the death of a
 * level4j leader: real processes, SIGKILL.
 *
 * <p>A Node follower whose leader's socket ends tries to lead by opening the directory with
 * LevelDB. If a level4j process holds RocksDB's LOCK by then, LevelDB finds it locked and the Node
 * process follows again (see {@link LockGuard}); if not, LevelDB cannot read RocksDB's MANIFEST and
 * fails. Either way it changes no byte of the directory ({@link LevelDbGuard}): the tests compare
 * every file (name, size, SHA-256) and directory before and after the Node attempts, with the
 * level4j process that takes over held still meanwhile by a test gate, and the Node followers
 * stopped (SIGSTOP) until the old leader is dead and the "before" picture is taken.
 */
class MixedFailoverTest {
  private static final String NODE_CANNOT_READ_ROCKSDB =
      "ERROR LEVEL_DATABASE_NOT_OPEN (cause LEVEL_CORRUPTION)";

  @TempDir Path root;
  private Path dir;
  private Path gate;

  @BeforeEach
  void paths() {
    dir = root.resolve("db");
    gate = root.resolve("gate");
  }

  @Test
  void nodeFollowersFindTheWinnerHoldingTheLockChangeNothingAndFollowIt() throws Exception {
    // The level4j leader first: a Node process that finds no leader creates a LevelDB database.
    try (ChildProcess leader = startLeader(dir);
        ChildProcess javaWriter = ChildProcess.java(gated(Presence.OPEN_GATE), RaveWorker.class,
            "write", dir.toString(), "java:");
        ChildProcess nodeA = ChildProcess.node("rave-writer.js", dir.toString(), "nodeA:");
        ChildProcess nodeB = ChildProcess.node("rave-writer.js", dir.toString(), "nodeB:")) {
      assertThat(javaWriter.await("ROLE")).startsWith("ROLE follower");
      for (ChildProcess p : new ChildProcess[] {javaWriter, nodeA, nodeB}) {
        p.await("ACK 50");
      }

      nodeA.pause();
      nodeB.pause();
      leader.kill();
      // The Java follower won the election and holds RocksDB's LOCK, before opening RocksDB.
      javaWriter.awaitThreads(d -> d.contains("Presence.awaitTestGate"), 60_000);
      long[] before = {Acks.last(javaWriter), Acks.last(nodeA), Acks.last(nodeB)};
      Map<String, String> files = tree(dir);
      nodeA.resume();
      nodeB.resume();
      // Each Node follower now tries LevelDB, finds the LOCK taken, and tries again every 100 ms
      // (rave-level's pace while no socket answers): the pause lets each make several attempts.
      Thread.sleep(1500);
      assertThat(tree(dir)).as("the directory after the Node followers' attempts to lead")
          .isEqualTo(files);
      assertThat(nodeA.isAlive() && nodeB.isAlive()).as("the Node followers wait").isTrue();
      Files.createFile(gate);

      // Everyone goes on writing: the Java follower as the new leader, the Node followers through
      // it. A Node follower that had opened the directory as LevelDB would have died instead.
      ChildProcess[] writers = {javaWriter, nodeA, nodeB};
      for (int i = 0; i < writers.length; i++) {
        long target = before[i] + 100;
        writers[i].await(l -> l.startsWith("ACK ") && Acks.of(l) >= target, 60_000);
      }
      javaWriter.await("LEADER"); // the level4j follower took over
      // The Node followers stop first: the leader stopping first would be a second failover.
      long[] nodeAcked = new long[2];
      ChildProcess[] nodes = {nodeA, nodeB};
      for (int i = 0; i < 2; i++) {
        int exit = nodes[i].finish();
        assertThat(exit).as("%s %s", tail(nodes[i]), nodes[i].stderr()).isZero();
        assertThat(nodes[i].lines()).as("a Node follower never led")
            .contains("CLOSED leader=false").noneMatch(l -> l.startsWith("ERROR"));
        nodeAcked[i] = Acks.last(nodes[i]);
      }
      assertThat(javaWriter.finish()).isZero();
      long javaAcked = Acks.last(javaWriter);
      try (Database db = RocksLevel.open(dir)) {
        assertAcked(db, "java:", javaAcked);
        assertAcked(db, "nodeA:", nodeAcked[0]);
        assertAcked(db, "nodeB:", nodeAcked[1]);
      }
    }
  }

  @Test
  void nodeFollowersThatWinTheLockFailWithoutChangingAByteAndLevel4jTakesOver() throws Exception {
    try (ChildProcess leader = startLeader(dir);
        ChildProcess javaWriter = ChildProcess.java(gated(Presence.LOCK_GATE), RaveWorker.class,
            "write", dir.toString(), "java:");
        ChildProcess nodeA = ChildProcess.node("rave-writer.js", dir.toString(), "nodeA:");
        ChildProcess nodeB = ChildProcess.node("rave-writer.js", dir.toString(), "nodeB:")) {
      assertThat(javaWriter.await("ROLE")).startsWith("ROLE follower");
      for (ChildProcess p : new ChildProcess[] {javaWriter, nodeA, nodeB}) {
        p.await("ACK 50");
      }

      nodeA.pause();
      nodeB.pause();
      leader.kill();
      // The Java follower won the election and waits before taking RocksDB's LOCK: the LOCK is
      // free for the Node followers, as on a machine too loaded to run the winner for a while.
      javaWriter.awaitThreads(d -> d.contains("Presence.awaitTestGate"), 60_000);
      long javaBefore = Acks.last(javaWriter);
      Map<String, String> files = tree(dir);
      nodeA.resume();
      nodeB.resume();
      long[] nodeAcked = new long[2];
      ChildProcess[] nodes = {nodeA, nodeB};
      for (int i = 0; i < 2; i++) {
        String last = nodes[i].await(l -> l.startsWith("ERROR"), 60_000);
        assertThat(last).as("LevelDB took the LOCK and could not read RocksDB's MANIFEST")
            .startsWith(NODE_CANNOT_READ_ROCKSDB).contains("VersionEdit: unknown tag");
        assertThat(nodes[i].finish()).isEqualTo(1);
        nodeAcked[i] = Acks.last(nodes[i]);
      }
      assertThat(tree(dir)).as("the directory after both Node followers opened it as LevelDB")
          .isEqualTo(files);

      Files.createFile(gate);
      javaWriter.await(l -> l.startsWith("ACK ") && Acks.of(l) >= javaBefore + 100, 60_000);
      javaWriter.await("LEADER"); // the level4j follower took over
      assertThat(javaWriter.finish()).isZero();
      try (Database db = RocksLevel.open(dir)) {
        assertAcked(db, "java:", Acks.last(javaWriter));
        assertAcked(db, "nodeA:", nodeAcked[0]);
        assertAcked(db, "nodeB:", nodeAcked[1]);
      }
    }
  }

  @Test
  void aNodeFollowerLeftAloneFailsWithoutChangingAByteAndTheDataStays() throws Exception {
    long nodeAcked;
    try (ChildProcess leader = startLeader(dir);
        ChildProcess node = ChildProcess.node("rave-writer.js", dir.toString(), "node:")) {
      node.await("ACK 50");
      node.pause();
      leader.kill();
      Map<String, String> files = tree(dir);
      node.resume();
      String last = node.await(l -> l.startsWith("ERROR") || l.startsWith("CLOSED"), 60_000);
      assertThat(last).as("with no level4j process left, the Node follower cannot lead")
          .startsWith(NODE_CANNOT_READ_ROCKSDB);
      assertThat(node.finish()).isEqualTo(1);
      assertThat(tree(dir)).as("the directory after the Node follower opened it as LevelDB")
          .isEqualTo(files);
      nodeAcked = Acks.last(node);
    }
    try (RaveLevel db = RaveLevel.open(dir)) {
      assertThat(db.isLeader()).isTrue();
      assertAcked(db, "node:", nodeAcked);
    }
  }

  @Test
  void nodeTryingToLeadALevel4jDirectoryChangesNoByteOfIt() throws Exception {
    try (RaveLevel db = RaveLevel.open(dir)) {
      for (int n = 0; n < 1000; n++) {
        db.put("java:" + n, "v" + n);
      }
    }
    Map<String, String> before = tree(dir);
    try (ChildProcess node = ChildProcess.node("rave-writer.js", dir.toString(), "node:")) {
      String last = node.await(l -> l.startsWith("ERROR") || l.startsWith("ACK"), 60_000);
      assertThat(last).as("LevelDB cannot read RocksDB's files")
          .startsWith(NODE_CANNOT_READ_ROCKSDB);
    }
    assertThat(tree(dir)).isEqualTo(before);
    // A plain RocksLevel keeps the layout: its info log goes inside LOG.
    try (Database db = RocksLevel.open(dir)) {
      assertAcked(db, "java:", 999);
    }
    assertGuarded(dir);
  }

  @Test
  void theNextLeaderOfADirectoryAnOlderLevel4jMadeMovesItsInfoLogsAside() throws Exception {
    // What an older level4j left: RocksDB's info log in a file LOG, and a file LOG.old (RocksDB's
    // info log as an earlier Node attempt renamed it).
    try (Database db = RocksLevel.open(dir)) {
      for (int n = 0; n < 100; n++) {
        db.put("old:" + n, "v" + n);
      }
    }
    assertThat(dir.resolve("LOG")).isRegularFile();
    byte[] rocksLog = Files.readAllBytes(dir.resolve("LOG"));
    byte[] renamedLog = "an info log that LevelDB renamed\n".getBytes(StandardCharsets.UTF_8);
    Files.write(dir.resolve("LOG.old"), renamedLog);

    try (RaveLevel db = RaveLevel.open(dir)) {
      assertThat(db.isLeader()).isTrue();
      assertAcked(db, "old:", 99);
    }
    assertGuarded(dir);
    assertThat(contents(dir.resolve("LOG"), "previous-LOG-")).as("RocksDB's old info log")
        .containsExactly(HexFormat.of().formatHex(rocksLog));
    assertThat(contents(dir.resolve("LOG.old"), "previous-LOG.old-")).as("the renamed one")
        .containsExactly(HexFormat.of().formatHex(renamedLog));

    Map<String, String> before = tree(dir);
    try (ChildProcess node = ChildProcess.node("rave-writer.js", dir.toString(), "node:")) {
      String last = node.await(l -> l.startsWith("ERROR") || l.startsWith("ACK"), 60_000);
      assertThat(last).startsWith(NODE_CANNOT_READ_ROCKSDB);
    }
    assertThat(tree(dir)).isEqualTo(before);
    try (RaveLevel db = RaveLevel.open(dir)) {
      assertAcked(db, "old:", 99);
    }
  }

  private List<String> gated(String gateProperty) {
    return List.of(ChildProcess.HEAP, "-D" + gateProperty + "=" + gate,
        "-Dlevel4j.warmStandby=false");
  }

  private static ChildProcess startLeader(Path dir) throws Exception {
    ChildProcess leader = ChildProcess.java(RaveWorker.class, "hold", dir.toString());
    assertThat(leader.await("ROLE")).startsWith("ROLE leader");
    leader.await("READY");
    return leader;
  }

  private static List<String> tail(ChildProcess p) {
    List<String> lines = p.lines();
    return lines.subList(Math.max(0, lines.size() - 3), lines.size());
  }

  private static void assertAcked(Database db, String prefix, long acked) {
    assertThat(acked).as(prefix + " acknowledged puts").isGreaterThan(0);
    for (long n = 0; n <= acked; n++) {
      assertThat(db.get(prefix + n)).as(prefix + n).isEqualTo("v" + n);
    }
  }

  /** The layout {@link LevelDbGuard} puts in place. */
  private static void assertGuarded(Path dir) {
    assertThat(dir.resolve("LOG")).as("RocksDB's info logs").isDirectory();
    assertThat(dir.resolve("LOG.old").resolve(LevelDbGuard.README)).isRegularFile();
  }

  /** The contents (hex) of the files in {@code folder} whose names start with {@code prefix}. */
  private static List<String> contents(Path folder, String prefix) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix)).map(p -> {
        try {
          return HexFormat.of().formatHex(Files.readAllBytes(p));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
  }

  /**
   * Everything in {@code dir}, at any depth: each directory as "dir", each file as its size and
   * SHA-256, anything else (the socket) as its kind.
   */
  private static Map<String, String> tree(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String name = dir.relativize(p).toString();
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(name, "dir");
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          byte[] bytes = Files.readAllBytes(p);
          out.put(name, bytes.length + " bytes, sha256 " + sha256(bytes));
        } else {
          out.put(name, "other");
        }
      }
    }
    return out;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
