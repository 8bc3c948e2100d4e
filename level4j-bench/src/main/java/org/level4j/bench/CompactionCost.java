package org.level4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.level4j.rave.RaveOptions;
import org.level4j.rocksdb.RocksDatabase;
import org.level4j.rocksdb.RocksLevel;
import org.level4j.rocksdb.RocksOptions;
import org.rocksdb.TickerType;

/**
 * What RocksDB's compactions cost a RaveLevel leader per put, with keys spread over the key range:
 * opens a scratch directory with RaveLevel's RocksDB options (a 2 MiB write buffer flushed after
 * 40 ms, so small level-0 files), writes random keys of 16 bytes (out of 4 million) with 100-byte
 * values at a steady RATE per second for SECONDS, waits 2 s for the compactions under way, and
 * prints RocksDB's own count of the compactions' processor time and bytes written, per put.
 *
 * <p>{@code BASE_MIB} sets the base level's size through {@link RocksOptions.Builder#adjust}
 * (RocksDB's default is 256 MiB; level4j's with flushAfter is 16), to compare the two in one build.
 * Processor time counted by RocksDB, unlike a rate, moves little with the host's steal.
 *
 * <pre>
 * java -cp level4j-bench/target/benchmarks.jar org.level4j.bench.CompactionCost [RATE [SECONDS [BASE_MIB]]]
 * </pre>
 */
public final class CompactionCost {
  private CompactionCost() {}

  /**
   * Runs it.
   *
   * @param args the puts per second (default 45000), the seconds (default 25) and the base
   *     level's size in MiB (default: level4j's)
   * @throws Exception if the scratch directory cannot be used
   */
  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 45_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 25;
    RocksOptions.Builder options = RaveOptions.defaults().rocks().toBuilder().statistics(true);
    String base = "level4j's";
    if (args.length > 2) {
      long bytes = Long.parseLong(args[2]) << 20;
      options.adjust(o -> o.setMaxBytesForLevelBase(bytes));
      base = args[2] + " MiB";
    }
    Path dir = Files.createTempDirectory("level4j-compaction-");
    long puts = 0;
    Map<TickerType, Long> stats;
    try (RocksDatabase db = RocksLevel.open(dir.resolve("db"), options.build())) {
      SplittableRandom random = new SplittableRandom(7);
      char[] value = new char[100];
      long start = System.nanoTime();
      long end = start + seconds * 1_000_000_000L;
      while (System.nanoTime() < end) {
        long due = start + puts * 1_000_000_000L / rate;
        while (System.nanoTime() < due) {
          Thread.onSpinWait();
        }
        for (int k = 0; k < value.length; k++) {
          value[k] = (char) ('a' + random.nextInt(26));
        }
        db.put(String.format(Locale.ROOT, "k%015d", random.nextInt(4_000_000)),
            new String(value));
        puts++;
      }
      Thread.sleep(2000);
      stats = db.statistics();
    } finally {
      Scratch.delete(dir);
    }
    long cpuMicros = stats.getOrDefault(TickerType.COMPACTION_CPU_TOTAL_TIME, 0L);
    long written = stats.getOrDefault(TickerType.COMPACT_WRITE_BYTES, 0L);
    System.out.printf(Locale.ROOT,
        "base=%s puts=%d compaction_cpu_ms=%d compaction_cpu_us_per_put=%.2f"
            + " compaction_written_bytes_per_put=%.0f%n",
        base, puts, cpuMicros / 1000, (double) cpuMicros / puts, (double) written / puts);
  }
}
