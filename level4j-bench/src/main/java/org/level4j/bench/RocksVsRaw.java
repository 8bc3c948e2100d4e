package org.level4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.level4j.Database;
import org.level4j.bench.raw.RawRocks;
import org.level4j.rocksdb.RocksLevel;
import org.level4j.rocksdb.RocksOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB engine through the level4j API ({@code String} keys and values, UTF-8) against
 * plain rocksdbjni doing the same work on the same data with the same RocksDB options. The raw
 * side encodes and decodes Strings too, as an application would; {@code scan_rawBytes} shows the
 * floor without that.
 *
 * <p>Each side reads a database of {@value #ENTRIES} entries (16-byte keys, 100-byte values),
 * loaded and flushed to a table file before the trial. Compare {@code x_level4j} with
 * {@code x_raw}: the ratio is level4j's overhead.
 *
 * <pre>
 * mvn -B -q -o package -pl level4j-bench -am -DskipTests
 * java -jar level4j-bench/target/benchmarks.jar RocksVsRaw -f 1 -wi 2 -i 3
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RocksVsRaw {
  static final int ENTRIES = 100_000;
  static final int BATCH = 1000;
  static final String[] KEYS = new String[ENTRIES];
  static final String[] VALUES = new String[ENTRIES];

  static {
    Random random = new Random(42);
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for (int i = 0; i < ENTRIES; i++) {
      KEYS[i] = text(random, alphabet, 16);
      VALUES[i] = text(random, alphabet, 100);
    }
  }

  private static String text(Random random, String alphabet, int length) {
    char[] c = new char[length];
    for (int i = 0; i < length; i++) {
      c[i] = alphabet.charAt(random.nextInt(alphabet.length()));
    }
    return new String(c);
  }

  /** A fresh directory holding the loaded, flushed database. */
  static Path loaded() throws IOException, RocksDBException {
    Path dir = Files.createTempDirectory("level4j-bench");
    try (RawRocks raw = RawRocks.open(dir, RocksOptions.defaults());
        WriteBatch batch = new WriteBatch();
        WriteOptions wo = new WriteOptions();
        FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      for (int i = 0; i < ENTRIES; i++) {
        batch.put(bytes(KEYS[i]), bytes(VALUES[i]));
      }
      raw.db.write(wo, batch);
      raw.db.flush(flush);
    }
    return dir;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The database through level4j. */
  @State(Scope.Benchmark)
  public static class Level4jSide {
    Path dir;
    Database db;

    @Setup
    public void open() throws Exception {
      dir = loaded();
      db = RocksLevel.open(dir);
    }

    @TearDown
    public void close() throws IOException {
      db.close();
      Scratch.delete(dir);
    }
  }

  /** The same database through rocksdbjni alone. */
  @State(Scope.Benchmark)
  public static class RawSide {
    Path dir;
    RawRocks raw;
    RocksDB db;
    WriteOptions writeOptions;

    @Setup
    public void open() throws Exception {
      dir = loaded();
      raw = RawRocks.open(dir, RocksOptions.defaults());
      db = raw.db;
      writeOptions = new WriteOptions();
    }

    @TearDown
    public void close() throws IOException {
      writeOptions.close();
      raw.close();
      Scratch.delete(dir);
    }
  }

  /** Which entry to use next: a cheap pseudo-random walk over all of them, per thread. */
  @State(Scope.Thread)
  public static class Pick {
    private int x = 0x2545F491;

    int next() {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x & Integer.MAX_VALUE) % ENTRIES;
    }
  }

  // ---- put: one 16-byte key, one 100-byte value ------------------------------------------------

  @Benchmark
  public void put_level4j(Level4jSide side, Pick pick) {
    Calls.put(side.db, pick);
  }

  @Benchmark
  public void put_raw(RawSide side, Pick pick) throws RocksDBException {
    Calls.rawPut(side.db, side.writeOptions, pick);
  }

  // ---- get: a random existing key ------------------------------------------------------------

  @Benchmark
  public String get_level4j(Level4jSide side, Pick pick) {
    return Calls.get(side.db, pick);
  }

  @Benchmark
  public String get_raw(RawSide side, Pick pick) throws RocksDBException {
    return Calls.rawGet(side.db, pick);
  }

  // ---- batch: 1000 puts written atomically ---------------------------------------------------

  @Benchmark
  public void batch_level4j(Level4jSide side, Pick pick) {
    Calls.batch(side.db, pick);
  }

  @Benchmark
  public void batch_raw(RawSide side, Pick pick) throws RocksDBException {
    Calls.rawBatch(side.db, side.writeOptions, pick);
  }

  // ---- scan: every entry, in order -----------------------------------------------------------

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int scan_level4j(Level4jSide side, Blackhole bh) {
    return Scans.nextv(side.db, bh);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int scan_level4jForEach(Level4jSide side, Blackhole bh) {
    return Scans.forEach(side.db, bh);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int scan_rawStrings(RawSide side, Blackhole bh) {
    return Scans.rawStrings(side.db, bh);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int scan_rawStringsBuffered(RawSide side, Blackhole bh) {
    return Scans.rawStringsBuffered(side.db, bh);
  }

  /** Bytes copied out through a reused buffer, as the level4j engine reads them. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int scan_rawBytesBuffered(RawSide side, Blackhole bh) {
    return Scans.rawBytesBuffered(side.db, bh);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int scan_rawBytes(RawSide side, Blackhole bh) {
    return Scans.rawBytes(side.db, bh);
  }
}
