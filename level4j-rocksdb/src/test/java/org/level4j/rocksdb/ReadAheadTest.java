package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Entry;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.spi.EngineIterator;

/**
 * A cursor that reads ahead returns exactly the entries a plain one would, in order, whatever
 * batch sizes the caller asks for, across seeks, and in both directions.
 */
class ReadAheadTest {
  private static final int N = 5000;

  @TempDir
  Path dir;

  private static byte[] key(int i) {
    return String.format("k%05d", i).getBytes(StandardCharsets.UTF_8);
  }

  private static int index(Entry<byte[], byte[]> e) {
    return Integer.parseInt(new String(e.key(), StandardCharsets.UTF_8).substring(1));
  }

  @Test
  void batchesOfAnySizeAndSeeksSeeEveryEntryOnceInOrder() {
    RocksEngine engine = new RocksEngine(dir, RocksOptions.defaults());
    engine.open();
    try {
      List<Op<byte[], byte[]>> ops = new ArrayList<>();
      for (int i = 0; i < N; i++) {
        ops.add(Op.put(key(i), ("v" + i).getBytes(StandardCharsets.UTF_8)));
      }
      engine.write(ops, false);
      Random random = new Random(42);
      for (boolean reverse : new boolean[] {false, true}) {
        for (int round = 0; round < 20; round++) {
          Range<byte[]> range = Range.<byte[]>all().reverse(reverse);
          EngineIterator it = engine.iterator(range, true, true, null);
          try {
            int expected = reverse ? N - 1 : 0;
            while (true) {
              if (random.nextInt(10) == 0) {
                // jump ahead by a few keys, as a seek does
                int target = reverse ? Math.max(0, expected - random.nextInt(300))
                    : Math.min(N, expected + random.nextInt(300));
                it.seek(key(target));
                expected = target;
              }
              int max = new int[] {1, 7, 64, 100, 1000, 3}[random.nextInt(6)];
              List<Entry<byte[], byte[]>> batch = it.nextv(max);
              assertThat(batch.size()).isLessThanOrEqualTo(max);
              for (Entry<byte[], byte[]> e : batch) {
                assertThat(index(e)).isEqualTo(expected);
                assertThat(new String(e.value(), StandardCharsets.UTF_8)).isEqualTo("v" + expected);
                expected += reverse ? -1 : 1;
              }
              if (batch.size() < max) {
                assertThat(expected).isEqualTo(reverse ? -1 : N);
                assertThat(it.nextv(100)).isEmpty();
                break;
              }
            }
          } finally {
            it.close();
          }
        }
      }
    } finally {
      engine.close();
    }
  }

  @Test
  void closingWhileAReadIsAheadFreesEverything() {
    RocksEngine engine = new RocksEngine(dir, RocksOptions.defaults());
    engine.open();
    List<Op<byte[], byte[]>> ops = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      ops.add(Op.put(key(i), new byte[100]));
    }
    engine.write(ops, false);
    for (int i = 0; i < 50; i++) {
      EngineIterator it = engine.iterator(Range.all(), true, true, null);
      it.nextv(500);
      it.nextv(500); // a third batch is now being read ahead
      if (i % 2 == 0) {
        it.close();
      }
    }
    engine.close(); // closes the other half, each with a read ahead in flight
  }
}
