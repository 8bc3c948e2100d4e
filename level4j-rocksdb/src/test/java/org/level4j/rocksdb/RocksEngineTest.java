package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Entry;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.spi.EngineIterator;
import org.level4j.spi.EngineSnapshot;
import org.level4j.spi.EntryDecoder;
import org.rocksdb.PerfLevel;
import org.rocksdb.RocksDB;

/** The engine below the core: native handles are freed exactly once, whoever frees them. */
class RocksEngineTest {
  @TempDir
  Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void closeFreesWhatTheCoreLeftOpenAndLaterClosesAreHarmless() {
    RocksEngine engine = new RocksEngine(dir, RocksOptions.defaults());
    engine.open();
    engine.write(List.of(Op.put(b("a"), b("1")), Op.put(b("b"), b("2"))), false);
    EngineIterator it = engine.iterator(Range.all(), true, true, null);
    EngineSnapshot snapshot = engine.snapshot();
    EngineIterator fromSnapshot = engine.iterator(Range.all(), true, true, snapshot);
    assertThat(it.nextv(1)).hasSize(1);
    engine.close();
    it.close();
    fromSnapshot.close();
    snapshot.close();
    snapshot.close();
    engine.open();
    try {
      assertThat(engine.get(b("b"), null)).isEqualTo(b("2"));
    } finally {
      engine.close();
    }
    engine.close();
  }

  @Test
  void eachCallTurnsOffItsThreadsPerfCounters() throws Exception {
    RocksEngine engine = new RocksEngine(dir.resolve("engine"), RocksOptions.defaults());
    engine.open();
    // The perf level is the calling thread's, not a database's: any handle reads it.
    try (RocksDB probe = RocksDB.open(dir.resolve("probe").toString())) {
      engine.write(List.of(Op.put(b("a"), b("1")), Op.put(b("b"), b("2"))), false);
      EngineIterator shared = engine.iterator(Range.all(), true, true, null);
      List<Consumer<RocksEngine>> calls = List.of(
          e -> e.write(List.of(Op.put(b("c"), b("3"))), false),
          e -> e.get(b("a"), null),
          e -> e.getMany(List.of(b("a"), b("b")), null),
          e -> e.iterator(Range.all(), true, true, null).close(),
          e -> shared.nextv(1), // made by another thread, read by this one
          e -> shared.seek(b("b")));
      for (Consumer<RocksEngine> call : calls) {
        PerfLevel[] levels = CompletableFuture.supplyAsync(() -> {
          PerfLevel before = probe.getPerfLevel();
          call.accept(engine);
          return new PerfLevel[] {before, probe.getPerfLevel()};
        }, r -> new Thread(r).start()).get();
        assertThat(levels).containsExactly(PerfLevel.ENABLE_COUNT, PerfLevel.DISABLE);
      }
      shared.close();
    } finally {
      engine.close();
    }
  }

  @Test
  void aDirectoryOpenedOftenWithFewWritesKeepsABoundedNumberOfLogs() throws Exception {
    int opens = 3 * RocksEngine.MANY_LOGS;
    for (int i = 0; i < opens; i++) { // as a script calling `level4j put` would
      RocksEngine engine = new RocksEngine(dir, RocksOptions.defaults());
      engine.open();
      try {
        engine.write(List.of(Op.put(b("k" + i), b("v" + i))), false);
      } finally {
        engine.close();
      }
    }
    long logs;
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
      logs = files.filter(f -> f.getFileName().toString().endsWith(".log")).count();
    }
    assertThat(logs).isLessThanOrEqualTo(RocksEngine.MANY_LOGS + 1);
    RocksEngine engine = new RocksEngine(dir, RocksOptions.defaults());
    engine.open();
    try {
      for (int i = 0; i < opens; i++) {
        assertThat(engine.get(b("k" + i), null)).isEqualTo(b("v" + i));
      }
    } finally {
      engine.close();
    }
  }

  @Test
  void iteratorOutlivesTheSnapshotItReadsFrom() {
    RocksEngine engine = new RocksEngine(dir, RocksOptions.defaults());
    engine.open();
    try {
      engine.write(List.of(Op.put(b("a"), b("old"))), false);
      EngineSnapshot snapshot = engine.snapshot();
      EngineIterator it = engine.iterator(Range.all(), true, true, snapshot);
      snapshot.close();
      engine.write(List.of(Op.put(b("a"), b("new")), Op.put(b("b"), b("new"))), false);
      List<Entry<byte[], byte[]>> seen = it.nextv(10);
      it.close();
      assertThat(seen).hasSize(1);
      assertThat(seen.get(0).value()).isEqualTo(b("old"));
    } finally {
      engine.close();
    }
  }

  @Test
  void emptyRangeIteratorIsExhaustedAndSeeksStayExhausted() {
    RocksEngine engine = new RocksEngine(dir, RocksOptions.defaults());
    engine.open();
    try {
      engine.write(List.of(Op.put(b("a"), b("1")), Op.put(b("b"), b("2"))), false);
      Range<byte[]> empty = Range.<byte[]>all().gt(b("b")).lte(b("a"));
      EngineIterator it = engine.iterator(empty, true, true, null);
      assertThat(it.nextv(5)).isEmpty();
      it.seek(b("a"));
      assertThat(it.nextv(5)).isEmpty();
      it.close();
      it.close();
    } finally {
      engine.close();
    }
  }

  @Test
  void iteratorsReadEntriesOfEverySizeWhole() {
    int[] sizes = {0, 1, 1023, 1024, 1025, 5000, 65536, 65537, 200_000};
    RocksEngine engine = new RocksEngine(dir, RocksOptions.defaults());
    engine.open();
    try {
      for (int s : sizes) {
        byte[] key = new byte[s + 1];
        key[0] = (byte) (sizes.length - java.util.Arrays.binarySearch(sizes, s));
        java.util.Arrays.fill(key, 1, key.length, (byte) 'k');
        byte[] value = new byte[s];
        java.util.Arrays.fill(value, (byte) s);
        engine.write(List.of(Op.put(key, value)), false);
      }
      for (boolean reverse : new boolean[] {false, true}) {
        EngineIterator it = engine.iterator(Range.<byte[]>all().reverse(reverse), true, true,
            null);
        List<Entry<byte[], byte[]>> all = it.nextv(100);
        it.close();
        assertThat(all).hasSize(sizes.length);
        for (Entry<byte[], byte[]> e : all) {
          int s = e.value().length;
          assertThat(e.key()).hasSize(s + 1);
          byte[] expected = new byte[s];
          java.util.Arrays.fill(expected, (byte) s);
          assertThat(e.value()).isEqualTo(expected);
        }
        assertThat(all.get(0).value()).hasSize(reverse ? 0 : 200_000);
      }
    } finally {
      engine.close();
    }
  }

  /** Decodes an entry to "key=value length" from slices, and fails on the key "c". */
  private static final EntryDecoder<String> PAIRS = pairsFailingAt("c");

  /** Decodes an entry to "key=value length" from slices, and fails on the key {@code bad}. */
  private static EntryDecoder<String> pairsFailingAt(String bad) {
    return new EntryDecoder<>() {
      @Override
      public String decode(Entry<byte[], byte[]> e) {
        throw new AssertionError("the engine should decode from its buffer");
      }

      @Override
      public String decode(byte[] key, int keyOffset, int keyLength, byte[] value,
          int valueOffset, int valueLength) {
        String k = new String(key, keyOffset, keyLength, StandardCharsets.UTF_8);
        if (k.equals(bad)) {
          throw new IllegalArgumentException("no " + bad);
        }
        return k + "=" + (valueLength < 0 ? "-" : valueLength);
      }
    };
  }

  @Test
  void decodingFromTheBufferSeesKeysAndValuesOfEverySize() {
    int[] sizes = {2, 1023, 1024, 1025, 40_000, 65535, 65536, 65537, 200_000};
    RocksEngine engine = new RocksEngine(dir, RocksOptions.defaults());
    engine.open();
    try {
      List<String> expected = new java.util.ArrayList<>();
      for (int i = 0; i < sizes.length; i++) {
        for (int j = 0; j < sizes.length; j++) {
          byte[] key = new byte[sizes[i]];
          java.util.Arrays.fill(key, (byte) 'k');
          key[0] = (byte) ('a' + i);
          key[key.length - 1] = (byte) ('a' + j);
          engine.write(List.of(Op.put(key, new byte[sizes[j]])), false);
          expected.add(new String(key, StandardCharsets.UTF_8) + "=" + sizes[j]);
        }
      }
      expected.sort(null);
      EngineIterator it = engine.iterator(Range.all(), true, true, null);
      assertThat(it.nextv(1000, PAIRS)).containsExactlyElementsOf(expected);
      it.close();
      EngineIterator keys = engine.iterator(Range.all(), true, false, null);
      assertThat(keys.nextv(1000, PAIRS)).containsExactlyElementsOf(
          expected.stream().map(e -> e.substring(0, e.indexOf('=')) + "=-").toList());
      keys.close();
    } finally {
      engine.close();
    }
  }

  @Test
  void anEntryThatFailsToDecodeEndsItsWholeBatch() {
    RocksEngine engine = new RocksEngine(dir, RocksOptions.defaults());
    engine.open();
    try {
      for (String k : List.of("a", "b", "c", "d", "e", "f")) {
        engine.write(List.of(Op.put(b(k), b("1"))), false);
      }
      EngineIterator it = engine.iterator(Range.all(), true, true, null);
      assertThat(it.nextv(1, PAIRS)).containsExactly("a=1");
      // as when the core decoded a batch the engine had read whole: b, c and d are gone
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> it.nextv(3, PAIRS))
          .hasMessage("no c");
      assertThat(it.nextv(5, PAIRS)).containsExactly("e=1", "f=1");
      it.close();
    } finally {
      engine.close();
    }
  }

  /**
   * The cursor reads a batch a few dozen entries per call of an inner loop: batches of every
   * size around that come whole, in order, both ways, and end where the range ends; a failed
   * decoding deep in a batch skips exactly the rest of that batch.
   */
  @Test
  void batchesOfEverySizeComeWholeAndAFailureSkipsTheRestOfItsBatch() {
    RocksEngine engine = new RocksEngine(dir, RocksOptions.defaults());
    engine.open();
    try {
      List<String> all = new java.util.ArrayList<>();
      for (int i = 0; i < 150; i++) {
        String k = String.format("k%03d", i);
        engine.write(List.of(Op.put(b(k), b("1"))), false);
        all.add(k + "=1");
      }
      for (int count : new int[] {31, 32, 33, 64, 65, 150}) {
        for (boolean reverse : new boolean[] {false, true}) {
          Range<byte[]> range = Range.of(null, true, b(String.format("k%03d", count)), false,
              reverse, -1);
          List<String> expected = new java.util.ArrayList<>(all.subList(0, count));
          if (reverse) {
            java.util.Collections.reverse(expected);
          }
          for (int max : new int[] {1, 31, 32, 33, 64, 100, 1000}) {
            EngineIterator it = engine.iterator(range, true, true, null);
            List<String> got = new java.util.ArrayList<>();
            for (List<String> part = it.nextv(max, PAIRS); !part.isEmpty();
                part = it.nextv(max, PAIRS)) {
              assertThat(part).as("count %d, max %d, reverse %s, after %d", count, max, reverse,
                  got.size()).hasSize(Math.min(max, count - got.size()));
              got.addAll(part);
            }
            it.close();
            assertThat(got).as("count %d, max %d, reverse %s", count, max, reverse)
                .isEqualTo(expected);
          }
        }
      }
      EntryDecoder<String> failsAt40 = pairsFailingAt("k040");
      EngineIterator it = engine.iterator(Range.all(), true, true, null);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> it.nextv(100, failsAt40))
          .hasMessage("no k040");
      assertThat(it.nextv(3, failsAt40)).containsExactly("k100=1", "k101=1", "k102=1");
      it.close();
    } finally {
      engine.close();
    }
  }

  @Test
  void keysOnlyAndValuesOnlyIteratorsLeaveTheOtherHalfOut() {
    RocksEngine engine = new RocksEngine(dir, RocksOptions.defaults());
    engine.open();
    try {
      engine.write(List.of(Op.put(b("a"), b("1"))), false);
      EngineIterator keys = engine.iterator(Range.all(), true, false, null);
      Entry<byte[], byte[]> k = keys.nextv(5).get(0);
      keys.close();
      EngineIterator values = engine.iterator(Range.all(), false, true, null);
      Entry<byte[], byte[]> v = values.nextv(5).get(0);
      values.close();
      assertThat(k.key()).isEqualTo(b("a"));
      assertThat(k.value()).isNull();
      assertThat(v.key()).isNull();
      assertThat(v.value()).isEqualTo(b("1"));
    } finally {
      engine.close();
    }
  }

  /**
   * A user closing an iterator or a snapshot in one thread while the database closes in another:
   * freeing them on a destroyed database would abort the whole JVM, so this test passes only if
   * the two never overlap.
   */
  @Test
  void freeingIteratorsAndSnapshotsRacesSafelyWithClose() throws Exception {
    for (int round = 0; round < 200; round++) {
      RocksEngine engine = new RocksEngine(dir, RocksOptions.defaults());
      engine.open();
      engine.write(List.of(Op.put(b("a"), b("1")), Op.put(b("b"), b("2"))), false);
      EngineIterator it = engine.iterator(Range.all(), true, true, null);
      it.nextv(1);
      EngineSnapshot snapshot = engine.snapshot();
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
      java.util.concurrent.atomic.AtomicReference<Throwable> failed =
          new java.util.concurrent.atomic.AtomicReference<>();
      Thread user = new Thread(() -> {
        try {
          start.await(30, java.util.concurrent.TimeUnit.SECONDS);
          it.close();
          snapshot.close();
        } catch (Throwable e) {
          failed.set(e); // an uncaught exception would only be logged, and the test pass
        }
      });
      user.start();
      start.await(30, java.util.concurrent.TimeUnit.SECONDS);
      engine.close();
      user.join();
      assertThat(failed.get()).as("the closing thread's failure in round %s", round).isNull();
    }
  }
}
