package org.level4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.level4j.Database;
import org.level4j.MemoryLevel;
import org.level4j.Op;
import org.level4j.mutex.LevelMutex;
import org.level4j.net.Connector;
import org.level4j.net.Guest;
import org.level4j.net.Host;
import org.level4j.net.Listener;
import org.level4j.rocksdb.RocksLevel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Uncontended increments of one counter, one thread, on the in-memory database, on RocksDB
 * (default options, no sync), and on a guest of a RocksDB host over a Unix socket (the path of a
 * RaveLevel follower, whose conditional batches also carry a request id):
 *
 * <ul>
 *   <li>{@code plainPut}: a blind put, the ceiling;
 *   <li>{@code conditionalIncrement}: get, then a batch of {@code expect(old)} and {@code
 *       put(old + 1)}, which is what a cross-process increment costs;
 *   <li>{@code mutexIncrement}: the same increment through a {@link LevelMutex} continuation,
 *       waiting for each (a read phase and a write phase on the mutex's thread per increment);
 *   <li>{@code mutexIncrementPipelined}: 100 such increments (of 100 counters) in flight at
 *       once, which phases batch: the hand-off is paid per phase, not per increment;
 *   <li>{@code mutexPut}: a blind put through the mutex, for the cost of the thread hand-off;
 *   <li>{@code sharedMutexIncrement}: {@code mutexIncrement} on a {@link LevelMutex#shared}
 *       mutex, whose write carries the read as a precondition.
 * </ul>
 *
 * <p>{@link #main} runs them and prints each one's throughput relative to {@code plainPut}
 * (from the repository root):
 * <pre>
 * mvn -B -q package -pl level4j-bench -am -DskipTests
 * java -cp level4j-bench/target/benchmarks.jar org.level4j.bench.ConditionalIncrementBench
 * </pre>
 * or, for JMH's own options and report: {@code java -jar level4j-bench/target/benchmarks.jar
 * ConditionalIncrementBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConditionalIncrementBench {
  private static final String KEY = "counter";
  private static final int PIPELINE = 100;
  private static final String[] COUNTERS = new String[PIPELINE];

  static {
    for (int i = 0; i < PIPELINE; i++) {
      COUNTERS[i] = "counter-" + i;
    }
  }

  @Param({"memory", "rocksdb", "guest"})
  public String engine;

  private Path dir;
  private Database db;
  private Database hostDb;
  private Host host;
  private LevelMutex<String, String> mutex;
  private LevelMutex<String, String> sharedMutex;
  private long n;

  @Setup(Level.Trial)
  public void open() throws IOException {
    if (engine.equals("memory")) {
      db = MemoryLevel.open();
    } else {
      dir = Files.createTempDirectory("level4j-mutex-bench");
      db = RocksLevel.open(dir.resolve("db"));
      if (engine.equals("guest")) {
        hostDb = db;
        Path socket = dir.resolve("db.sock");
        host = Host.of(hostDb).listen(Listener.unix(socket));
        db = Guest.connect(Connector.unix(socket));
      }
    }
    mutex = LevelMutex.over(db);
    sharedMutex = LevelMutex.shared(db);
    db.put(KEY, "0");
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    mutex.close();
    sharedMutex.close();
    db.close();
    if (host != null) {
      host.close();
      hostDb.close();
    }
    if (dir != null) {
      Scratch.delete(dir);
    }
  }

  @Benchmark
  public void plainPut() {
    db.put(KEY, Long.toString(++n));
  }

  @Benchmark
  public void conditionalIncrement() {
    String old = db.get(KEY);
    db.batch(List.of(Op.expect(KEY, old), Op.put(KEY, Long.toString(Long.parseLong(old) + 1))));
  }

  @Benchmark
  public String mutexIncrement() {
    return mutex.get(KEY, (old, writer) -> {
      String next = Long.toString(Long.parseLong(old) + 1);
      writer.put(KEY, next);
      return next;
    }).join();
  }

  /** 100 increments of 100 counters in flight at once: phases batch them. */
  @Benchmark
  @OperationsPerInvocation(PIPELINE)
  public void mutexIncrementPipelined() {
    CompletableFuture<?>[] all = new CompletableFuture<?>[PIPELINE];
    for (int i = 0; i < PIPELINE; i++) {
      String key = COUNTERS[i];
      all[i] = mutex.get(key, (old, writer) -> {
        writer.put(key, Long.toString(old == null ? 1 : Long.parseLong(old) + 1));
        return null;
      });
    }
    CompletableFuture.allOf(all).join();
  }

  @Benchmark
  public String sharedMutexIncrement() {
    return sharedMutex.get(KEY, (old, writer) -> {
      String next = Long.toString(Long.parseLong(old) + 1);
      writer.put(KEY, next);
      return next;
    }).join();
  }

  @Benchmark
  public void mutexPut() {
    mutex.put(KEY, Long.toString(++n)).join();
  }

  /**
   * Runs the benchmarks and prints ops/s and the ratio to plain puts; takes JMH's command-line
   * options ({@code -p engine=rocksdb}, {@code -wi 2 -i 3}, ...).
   */
  public static void main(String[] args) throws Exception {
    Options options = new OptionsBuilder()
        .parent(new org.openjdk.jmh.runner.options.CommandLineOptions(args)) // e.g. -p engine=guest
        .include(ConditionalIncrementBench.class.getName() + "\\.")
        .build();
    Collection<RunResult> results = new Runner(options).run();
    Map<String, Map<String, Double>> score = new TreeMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      score.computeIfAbsent(r.getParams().getParam("engine"), e -> new TreeMap<>())
          .put(name.substring(name.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
    }
    System.out.println();
    System.out.printf("%-8s %-24s %12s %12s%n", "engine", "benchmark", "ops/s", "vs plainPut");
    for (Map.Entry<String, Map<String, Double>> engine : score.entrySet()) {
      double plain = engine.getValue().get("plainPut");
      for (Map.Entry<String, Double> e : engine.getValue().entrySet()) {
        System.out.printf("%-8s %-24s %12.0f %12.3f%n", engine.getKey(), e.getKey(), e.getValue(),
            e.getValue() / plain);
      }
    }
  }
}
