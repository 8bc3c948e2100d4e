package org.level4j.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler reporting the CPU time the benchmark process used per operation (all threads:
 * the benchmark's, RocksDB's background work, GC, JIT), in the benchmark's time unit. On a
 * machine shared with other work, wall time per operation swings with the load; CPU time per
 * operation swings much less, so overhead ratios are read from this column.
 *
 * <pre>java -jar benchmarks.jar RocksVsRaw -prof org.level4j.bench.CpuTime</pre>
 */
public final class CpuTime implements InternalProfiler {
  private long start;

  @Override
  public String getDescription() {
    return "process CPU time per operation (all threads)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    start = processCpuNanos();
  }

  @Override
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
      IterationParams iterationParams, IterationResult result) {
    long used = processCpuNanos() - start;
    long ops = result.getMetadata().getMeasuredOps();
    TimeUnit unit = benchmarkParams.getTimeUnit();
    double perOp = ops == 0 ? Double.NaN : used / (double) ops / unit.toNanos(1);
    return List.of(new ScalarResult("cpu", perOp, symbol(unit) + "/op", AggregationPolicy.AVG));
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
