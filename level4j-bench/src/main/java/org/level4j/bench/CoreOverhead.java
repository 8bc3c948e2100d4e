package org.level4j.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.Supports;
import org.level4j.spi.Databases;
import org.level4j.spi.Engine;
import org.level4j.spi.EngineIterator;
import org.level4j.spi.EngineSnapshot;
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

/**
 * What level4j itself adds to each operation of {@link RocksVsRaw}, without RocksDB's own cost:
 * the same calls through the level4j API over an engine that stores nothing and hands back
 * ready-made bytes ({@code x_level4j}), against only the String/UTF-8 conversions a raw
 * rocksdbjni user also pays ({@code x_strings}). The difference is level4j's overhead per
 * operation in nanoseconds, free of RocksDB's much larger and, on a shared machine, much noisier
 * cost.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CoreOverhead {
  static final byte[][] KEY_BYTES = new byte[RocksVsRaw.ENTRIES][];
  static final byte[][] VALUE_BYTES = new byte[RocksVsRaw.ENTRIES][];

  static {
    for (int i = 0; i < RocksVsRaw.ENTRIES; i++) {
      KEY_BYTES[i] = RocksVsRaw.bytes(RocksVsRaw.KEYS[i]);
      VALUE_BYTES[i] = RocksVsRaw.bytes(RocksVsRaw.VALUES[i]);
    }
  }

  /** An engine that writes nowhere and reads the fixed entries above. */
  static final class NullEngine implements Engine {
    private static final Supports SUPPORTS = Supports.all()
        .withPermanence(false).withSyncWrites(false).withConditionalBatch(false)
        .withExactlyOnce(false);

    @Override
    public Supports supports() {
      return SUPPORTS;
    }

    @Override
    public byte[] get(byte[] key, EngineSnapshot snapshot) {
      // As a native get does: a new array per call.
      return VALUE_BYTES[(key[0] & 0xff) % VALUE_BYTES.length].clone();
    }

    @Override
    public void write(List<Op<byte[], byte[]>> ops, boolean sync) {}

    @Override
    public EngineIterator iterator(Range<byte[]> range, boolean keys, boolean values,
        EngineSnapshot snapshot) {
      return new EngineIterator() {
        private int next;

        @Override
        public List<Entry<byte[], byte[]>> nextv(int max) {
          List<Entry<byte[], byte[]>> out = new ArrayList<>(Math.min(max, 1024));
          while (out.size() < max && next < KEY_BYTES.length) {
            out.add(new Entry<>(KEY_BYTES[next].clone(), VALUE_BYTES[next].clone()));
            next++;
          }
          return out;
        }

        @Override
        public void seek(byte[] target) {}

        @Override
        public void close() {}
      };
    }

    @Override
    public void clear(Range<byte[]> range) {}

    @Override
    public EngineSnapshot snapshot() {
      return () -> {};
    }
  }

  @State(Scope.Benchmark)
  public static class Side {
    Database db;

    @Setup
    public void open() {
      db = Databases.open(new NullEngine());
    }

    @TearDown
    public void close() {
      db.close();
    }
  }

  @Benchmark
  public void put_level4j(Side side, RocksVsRaw.Pick pick) {
    Calls.put(side.db, pick);
  }

  @Benchmark
  public void put_strings(RocksVsRaw.Pick pick, Blackhole bh) {
    int i = pick.next();
    bh.consume(RocksVsRaw.bytes(RocksVsRaw.KEYS[i]));
    bh.consume(RocksVsRaw.bytes(RocksVsRaw.VALUES[i]));
  }

  @Benchmark
  public String get_level4j(Side side, RocksVsRaw.Pick pick) {
    return Calls.get(side.db, pick);
  }

  @Benchmark
  public String get_strings(RocksVsRaw.Pick pick, Blackhole bh) {
    byte[] key = RocksVsRaw.bytes(RocksVsRaw.KEYS[pick.next()]);
    bh.consume(key);
    return new String(VALUE_BYTES[(key[0] & 0xff) % VALUE_BYTES.length].clone(),
        StandardCharsets.UTF_8);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void batch_level4j(Side side, RocksVsRaw.Pick pick) {
    Calls.batch(side.db, pick);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void batch_strings(RocksVsRaw.Pick pick, Blackhole bh) {
    for (int n = 0; n < RocksVsRaw.BATCH; n++) {
      int i = pick.next();
      bh.consume(RocksVsRaw.bytes(RocksVsRaw.KEYS[i]));
      bh.consume(RocksVsRaw.bytes(RocksVsRaw.VALUES[i]));
    }
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int scan_level4j(Side side, Blackhole bh) {
    return Scans.nextv(side.db, bh);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int scan_level4jForEach(Side side, Blackhole bh) {
    return Scans.forEach(side.db, bh);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int scan_strings(Blackhole bh) {
    int n = 0;
    for (int i = 0; i < KEY_BYTES.length; i++) {
      bh.consume(new String(KEY_BYTES[i].clone(), StandardCharsets.UTF_8));
      bh.consume(new String(VALUE_BYTES[i].clone(), StandardCharsets.UTF_8));
      n++;
    }
    return n;
  }
}
