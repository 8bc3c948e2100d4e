package org.level4j.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.level4j.rave.RaveLevel;

/**
 * What a RaveLevel follower's warm standby costs: joins a directory another process leads, writes
 * one entry, then waits, and prints the processor time this whole process spent from the open's
 * return to the end of the wait (the warm-up's own thread, the JIT compiling what it runs,
 * RocksDB's threads on its scratch directory). Process CPU time, unlike a rate, does not move with
 * the time a virtual machine's host takes its processors away (steal), so a few runs settle it.
 *
 * <pre>
 * ./level4j serve DIR &amp;
 * java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 [-Dlevel4j.standbyRounds=N | -Dlevel4j.warmStandby=false] \
 *     -cp level4j-bench/target/benchmarks.jar org.level4j.bench.StandbyCost DIR [WAIT_MS]
 * </pre>
 *
 * <p>It prints {@code standby_cpu_ms=…}; without the warm-up it is the floor (an idle follower's
 * few milliseconds). What a warm-up does while the open runs is not counted: a follower behind the
 * standby (started while another process is the standby) does most of its shorter warm-up then
 * and prints 0 to 30 ms. For that, compare whole processes ({@code /usr/bin/time}) with and
 * without {@code -Dlevel4j.warmStandby=false}. The wait (default 3000 ms) must outlast the warm-up: RaveLevel logs its wall
 * time at {@code FINE} ("standby warm in … ms").
 */
public final class StandbyCost {
  private StandbyCost() {}

  /**
   * Runs it.
   *
   * @param args the directory, led by another process, and optionally the wait in ms
   * @throws Exception if the directory cannot be opened
   */
  public static void main(String[] args) throws Exception {
    long waitMs = args.length == 2 ? parseWait(args[1]) : 3000;
    if (args.length < 1 || args.length > 2 || waitMs < 0) {
      System.err.println("usage: StandbyCost DIR [WAIT_MS]   (DIR led by another process)");
      System.exit(64);
    }
    OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    boolean led;
    try (RaveLevel db = RaveLevel.open(Path.of(args[0]))) {
      led = db.isLeader();
      if (!led) {
        long start = os.getProcessCpuTime();
        db.put("standby-cost", "1");
        Thread.sleep(waitMs);
        System.out.println("standby_cpu_ms=" + (os.getProcessCpuTime() - start) / 1_000_000);
      }
    }
    if (led) {
      System.err.println("StandbyCost: this process led " + args[0]
          + "; a leader does not warm up. Start `level4j serve " + args[0] + "` first.");
      System.exit(65);
    }
  }

  /** The wait in ms, or -1 if {@code text} is not a number of ms. */
  private static long parseWait(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
