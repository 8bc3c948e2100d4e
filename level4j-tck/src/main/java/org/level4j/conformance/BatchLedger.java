package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.LevelIterator;
import org.level4j.Op;
import org.level4j.Range;

/**
 * Numbered batches whose every key shows which batch wrote it, for the tests that kill a process
 * while it writes them (RocksDB's and RaveLevel's crash tests): after the crash, each batch must be
 * all there or not at all.
 *
 * <p>Batch {@code b} under {@code prefix} puts {@link #KEYS} new keys {@code prefix/b<b>/<i>}, each
 * with a {@link #VALUE_BYTES}-byte value (so a batch is a large log record, and a writer spends
 * most of its time inside batches), and overwrites {@link #SLOTS} keys {@code prefix/slot<i>},
 * spread before and after the batch keys, with {@code b}. One writer writes the batches of a
 * prefix in order, so after a crash the batches present must be 0 .. last with none missing, and
 * every slot must hold {@code last}.
 */
public final class BatchLedger {
  /** New keys each batch puts. */
  public static final int KEYS = 64;
  /** Keys every batch overwrites with its number. */
  public static final int SLOTS = 8;
  static final int VALUE_BYTES = 512;

  private BatchLedger() {}

  /**
   * Batch {@code b}'s operations.
   *
   * @param prefix the writer's prefix
   * @param b the batch number, from 0
   * @return the operations of the batch
   */
  public static List<Op<String, String>> batch(String prefix, long b) {
    List<Op<String, String>> ops = new ArrayList<>(KEYS + SLOTS);
    String value = String.valueOf(b).repeat(VALUE_BYTES / String.valueOf(b).length() + 1)
        .substring(0, VALUE_BYTES);
    for (int s = 0; s < SLOTS / 2; s++) {
      ops.add(Op.put(prefix + "/a-slot" + s, Long.toString(b)));
    }
    String number = Long.toString(b);
    String batchKey = prefix + "/b" + "0".repeat(Math.max(0, 10 - number.length())) + number + "/";
    for (int i = 0; i < KEYS; i++) {
      ops.add(Op.put(batchKey + i, value));
    }
    for (int s = SLOTS / 2; s < SLOTS; s++) {
      ops.add(Op.put(prefix + "/z-slot" + s, Long.toString(b)));
    }
    return ops;
  }

  /**
   * The last number in {@code acks}, a file a writer appends each acknowledged batch's number to
   * (one line each, written once the batch is acknowledged); -1 if there is none.
   *
   * @param acks the writer's file of acknowledged batch numbers
   * @return the last acknowledged batch, or -1
   * @throws IOException if the file cannot be read
   */
  public static long lastAcknowledged(Path acks) throws IOException {
    if (!Files.exists(acks)) {
      return -1;
    }
    List<String> lines = Files.readAllLines(acks, StandardCharsets.US_ASCII);
    long last = -1;
    for (String line : lines) {
      if (!line.isEmpty()) {
        long b = Long.parseLong(line.trim());
        assertThat(b).as("acknowledgements in %s are in order", acks).isEqualTo(last + 1);
        last = b;
      }
    }
    return last;
  }

  /**
   * Checks that every batch under {@code prefix} is whole, that they are 0 .. last without a gap,
   * that the slots all hold last, and that last is at least {@code acknowledged} (the highest
   * batch the writer saw acknowledged, -1 for none) and at most one more.
   *
   * @param db the database the writer wrote to
   * @param prefix the writer's prefix
   * @param acknowledged the last batch the writer saw acknowledged, or -1
   * @return the last batch present
   */
  public static long check(Database db, String prefix, long acknowledged) {
    TreeMap<Long, Integer> keysOfBatch = new TreeMap<>();
    List<String> slots = new ArrayList<>();
    try (LevelIterator<String, Entry<String, String>> it =
        db.iterator(Range.<String>all().gt(prefix + "/").lt(prefix + "/~"))) {
      for (Entry<String, String> e = it.next(); e != null; e = it.next()) {
        String rest = e.key().substring(prefix.length() + 1);
        if (rest.startsWith("b")) {
          long b = Long.parseLong(rest.substring(1, rest.indexOf('/')));
          assertThat(e.value()).as("value of %s", e.key()).startsWith(String.valueOf(b));
          keysOfBatch.merge(b, 1, Integer::sum);
        } else {
          slots.add(e.value());
        }
      }
    }
    long last = keysOfBatch.isEmpty() ? -1 : keysOfBatch.lastKey();
    keysOfBatch.forEach((b, n) -> assertThat(n)
        .as("keys of batch %s under %s: a batch must be all there or not at all", b, prefix)
        .isEqualTo(KEYS));
    assertThat(keysOfBatch.size()).as("batches under %s are 0..%s without a gap", prefix, last)
        .isEqualTo(last + 1);
    if (last < 0) {
      assertThat(slots).as("slots under %s with no batch", prefix).isEmpty();
    } else {
      assertThat(slots).as("slots under %s: written by the same batch as the last batch's keys",
          prefix).hasSize(SLOTS).containsOnly(Long.toString(last));
    }
    assertThat(last).as("last batch under %s against the last acknowledged one", prefix)
        .isBetween(acknowledged, acknowledged + 1);
    return last;
  }
}
