package org.level4j.bench;

import java.util.concurrent.locks.StampedLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Threads;

/**
 * What the RocksDB engine pays on every plain write so that conditional batches can run alone:
 * one shared hold of a {@link StampedLock}, alone and with two writers at once. Compare with
 * {@code RocksVsRaw.put_raw} (a whole RocksDB write).
 */
public class WriteOrderCost extends NanoBench {
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
