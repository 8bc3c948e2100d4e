package org.level4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler reporting CPU time per operation, in the benchmark's time unit:
 *
 * <ul>
 *   <li>{@code cpu}: the whole process (the benchmark threads, RocksDB's background flushes and
 *       compactions, GC, JIT);
 *   <li>{@code cpu.worker}: the benchmark threads only, that is the calls being measured. RocksDB
 *       flushes a full write buffer in the background, a large cost that lands in some
 *       iterations and not others; this column leaves it out.
 * </ul>
 *
 * <p>On a machine shared with other work, wall time per operation swings with the load; CPU time
 * swings much less, so overhead ratios are read from these columns.
 *
 * <pre>java -jar benchmarks.jar RocksVsRaw -prof org.level4j.bench.CpuTime</pre>
 */
public final class CpuTime implements InternalProfiler {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private long processStart;
  private final Map<Long, Long> workerStart = new HashMap<>();

  @Override
  public String getDescription() {
    return "CPU time per operation: whole process, and benchmark threads only";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    workerStart.clear();
    for (Thread t : workers()) {
      workerStart.put(t.getId(), THREADS.getThreadCpuTime(t.getId()));
    }
    processStart = processCpuNanos();
  }

  @Override
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
      IterationParams iterationParams, IterationResult result) {
    long process = processCpuNanos() - processStart;
    long worker = 0;
    for (Thread t : workers()) {
      long now = THREADS.getThreadCpuTime(t.getId());
      if (now >= 0) {
        worker += now - workerStart.getOrDefault(t.getId(), 0L);
      }
    }
    long ops = result.getMetadata().getMeasuredOps();
    TimeUnit unit = benchmarkParams.getTimeUnit();
    String per = symbol(unit) + "/op";
    return List.of(
        new ScalarResult("cpu", perOp(process, ops, unit), per, AggregationPolicy.AVG),
        new ScalarResult("cpu.worker", perOp(worker, ops, unit), per, AggregationPolicy.AVG));
  }

  private static double perOp(long nanos, long ops, TimeUnit unit) {
    return ops == 0 ? Double.NaN : nanos / (double) ops / unit.toNanos(1);
  }

  private static List<Thread> workers() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().contains("-jmh-worker-"))
        .toList();
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static String symbol(TimeUnit unit) {
    switch (unit) {
      case NANOSECONDS:
        return "ns";
      case MICROSECONDS:
        return "us";
      case MILLISECONDS:
        return "ms";
      case SECONDS:
        return "s";
      default:
        return unit.name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
