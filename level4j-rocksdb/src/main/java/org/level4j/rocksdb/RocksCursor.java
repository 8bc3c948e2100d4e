package org.level4j.rocksdb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.level4j.Entry;
import org.level4j.Range;
import org.level4j.spi.EngineIterator;
import org.level4j.spi.EntryDecoder;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

/**
 * A RocksDB iterator confined to a range by RocksDB's own iterate bounds, so that neither stepping
 * nor seeking ever leaves the range and no key is compared in Java. Without an explicit snapshot
 * it reads from the implicit one RocksDB takes when an iterator is created.
 *
 * <p>It does not fill RocksDB's block cache (see the constructor): a full scan of a leader that had
 * just written 200,000 entries ran 1.14x as fast without it ({@code level4j bench}'s
 * {@code scan_nextv1000}, 10 alternated runs each).
 *
 * <p>One thread at a time (the core guarantees it). The native iterator, its read options and its
 * bound slices are freed exactly once, by the core or by the engine's close.
 */
final class RocksCursor implements EngineIterator {
  private static final int MAX_BUFFER = 64 << 10;
  /** The entries {@link #readSome} reads per call. */
  private static final int STRIDE = 32;
  private final RocksEngine engine;
  private final boolean reverse;
  private final boolean keys;
  private final boolean values;
  private final ReadOptions readOptions;
  private final Slice lower;
  private final Slice upper;
  private final RocksDB db;
  private final RocksIterator it;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Where keys and values land before they are decoded; grows up to MAX_BUFFER. */
  private byte[] buffer = new byte[1024];

  RocksCursor(RocksEngine engine, RocksDB db, Range<byte[]> range, boolean keys, boolean values,
      Snapshot snapshot) {
    this.engine = engine;
    this.db = db;
    this.reverse = range.isReverse();
    this.keys = keys;
    this.values = values;
    Bounds b = Bounds.of(range);
    if (b.empty) {
      readOptions = null;
      lower = null;
      upper = null;
      it = null;
      return;
    }
    // Blocks already in the block cache are read from it, but the blocks a scan loads are not
    // added: a scan over a large range would otherwise push out the blocks that point reads keep
    // there. LevelDB's iterators, and so Node's classic-level, behave the same by default.
    readOptions = new ReadOptions().setFillCache(false);
    if (snapshot != null) {
      readOptions.setSnapshot(snapshot);
    }
    lower = b.lower == null ? null : new Slice(b.lower);
    upper = b.upper == null ? null : new Slice(b.upper);
    if (lower != null) {
      readOptions.setIterateLowerBound(lower);
    }
    if (upper != null) {
      readOptions.setIterateUpperBound(upper);
    }
    it = db.newIterator(readOptions);
    PerfCounters.off(db);
    if (reverse) {
      it.seekToLast();
    } else {
      it.seekToFirst();
    }
  }

  @Override
  public List<Entry<byte[], byte[]>> nextv(int max) {
    return nextv(max, EntryDecoder.copies());
  }

  /**
   * Reads each entry into {@link #buffer} (the key, then the value right after it) and decodes
   * it from there, so that the decoded object is the only copy made in Java: no array per key
   * and value, as {@code key()} and {@code value()} would make in native code, nor an entry of
   * arrays. A key or value that does not fit the largest buffer we keep takes the allocating
   * call.
   */
  @Override
  public <T> List<T> nextv(int max, EntryDecoder<T> decoder) {
    if (it == null) {
      return Collections.emptyList();
    }
    RocksIterator i = it;
    PerfCounters.off(db); // a cursor may be read by other threads than the one that made it
    List<T> out = new ArrayList<>(Math.min(max, 1024));
    while (out.size() < max && readSome(i, decoder, out, max)) {
      // readSome read STRIDE entries, or up to max
    }
    if (out.size() < max) {
      status(i);
    }
    return out;
  }

  /**
   * Reads entries into {@code out} until it holds {@code max} or {@link #STRIDE} more; false
   * once the iterator has no more. The loop is here, in a method called every {@code STRIDE}
   * entries, rather than in {@link #nextv}: the JIT compiles a method after some hundred calls
   * but replaces a loop running in the interpreter only after tens of thousands of rounds, most
   * of a scan of a new JVM.
   */
  private <T> boolean readSome(RocksIterator i, EntryDecoder<T> decoder, List<T> out, int max) {
    int stop = Math.min(max, out.size() + STRIDE);
    while (out.size() < stop) {
      if (!i.isValid()) {
        return false;
      }
      out.add(read(i, decoder, max - out.size()));
      step(i);
    }
    return true;
  }

  /**
   * The entry {@code i} is at, decoded; on its own so that the JIT compiles it fully after a few
   * thousand entries rather than once the loop around it has run some tens of thousands (a scan
   * in a new JVM runs mostly before that). {@code left}: the entries its batch still asks for,
   * counting this one, which a failed decoding skips.
   */
  private <T> T read(RocksIterator i, EntryDecoder<T> decoder, int left) {
    byte[] k = null;
    int kl = -1;
    int used = 0;
    if (keys) {
      k = buffer;
      kl = i.key(k, 0, k.length);
      if (kl > k.length) {
        if (room(0, kl)) {
          k = buffer;
          i.key(k, 0, kl);
        } else {
          k = i.key();
        }
      }
      used = k == buffer ? kl : 0;
    }
    byte[] v = null;
    int vo = 0;
    int vl = -1;
    if (values) {
      v = buffer;
      vo = used;
      vl = i.value(v, vo, v.length - vo);
      if (vl > v.length - vo) {
        if (room(used, vl)) {
          v = buffer;
          i.value(v, vo, vl);
        } else {
          v = i.value();
          vo = 0;
        }
      }
    }
    T t;
    try {
      t = decoder.decode(k, 0, kl, v, vo, vl);
    } catch (RuntimeException e) {
      skip(i, left);
      throw e;
    }
    return t;
  }

  /** The same, synchronously: reading a local database needs no other thread. */
  @Override
  public <T> CompletableFuture<List<T>> nextvAsync(int max, EntryDecoder<T> decoder) {
    try {
      return CompletableFuture.completedFuture(nextv(max, decoder));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Makes {@link #buffer} hold {@code used + n} bytes, keeping its first {@code used}; false if
   * that is more than the largest buffer we keep.
   */
  private boolean room(int used, int n) {
    int need = used + n;
    if (need > MAX_BUFFER) {
      return false;
    }
    buffer = Arrays.copyOf(buffer, Math.max(need, Math.min(MAX_BUFFER, buffer.length * 2)));
    return true;
  }

  /**
   * After an entry failed to decode, moves on past it and the rest of the {@code n} entries its
   * batch asked for, as when the core decoded a batch only after the engine had read it all: the
   * iterator goes on from the same place either way.
   */
  private void skip(RocksIterator i, int n) {
    int left = n;
    while (left > 0 && i.isValid()) {
      step(i);
      left--;
    }
    if (left > 0) {
      status(i);
    }
  }

  private void step(RocksIterator i) {
    if (reverse) {
      i.prev();
    } else {
      i.next();
    }
  }

  private void status(RocksIterator i) {
    try {
      i.status();
    } catch (RocksDBException e) {
      throw engine.failure("read an iterator", e);
    }
  }

  /** The core seeks only inside the range; RocksDB's iterate bounds keep the steps after it there. */
  @Override
  public void seek(byte[] target) {
    if (it == null) {
      return;
    }
    PerfCounters.off(db);
    if (reverse) {
      it.seekForPrev(target);
    } else {
      it.seek(target);
    }
  }

  @Override
  public void close() {
    engine.nativeRelease().lock(); // the database is not closed under us (see RocksEngine)
    try {
      if (closed.compareAndSet(false, true)) {
        try {
          if (it != null) {
            it.close();
            readOptions.close();
            if (lower != null) {
              lower.close();
            }
            if (upper != null) {
              upper.close();
            }
          }
        } finally {
          engine.forget(this);
        }
      }
    } finally {
      engine.nativeRelease().unlock();
    }
  }
}
