package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.child.ChildProcess;
import org.level4j.rocksdb.RocksLevel;

/**
 * The failover path taken again and again: four processes write to one directory while whoever
 * leads it is killed with SIGKILL thirty times (a new writer replaces each one killed). Every
 * survivor must resume after every kill, exactly one must take over, each takeover must report
 * its stages in order (and be the standby follower, first in line before the kill), and at the
 * end every acknowledged write of every process, killed ones included, must be in the
 * directory, read back by a plain RocksDB open. No time is asserted.
 */
class RepeatedFailoverTest {
  private static final int WRITERS = 4;
  private static final int KILLS = 30;

  @TempDir Path dir;

  @Test
  void thirtyLeaderKillsAmongFourWritersLoseNoAcknowledgedWrite() throws Exception {
    List<ChildProcess> all = new ArrayList<>();
    List<ChildProcess> live = new ArrayList<>();
    try {
      for (int i = 0; i < WRITERS; i++) {
        ChildProcess w = start(all, live);
        w.await(l -> l.equals("ACK 5"), 60_000);
      }
      for (int k = 1; k <= KILLS; k++) {
        ChildProcess leader = leader(live);
        live.remove(leader);
        long[] before = new long[live.size()];
        int[] failoverLines = new int[live.size()];
        for (int i = 0; i < live.size(); i++) {
          before[i] = Acks.last(live.get(i));
          failoverLines[i] = failovers(live.get(i)).size();
        }
        // The standby, the one follower waiting for LEADER (see Seat), is the one to take over.
        long standby = FileLocks.awaitHolder(dir.resolve(Seat.STANDBY_FILE),
            pid -> pid > 0 && pid != leader.pid());
        leader.kill();
        int tookOver = 0;
        List<String> seenLines = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
          ChildProcess w = live.get(i);
          long target = before[i] + 20;
          w.await(l -> l.startsWith("ACK ") && Acks.of(l) >= target, 60_000);
          int seen = failoverLines[i];
          String line = w.await(l -> l.startsWith("FAILOVER ")
              && failovers(w).indexOf(l) >= seen, 60_000);
          long[] stages = stages(line);
          seenLines.add(w.pid() + ": " + line);
          if (line.startsWith("FAILOVER true ")) {
            tookOver++;
            assertThat(w.pid()).as("kill %d: the process that took over", k).isEqualTo(standby);
            // lock won <= RocksDB open <= listening <= published, then reconnected to itself
            assertThat(stages[1]).as("kill %d: lock won", k).isPositive();
            assertThat(stages[2]).as("kill %d: RocksDB open", k).isGreaterThanOrEqualTo(stages[1]);
            assertThat(stages[3]).as("kill %d: listening", k).isGreaterThanOrEqualTo(stages[2]);
            assertThat(stages[4]).as("kill %d: published", k).isGreaterThanOrEqualTo(stages[3]);
          } else {
            assertThat(stages[1]).as("kill %d: a follower won no lock", k).isZero();
            assertThat(stages[0]).as("kill %d: connection lost", k).isPositive();
          }
          assertThat(stages[5]).as("kill %d: reconnected", k).isPositive();
        }
        if (tookOver != 1) {
          StringBuilder report = new StringBuilder();
          for (ChildProcess w : all) {
            report.append('\n').append(w.pid()).append(": ");
            for (String l : w.lines()) {
              if (!l.startsWith("ACK ")) {
                report.append(l).append(" | ");
              }
            }
            report.append(" stderr: ").append(w.stderr());
          }
          throw new AssertionError("kill " + k + " of " + leader.pid() + ": " + tookOver
              + " processes took over: " + seenLines + report);
        }
        assertThat(RaveLevel.leaderPid(dir)).as("kill %d: the new leader", k)
            .isNotEqualTo(OptionalLong.of(leader.pid())).isPresent();
        ChildProcess fresh = start(all, live);
        fresh.await(l -> l.equals("ACK 5"), 60_000);
      }
      for (ChildProcess w : live) {
        assertThat(w.finish()).as("%s", w.stderr()).isZero();
      }
      long checked = 0;
      try (Database db = RocksLevel.open(dir)) {
        for (int i = 0; i < all.size(); i++) {
          long acked = Acks.last(all.get(i));
          for (long n = 0; n <= acked; n++) {
            assertThat(db.get(prefix(i) + n)).as("%s%d", prefix(i), n).isEqualTo("v" + n);
          }
          checked += acked + 1;
        }
      }
      assertThat(all).hasSize(WRITERS + KILLS);
      assertThat(checked).isGreaterThan((long) (WRITERS + KILLS) * 5);
    } finally {
      all.forEach(ChildProcess::close);
    }
  }

  private ChildProcess start(List<ChildProcess> all, List<ChildProcess> live) throws Exception {
    ChildProcess w = ChildProcess.java(RaveWorker.class, "write", dir.toString(),
        prefix(all.size()));
    all.add(w);
    live.add(w);
    return w;
  }

  private ChildProcess leader(List<ChildProcess> live) {
    OptionalLong pid = RaveLevel.leaderPid(dir);
    assertThat(pid).as("a live leader is published").isPresent();
    for (ChildProcess w : live) {
      if (w.pid() == pid.getAsLong()) {
        return w;
      }
    }
    throw new AssertionError("the leader, pid " + pid + ", is none of the writers");
  }

  private static String prefix(int i) {
    return "w" + i + ":";
  }

  private static List<String> failovers(ChildProcess p) {
    List<String> out = new ArrayList<>();
    for (String l : p.lines()) {
      if (l.startsWith("FAILOVER ")) {
        out.add(l);
      }
    }
    return out;
  }

  private static long[] stages(String line) {
    String[] w = line.split(" ");
    long[] s = new long[6];
    for (int i = 0; i < 6; i++) {
      s[i] = Long.parseLong(w[i + 2]);
    }
    return s;
  }
}
