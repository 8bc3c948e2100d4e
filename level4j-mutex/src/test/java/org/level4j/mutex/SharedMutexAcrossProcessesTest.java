package org.level4j.mutex;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.rave.RaveLevel;

/**
 * The seed's revision example across processes: three processes (one RaveLevel leader, two
 * followers) revise one document at once, each through its own shared LevelMutex. A per-process
 * mutex alone would let two processes both read revision n and both write n + 1; with the reads
 * carried as preconditions, no revision is lost: the final revision is exactly the number of
 * revisions the processes were told succeeded.
 */
class SharedMutexAcrossProcessesTest {
  private static final int PROCESSES = 3;
  private static final int REVISIONS = 150;

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void noRevisionIsLostBetweenProcesses() throws Exception {
    Path db = dir.resolve("db");
    List<Process> procs = new ArrayList<>();
    List<BufferedReader> outs = new ArrayList<>();
    List<Writer> ins = new ArrayList<>();
    try {
      for (int i = 0; i < PROCESSES; i++) {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
            System.getProperty("java.class.path"), MutexWorker.class.getName(), "revise",
            db.toString(), Integer.toString(REVISIONS))
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        procs.add(p);
        outs.add(new BufferedReader(new InputStreamReader(p.getInputStream(),
            StandardCharsets.UTF_8)));
        ins.add(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
        // One at a time, so the first is the leader and the others follow it.
        assertThat(outs.get(i).readLine()).startsWith("READY " + (i == 0 ? "leader" : "follower"));
      }
      for (Writer in : ins) {
        in.write("GO\n");
        in.flush();
      }
      long ok = 0;
      long conflicts = 0;
      for (BufferedReader out : outs) {
        String[] done = out.readLine().split(" ");
        assertThat(done[0]).isEqualTo("DONE");
        ok += Long.parseLong(done[1]);
        conflicts += Long.parseLong(done[2]);
      }
      for (int i = PROCESSES - 1; i >= 0; i--) { // followers first, then the leader
        ins.get(i).close();
        assertThat(procs.get(i).waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(procs.get(i).exitValue()).isZero();
      }
      System.out.println("revisions " + ok + ", conflicts " + conflicts);
      assertThat(ok).isEqualTo((long) PROCESSES * REVISIONS);
      assertThat(conflicts).as("the processes did contend").isPositive();
      try (RaveLevel check = RaveLevel.open(db)) {
        assertThat(check.sublevel("docs").get("doc")).isEqualTo(Long.toString(ok));
      }
    } finally {
      for (Process p : procs) {
        p.destroyForcibly();
      }
    }
  }
}
