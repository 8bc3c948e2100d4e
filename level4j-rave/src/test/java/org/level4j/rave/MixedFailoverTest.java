package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
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
 * LevelDB. While a level4j process takes over it must find RocksDB's LOCK taken, and go back to
 * following (see {@link LockGuard}); with no level4j process left, its LevelDB cannot read
 * RocksDB's files and it fails, without changing them (it adds an info log of its own, LOG).
 */
class MixedFailoverTest {
  @TempDir Path dir;

  @Test
  void nodeFollowersFollowTheLevel4jFollowerThatTakesOver() throws Exception {
    // The level4j leader first: a Node process that finds no leader creates a LevelDB database.
    // The follower that takes over pauses between taking the directory and opening RocksDB, long
    // enough for the Node followers to try to lead: they must find the directory locked.
    try (ChildProcess leader = startLeader(dir);
        ChildProcess javaWriter = ChildProcess.java(List.of(ChildProcess.HEAP,
            "-Dlevel4j.test.openPauseMillis=300"),
            RaveWorker.class, "write", dir.toString(), "java:");
        ChildProcess nodeA = ChildProcess.node("rave-writer.js", dir.toString(), "nodeA:");
        ChildProcess nodeB = ChildProcess.node("rave-writer.js", dir.toString(), "nodeB:")) {
      assertThat(javaWriter.await("ROLE")).startsWith("ROLE follower");
      for (ChildProcess p : new ChildProcess[] {javaWriter, nodeA, nodeB}) {
        p.await("ACK 50");
      }
      long[] before = {Acks.last(javaWriter), Acks.last(nodeA), Acks.last(nodeB)};

      leader.kill();

      // Everyone goes on writing: the Java follower as the new leader, the Node followers through
      // it. A Node follower that had opened the directory as LevelDB would have died instead.
      ChildProcess[] writers = {javaWriter, nodeA, nodeB};
      for (int i = 0; i < writers.length; i++) {
        long target = before[i] + 100;
        writers[i].await(l -> l.startsWith("ACK ") && Acks.of(l) >= target, 60_000);
      }
      assertThat(javaWriter.lines()).as("the level4j follower took over").contains("LEADER");
      // The Node followers stop first: the leader stopping first would be a second failover.
      long[] nodeAcked = new long[2];
      ChildProcess[] nodes = {nodeA, nodeB};
      for (int i = 0; i < 2; i++) {
        int exit = nodes[i].finish();
        assertThat(exit).as("%s %s", nodes[i].lines().subList(Math.max(0, nodes[i].lines().size() - 3), nodes[i].lines().size()), nodes[i].stderr()).isZero();
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
  void aNodeFollowerLeftAloneFailsAndTheDataStays() throws Exception {
    long nodeAcked;
    try (ChildProcess leader = startLeader(dir);
        ChildProcess node = ChildProcess.node("rave-writer.js", dir.toString(), "node:")) {
      node.await("ACK 50");
      leader.kill();
      String last = node.await(l -> l.startsWith("ERROR") || l.startsWith("CLOSED"), 60_000);
      assertThat(last).as("with no level4j process left, the Node follower cannot lead")
          .startsWith("ERROR LEVEL_DATABASE_NOT_OPEN (cause LEVEL_CORRUPTION)");
      nodeAcked = Acks.last(node);
    }
    try (RaveLevel db = RaveLevel.open(dir)) {
      assertThat(db.isLeader()).isTrue();
      assertAcked(db, "node:", nodeAcked);
    }
  }

  @Test
  void nodeTryingToLeadALevel4jDirectoryChangesNoneOfRocksDbsFiles() throws Exception {
    try (RaveLevel db = RaveLevel.open(dir)) {
      for (int n = 0; n < 1000; n++) {
        db.put("java:" + n, "v" + n);
      }
    }
    Map<String, byte[]> before = rocksFiles(dir);
    try (ChildProcess node = ChildProcess.node("rave-writer.js", dir.toString(), "node:")) {
      String last = node.await(l -> l.startsWith("ERROR") || l.startsWith("ACK"), 60_000);
      assertThat(last).as("LevelDB cannot read RocksDB's files").startsWith("ERROR LEVEL_DATABASE_NOT_OPEN (cause LEVEL_CORRUPTION)");
    }
    Map<String, byte[]> after = rocksFiles(dir);
    assertThat(after.keySet()).isEqualTo(before.keySet());
    for (String name : before.keySet()) {
      assertThat(after.get(name)).as(name).isEqualTo(before.get(name));
    }
    try (Database db = RocksLevel.open(dir)) {
      assertAcked(db, "java:", 999);
    }
  }

  private static ChildProcess startLeader(Path dir) throws Exception {
    ChildProcess leader = ChildProcess.java(RaveWorker.class, "hold", dir.toString());
    assertThat(leader.await("ROLE")).startsWith("ROLE leader");
    leader.await("READY");
    return leader;
  }

  private static void assertAcked(Database db, String prefix, long acked) {
    assertThat(acked).as(prefix + " acknowledged puts").isGreaterThan(0);
    for (long n = 0; n <= acked; n++) {
      assertThat(db.get(prefix + n)).as(prefix + n).isEqualTo("v" + n);
    }
  }

  /** RocksDB's own files in {@code dir}: everything but the info logs and our lock files. */
  private static Map<String, byte[]> rocksFiles(Path dir) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String name = p.getFileName().toString();
        if (Files.isRegularFile(p) && !name.startsWith("LOG")) {
          out.put(name, Files.readAllBytes(p));
        }
      }
    }
    return out;
  }
}
