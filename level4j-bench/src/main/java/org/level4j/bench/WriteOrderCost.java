package org.level4j.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.StampedLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the RocksDB engine pays on every plain write so that conditional batches can run alone:
 * one shared hold of a {@link StampedLock}, alone and with two writers at once. Compare with
 * {@code RocksVsRaw.put_raw} (a whole RocksDB write).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class WriteOrderCost {
  private final StampedLock writeOrder = new StampedLock();

  @Benchmark
  public long sharedHold() {
    long stamp = writeOrder.readLock();
    writeOrder.unlockRead(stamp);
    return stamp;
  }

  @Benchmark
  @Threads(2)
  public long sharedHoldTwoWriters() {
    long stamp = writeOrder.readLock();
    writeOrder.unlockRead(stamp);
    return stamp;
  }
}
