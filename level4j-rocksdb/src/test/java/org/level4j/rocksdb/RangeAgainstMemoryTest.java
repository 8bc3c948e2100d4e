package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.Level;
import org.level4j.LevelIterator;
import org.level4j.MemoryLevel;
import org.level4j.Range;
import org.level4j.conformance.Seed;

/**
 * Ranges, seeks and clears on RocksDB give exactly what the memory engine gives, for random keys
 * made of the bytes where unsigned order and bound arithmetic can go wrong (0x00, 0x7f, 0x80,
 * 0xff). Re-run a failure with {@code -Dlevel4j.seed=<seed>}.
 */
class RangeAgainstMemoryTest {
  private static final byte[] ALPHABET = {0x00, 0x01, 0x7f, (byte) 0x80, (byte) 0xfe,
      (byte) 0xff};
  private static final HexFormat HEX = HexFormat.of();

  @TempDir
  Path dir;

  @Test
  void rangesSeeksAndClearsMatchTheMemoryEngine() {
    long seed = Seed.of("rangesSeeksAndClearsMatchTheMemoryEngine");
    Random random = new Random(seed);
    try (Database rocksDb = RocksLevel.open(dir); Database memoryDb = MemoryLevel.open()) {
      Level<byte[], byte[]> rocks = rocksDb.bytes();
      Level<byte[], byte[]> memory = memoryDb.bytes();
      for (int i = 0; i < 400; i++) {
        byte[] k = key(random);
        if (random.nextInt(5) == 0) {
          rocks.del(k);
          memory.del(k);
        } else {
          byte[] v = new byte[] {(byte) i};
          rocks.put(k, v);
          memory.put(k, v);
        }
      }
      for (int round = 0; round < 400; round++) {
        Range<byte[]> range = range(random);
        String what = "seed " + seed + ", round " + round + ", " + range;
        assertThat(show(rocks.iterator(range).all())).as(what)
            .isEqualTo(show(memory.iterator(range).all()));
        if (round % 4 == 0) {
          byte[] target = key(random);
          int before = random.nextInt(3);
          try (LevelIterator<byte[], Entry<byte[], byte[]>> r = rocks.iterator(range);
              LevelIterator<byte[], Entry<byte[], byte[]>> m = memory.iterator(range)) {
            assertThat(show(r.nextv(before + 1))).as(what).isEqualTo(show(m.nextv(before + 1)));
            r.seek(target);
            m.seek(target);
            assertThat(show(r.nextv(5))).as(what + ", seek " + HEX.formatHex(target))
                .isEqualTo(show(m.nextv(5)));
          }
        }
      }
      for (int round = 0; round < 30; round++) {
        Range<byte[]> range = range(random);
        rocks.clear(range);
        memory.clear(range);
        assertThat(show(rocks.iterator().all())).as("seed " + seed + ", clear " + range)
            .isEqualTo(show(memory.iterator().all()));
        byte[] k = key(random);
        rocks.put(k, k);
        memory.put(k, k);
      }
    }
  }

  private static byte[] key(Random random) {
    byte[] k = new byte[random.nextInt(4)];
    for (int i = 0; i < k.length; i++) {
      k[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return k;
  }

  private static Range<byte[]> range(Random random) {
    Range<byte[]> r = Range.all();
    switch (random.nextInt(3)) {
      case 0:
        r = r.gt(key(random));
        break;
      case 1:
        r = r.gte(key(random));
        break;
      default:
        break;
    }
    switch (random.nextInt(3)) {
      case 0:
        r = r.lt(key(random));
        break;
      case 1:
        r = r.lte(key(random));
        break;
      default:
        break;
    }
    if (random.nextBoolean()) {
      r = r.reverse();
    }
    if (random.nextInt(3) == 0) {
      r = r.limit(random.nextInt(12));
    }
    return r;
  }

  private static List<String> show(List<Entry<byte[], byte[]>> entries) {
    List<String> out = new ArrayList<>();
    for (Entry<byte[], byte[]> e : entries) {
      out.add(HEX.formatHex(e.key()) + "=" + HEX.formatHex(e.value()));
    }
    return out;
  }
}
