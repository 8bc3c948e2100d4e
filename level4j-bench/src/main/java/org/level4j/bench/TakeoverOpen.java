package org.level4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.level4j.Database;
import org.level4j.rave.RaveOptions;
import org.level4j.rocksdb.RocksLevel;
import org.level4j.rocksdb.RocksOptions;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

/**
 * What RocksDB's open costs a RaveLevel takeover, with the table files opened before the open
 * returns (a first open) and by a background thread ({@code open_files_async}, a takeover's).
 *
 * <p>It builds a directory as a killed leader leaves it: TABLES table files of 1,000 entries each
 * and LOG_ENTRIES more entries only in the write-ahead log, copied while RocksDB still has it
 * open (what a SIGKILL leaves: the log written to the OS, not flushed). Then it opens fresh
 * copies of that directory ROUNDS times each way, alternated, with RaveLevel's RocksDB options,
 * after 5 rounds of warm-up, and prints the medians of the open's wall time and of the opening
 * thread's processor time (which, unlike wall time, the host's steal does not stretch).
 *
 * <pre>
 * java -cp level4j-bench/target/benchmarks.jar org.level4j.bench.TakeoverOpen [ROUNDS [TABLES [LOG_ENTRIES]]]
 * </pre>
 */
public final class TakeoverOpen {
  private TakeoverOpen() {}

  /**
   * Runs it.
   *
   * @param args optionally the rounds (default 40), table files (12) and log entries (1000)
   * @throws Exception if a directory cannot be written or opened
   */
  public static void main(String[] args) throws Exception {
    int[] n = {40, 12, 1000};
    try {
      if (args.length > n.length) {
        throw new NumberFormatException();
      }
      for (int i = 0; i < args.length; i++) {
        n[i] = Integer.parseInt(args[i]);
        if (n[i] < (i == 0 ? 1 : 0)) {
          throw new NumberFormatException();
        }
      }
    } catch (NumberFormatException e) {
      System.err.println("usage: TakeoverOpen [ROUNDS [TABLES [LOG_ENTRIES]]]  (whole numbers)");
      System.exit(64);
    }
    Path root = Files.createTempDirectory("level4j-takeover-open-");
    try {
      Path crashed = root.resolve("crashed");
      killedLeader(root.resolve("live"), crashed, n[1], n[2]);
      RocksOptions rave = RaveOptions.defaults().rocks();
      String[] names = {"first_open", "takeover"};
      RocksOptions[] ways = {
          rave.toBuilder().adjust(o -> o.setOpenFilesAsync(false)).build(),
          rave.toBuilder().adjust(o -> o.setOpenFilesAsync(true)).build()};
      List<List<double[]>> samples = List.of(new ArrayList<>(), new ArrayList<>());
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      for (int round = -5; round < n[0]; round++) {
        for (int k = 0; k < 2; k++) {
          int way = (round + k) % 2 == 0 ? 0 : 1; // alternate which goes first
          Path copy = root.resolve("open-" + round + "-" + way);
          copy(crashed, copy);
          long cpu = threads.getCurrentThreadCpuTime();
          long wall = System.nanoTime();
          Database db = RocksLevel.open(copy, ways[way]);
          double[] s = {(System.nanoTime() - wall) / 1e6,
              (threads.getCurrentThreadCpuTime() - cpu) / 1e6};
          db.close();
          Scratch.delete(copy);
          if (round >= 0) {
            samples.get(way).add(s);
          }
        }
      }
      for (int way = 0; way < 2; way++) {
        System.out.printf(Locale.ROOT, "%s: open_ms_median=%.2f cpu_ms_median=%.2f (n=%d)%n",
            names[way], median(samples.get(way), 0), median(samples.get(way), 1),
            samples.get(way).size());
      }
    } finally {
      Scratch.delete(root);
    }
  }

  /** Writes {@code live} with plain rocksdbjni and copies it to {@code crashed} while open. */
  private static void killedLeader(Path live, Path crashed, int tables, int logEntries)
      throws Exception {
    RocksLevel.loadLibrary();
    byte[] value = new byte[100];
    // Table files as RaveLevel's leader writes them: with a bloom filter, which opening reads.
    try (BloomFilter filter = new BloomFilter(10);
        Options o = new Options().setCreateIfMissing(true).setDisableAutoCompactions(true)
            .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(filter));
        RocksDB db = RocksDB.open(o, live.toString());
        WriteOptions w = new WriteOptions();
        FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      long key = 0;
      for (int t = 0; t < tables; t++) {
        for (int i = 0; i < 1000; i++) {
          db.put(w, key(key++), value);
        }
        db.flush(flush);
      }
      for (int i = 0; i < logEntries; i++) {
        db.put(w, key(key++), value);
      }
      copy(live, crashed);
    }
  }

  private static byte[] key(long n) {
    return String.format(Locale.ROOT, "key-%012d", n).getBytes(StandardCharsets.US_ASCII);
  }

  private static double median(List<double[]> samples, int field) {
    List<Double> values = new ArrayList<>();
    for (double[] s : samples) {
      values.add(s[field]);
    }
    Collections.sort(values);
    return values.get(values.size() / 2);
  }

  private static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().equals("LOCK")) {
          Files.copy(p, target);
        }
      }
    }
  }
}
