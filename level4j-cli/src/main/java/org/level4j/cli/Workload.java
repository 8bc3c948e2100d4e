package org.level4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.Op;

/**
 * The workload of the Node rave-level benchmarks, operation for operation, so that {@code bench}
 * figures compare with theirs: the same keys, the same 100-byte values, the same phases under the
 * same names, in the same order, through the same kind of calls (awaited one by one, in atomic
 * batches, or 64 in flight through the async API).
 *
 * <p>Keys are a 3-letter prefix and a 13-digit index ({@code key0000000000001}); values are
 * {@code v}, the 13-digit index and 86 pseudo-random letters computed from the index, so any
 * process can check what it reads.
 */
final class Workload {
  /** The phases, in the order they run. */
  static final List<String> PHASES = List.of("put_seq", "get_seq", "batch_put_1000",
      "scan_nextv1000", "put_window64", "get_window64");

  static final int BATCH = 1000;
  static final int WINDOW = 64;
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

  /** What one phase did. */
  record Result(String phase, long ops, double ms) {
    long opsPerSec() {
      return Math.round(ops / (ms / 1000));
    }

    String json() {
      return String.format(Locale.ROOT, "{\"phase\":\"%s\",\"ops\":%d,\"ms\":%.2f,\"opsPerSec\":%d}",
          phase, ops, ms, opsPerSec());
    }
  }

  /** Told how far a phase got: {@code done} of {@code total} operations. */
  interface Tick {
    Tick NONE = (done, total) -> {};

    void at(long done, long total);
  }

  private final Database db;
  private final int n;
  private final Tick tick;
  private final int batch;

  Workload(Database db, int n, Tick tick) {
    this(db, n, tick, BATCH);
  }

  /**
   * A workload whose batch phase writes batches of {@code batch} entries, and is named {@code
   * batch_put_<batch>}: an etcd cluster takes at most 128 operations in one transaction.
   */
  Workload(Database db, int n, Tick tick, int batch) {
    this.db = db;
    this.n = n;
    this.tick = tick;
    this.batch = batch;
  }

  /** The name of the batch phase with batches of {@code batch}. */
  static String batchPhase(int batch) {
    return "batch_put_" + batch;
  }

  static String key(String prefix, long i) {
    StringBuilder b = new StringBuilder(16).append(prefix);
    String digits = Long.toString(i);
    for (int pad = 13 - digits.length(); pad > 0; pad--) {
      b.append('0');
    }
    return b.append(digits).toString();
  }

  /**
   * The value of index {@code i}, exactly as the anchor's {@code value(i)}: its seed is computed
   * in double precision and reduced modulo 2^32 ({@code >>> 0}), as JavaScript does, which stays
   * exact past 2^53; the following steps are 32-bit multiplications ({@code Math.imul}) and
   * additions, which int arithmetic reproduces bit for bit.
   */
  static String value(long i) {
    char[] c = new char[100];
    c[0] = 'v';
    String digits = Long.toString(i);
    int p = 1;
    for (int pad = 13 - digits.length(); pad > 0; pad--) {
      c[p++] = '0';
    }
    for (int d = 0; d < digits.length(); d++) {
      c[p++] = digits.charAt(d);
    }
    int x = (int) (long) (((double) i * 2654435761.0 + 1013904223.0) % 4294967296.0);
    for (int k = 0; k < 86; k++) {
      x = x * 1664525 + 1013904223;
      c[p++] = ALPHABET[x >>> 26];
    }
    return new String(c, 0, p);
  }

  Result run(String phase) {
    if (phase.equals(batchPhase(batch))) {
      return timed(phase, n, this::batchPut);
    }
    switch (phase) {
      case "put_seq":
        return timed(phase, n, this::putSeq);
      case "get_seq":
        return timed(phase, n, this::getSeq);
      case "scan_nextv1000":
        long[] count = new long[1];
        Result r = timed(phase, 2L * n, () -> count[0] = scan());
        if (count[0] != 2L * n) {
          throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "scan_nextv1000: expected "
              + 2L * n + " entries, found " + count[0] + " (the scan expects a new directory on "
              + "which put_seq and batch_put_1000 ran with the same --n)");
        }
        return r;
      case "put_window64":
        return timed(phase, n, this::putWindow);
      case "get_window64":
        return timed(phase, n, this::getWindow);
      default:
        throw new IllegalArgumentException("no phase " + phase);
    }
  }

  private Result timed(String phase, long ops, Runnable work) {
    tick.at(0, ops);
    long t0 = System.nanoTime();
    work.run();
    double ms = (System.nanoTime() - t0) / 1e6;
    tick.at(ops, ops);
    return new Result(phase, ops, ms);
  }

  private void putSeq() {
    for (int i = 0; i < n; i++) {
      db.put(key("key", i), value(i));
      progress(i);
    }
  }

  private void getSeq() {
    long bad = 0;
    for (int i = 0; i < n; i++) {
      if (!value(i).equals(db.get(key("key", i)))) {
        bad++;
      }
      progress(i);
    }
    wrong("get_seq", bad, "put_seq");
  }

  private void batchPut() {
    for (int i = 0; i < n; i += batch) {
      List<Op<String, String>> ops = new ArrayList<>(batch);
      for (int j = i; j < i + batch && j < n; j++) {
        ops.add(Op.put(key("bat", j), value(j)));
      }
      db.batch(ops);
      tick.at(Math.min(i + batch, n), n);
    }
  }

  private long scan() {
    long count = 0;
    try (LevelIterator<String, Entry<String, String>> it = db.iterator()) {
      while (true) {
        List<Entry<String, String>> entries = it.nextv(1000);
        if (entries.isEmpty()) {
          return count;
        }
        count += entries.size();
        tick.at(count, 2L * n);
      }
    }
  }

  private void putWindow() {
    @SuppressWarnings("unchecked")
    CompletableFuture<Void>[] window = new CompletableFuture[WINDOW];
    for (int i = 0; i < n; i += WINDOW) {
      int w = Math.min(WINDOW, n - i);
      for (int j = 0; j < w; j++) {
        window[j] = db.async().put(key("c64", i + j), value(i + j));
      }
      for (int j = 0; j < w; j++) {
        LevelException.join(window[j]);
      }
      tick.at(i + w, n);
    }
  }

  private void getWindow() {
    @SuppressWarnings("unchecked")
    CompletableFuture<String>[] window = new CompletableFuture[WINDOW];
    long bad = 0;
    for (int i = 0; i < n; i += WINDOW) {
      int w = Math.min(WINDOW, n - i);
      for (int j = 0; j < w; j++) {
        window[j] = db.async().get(key("c64", i + j));
      }
      for (int j = 0; j < w; j++) {
        if (!value(i + j).equals(LevelException.join(window[j]))) {
          bad++;
        }
      }
      tick.at(i + w, n);
    }
    wrong("get_window64", bad, "put_window64");
  }

  private void progress(int i) {
    if ((i & 1023) == 1023) {
      tick.at(i + 1, n);
    }
  }

  private static void wrong(String phase, long bad, String writer) {
    if (bad > 0) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, phase + ": " + bad
          + " wrong or missing values (run " + writer + " first, with the same --n)");
    }
  }
}
