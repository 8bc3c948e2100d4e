package org.level4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link RocksVsRaw}'s comparison for a machine shared with other work: both sides run in the same
 * JVM and thread, in turns a few milliseconds long (order swapped every turn), and the thread's
 * CPU time is charged to the side that ran. Load from elsewhere then falls on both alike, and
 * {@code level4jNanos / rawNanos} is level4j's cost relative to raw rocksdbjni. The primary score
 * (time per turn, both sides) is of no interest by itself.
 *
 * <pre>java -jar benchmarks.jar Interleaved -f 1 -wi 3 -i 5</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class Interleaved {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final int TURN = 200;

  /** CPU nanoseconds charged to each side during an iteration. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Charge {
    public long level4jNanos;
    public long rawNanos;
    boolean rawFirst;

    @Setup(Level.Iteration)
    public void reset() {
      level4jNanos = 0;
      rawNanos = 0;
    }
  }

  interface Turn {
    void run() throws Exception;
  }

  private static void turns(Charge charge, Turn level4j, Turn raw) throws Exception {
    charge.rawFirst = !charge.rawFirst;
    if (charge.rawFirst) {
      charge.rawNanos += cpu(raw);
      charge.level4jNanos += cpu(level4j);
    } else {
      charge.level4jNanos += cpu(level4j);
      charge.rawNanos += cpu(raw);
    }
  }

  private static long cpu(Turn turn) throws Exception {
    long start = THREADS.getCurrentThreadCpuTime();
    turn.run();
    return THREADS.getCurrentThreadCpuTime() - start;
  }

  @Benchmark
  public void put(RocksVsRaw.Level4jSide l, RocksVsRaw.RawSide r, RocksVsRaw.Pick pick,
      Charge charge) throws Exception {
    turns(charge, () -> {
      for (int n = 0; n < TURN; n++) {
        Calls.put(l.db, pick);
      }
    }, () -> {
      for (int n = 0; n < TURN; n++) {
        Calls.rawPut(r.db, r.writeOptions, pick);
      }
    });
  }

  @Benchmark
  public void get(RocksVsRaw.Level4jSide l, RocksVsRaw.RawSide r, RocksVsRaw.Pick pick,
      Charge charge, Blackhole bh) throws Exception {
    turns(charge, () -> {
      for (int n = 0; n < TURN; n++) {
        bh.consume(Calls.get(l.db, pick));
      }
    }, () -> {
      for (int n = 0; n < TURN; n++) {
        bh.consume(Calls.rawGet(r.db, pick));
      }
    });
  }

  @Benchmark
  public void batch(RocksVsRaw.Level4jSide l, RocksVsRaw.RawSide r, RocksVsRaw.Pick pick,
      Charge charge) throws Exception {
    turns(charge, () -> Calls.batch(l.db, pick),
        () -> Calls.rawBatch(r.db, r.writeOptions, pick));
  }

  /** Raw side decodes to Strings, as level4j does. */
  @Benchmark
  public void scan(RocksVsRaw.Level4jSide l, RocksVsRaw.RawSide r, Charge charge, Blackhole bh)
      throws Exception {
    turns(charge, () -> Scans.nextv(l.db, bh), () -> Scans.rawStrings(r.db, bh));
  }

  /** Raw side decodes Strings from one reused buffer: the cheapest raw scan yielding Strings. */
  @Benchmark
  public void scanBuffered(RocksVsRaw.Level4jSide l, RocksVsRaw.RawSide r, Charge charge,
      Blackhole bh) throws Exception {
    turns(charge, () -> Scans.nextv(l.db, bh), () -> Scans.rawStringsBuffered(r.db, bh));
  }

  /** Raw side keeps bytes, copied out through a reused buffer: the floor for a scan. */
  @Benchmark
  public void scanBytesFloor(RocksVsRaw.Level4jSide l, RocksVsRaw.RawSide r, Charge charge,
      Blackhole bh) throws Exception {
    turns(charge, () -> Scans.nextv(l.db, bh), () -> Scans.rawBytesBuffered(r.db, bh));
  }
}
