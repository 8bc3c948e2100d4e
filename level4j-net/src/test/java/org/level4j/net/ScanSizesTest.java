package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.Level;
import org.level4j.LevelIterator;
import org.level4j.MemoryLevel;
import org.level4j.Range;
import org.level4j.rocksdb.RocksLevel;

/**
 * A guest's scan of entries of every size, from a few bytes to 3 MiB, in each mode (entries,
 * keys, values) and direction, reaches it byte for byte: the host writes each entry from the
 * engine's read into the frame, its buffer growing for the large ones and shrinking after them
 * (HostIterator.Frames), and the guest decodes from the one array a message was read into
 * (Protobuf.Items). RocksDB hands the host slices of its buffer, the memory engine arrays of
 * their own: both are served.
 */
class ScanSizesTest {
  private static final int[] SIZES = {0, 1, 7, 4096, 70_000, 3 << 20, 5, 300, 1 << 20, 2, 64};

  @TempDir
  Path dir;

  private Supplier<Database> engine(String name) {
    return name.equals("rocksdb") ? () -> RocksLevel.open(dir.resolve("db"))
        : MemoryLevel::open;
  }

  private static byte[] key(int i) {
    return String.format("k%03d", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static byte[] value(int i, int size) {
    byte[] v = new byte[size];
    for (int j = 0; j < size; j++) {
      v[j] = (byte) (i * 31 + j * 7);
    }
    return v;
  }

  @ParameterizedTest
  @ValueSource(strings = {"rocksdb", "memory"})
  void everyEntryArrivesWholeInEachModeAndDirection(String kind) throws Exception {
    Path socket = dir.resolve("db.sock");
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    try (Database db = engine(kind).get();
        Host host = Host.of(db).listen(Listener.unix(socket));
        Guest guest = Guest.connect(Connector.unix(socket))) {
      for (int round = 0; round < 3; round++) { // so that small entries follow large ones
        for (int s = 0; s < SIZES.length; s++) {
          int i = round * SIZES.length + s;
          keys.add(key(i));
          values.add(value(i, SIZES[s]));
          db.bytes().put(key(i), value(i, SIZES[s]));
        }
      }
      Level<byte[], byte[]> remote = guest.bytes();
      for (boolean reverse : new boolean[] {false, true}) {
        Range<byte[]> all = reverse ? Range.<byte[]>all().reverse() : Range.all();
        List<byte[]> expectKeys = new ArrayList<>(keys);
        List<byte[]> expectValues = new ArrayList<>(values);
        if (reverse) {
          java.util.Collections.reverse(expectKeys);
          java.util.Collections.reverse(expectValues);
        }
        List<Entry<byte[], byte[]>> entries = drain(remote.iterator(all, null));
        assertThat(entries).hasSize(keys.size());
        for (int i = 0; i < entries.size(); i++) {
          assertThat(entries.get(i).key()).as("key %d", i).isEqualTo(expectKeys.get(i));
          assertThat(Arrays.equals(entries.get(i).value(), expectValues.get(i)))
              .as("value %d (%d bytes)", i, expectValues.get(i).length).isTrue();
        }
        List<byte[]> gotKeys = drain(remote.keys(all, null));
        assertThat(gotKeys).containsExactlyElementsOf(expectKeys);
        List<byte[]> gotValues = drain(remote.values(all, null));
        assertThat(gotValues).hasSize(expectValues.size());
        for (int i = 0; i < gotValues.size(); i++) {
          assertThat(Arrays.equals(gotValues.get(i), expectValues.get(i)))
              .as("value %d alone", i).isTrue();
        }
      }
    }
  }

  /** Reads in small batches, so that the guest hands out parts of messages. */
  private static <T> List<T> drain(LevelIterator<byte[], T> it) {
    try (it) {
      List<T> out = new ArrayList<>();
      for (List<T> part = it.nextv(3); !part.isEmpty(); part = it.nextv(3)) {
        out.addAll(part);
      }
      return out;
    }
  }
}
