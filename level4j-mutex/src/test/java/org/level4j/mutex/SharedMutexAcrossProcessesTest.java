package org.level4j.mutex;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.child.ChildProcess;
import org.level4j.rave.RaveLevel;

/**
 * The seed's revision example across processes: three processes (one RaveLevel leader, two
 * followers) revise one document at once, each through its own shared LevelMutex. A per-process
 * mutex alone would let two processes both read revision n and both write n + 1; with the reads
 * carried as preconditions, no revision is lost: the final revision is exactly the number of
 * revisions the processes were told succeeded. With the plain mutex ({@link LevelMutex#over})
 * the same run loses revisions, as the README says.
 */
class SharedMutexAcrossProcessesTest {
  private static final int PROCESSES = 3;
  private static final int REVISIONS = 150;

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void noRevisionIsLostBetweenProcesses() throws Exception {
    Outcome o = revise("shared");
    assertThat(o.ok).isEqualTo((long) PROCESSES * REVISIONS);
    assertThat(o.conflicts).as("the processes did contend").isPositive();
    assertThat(o.stored).isEqualTo(o.ok);
  }

  /**
   * What the README says of the plain mutex: it orders one process's reads and writes only, so
   * between processes two of them read the same revision and both write the next, and the
   * stored revision falls behind the revisions the processes were told succeeded.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void thePlainMutexLosesRevisionsBetweenProcesses() throws Exception {
    Outcome o = revise("over");
    assertThat(o.ok).isEqualTo((long) PROCESSES * REVISIONS);
    assertThat(o.stored).as("the stored revision, against %s revisions told successful", o.ok)
        .isLessThan(o.ok);
  }

  private record Outcome(long ok, long conflicts, long stored) {}

  private Outcome revise(String mutex) throws Exception {
    Path db = dir.resolve("db");
    List<ChildProcess> procs = new ArrayList<>();
    try {
      for (int i = 0; i < PROCESSES; i++) {
        ChildProcess p = ChildProcess.java(MutexWorker.class, "revise", db.toString(),
            Integer.toString(REVISIONS), mutex);
        procs.add(p);
        // One at a time, so the first is the leader and the others follow it.
        assertThat(p.readLine()).startsWith("READY " + (i == 0 ? "leader" : "follower"));
      }
      for (ChildProcess p : procs) {
        p.send("GO");
      }
      long ok = 0;
      long conflicts = 0;
      for (ChildProcess p : procs) {
        String[] done = p.readLine().split(" ");
        assertThat(done[0]).isEqualTo("DONE");
        ok += Long.parseLong(done[1]);
        conflicts += Long.parseLong(done[2]);
      }
      for (int i = PROCESSES - 1; i >= 0; i--) { // followers first, then the leader
        procs.get(i).closeInput();
        assertThat(procs.get(i).waitFor()).isZero();
      }
      long stored;
      try (RaveLevel check = RaveLevel.open(db)) {
        stored = Long.parseLong(check.sublevel("docs").get("doc"));
      }
      System.out.println(mutex + ": revisions " + ok + ", conflicts " + conflicts + ", stored "
          + stored);
      return new Outcome(ok, conflicts, stored);
    } finally {
      for (ChildProcess p : procs) {
        p.close();
      }
    }
  }
}
