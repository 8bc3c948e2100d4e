package org.level4j.rocksdb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.level4j.Entry;
import org.level4j.Range;
import org.level4j.spi.EngineIterator;
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
 * <p>One thread at a time (the core guarantees it). The native iterator, its read options and its
 * bound slices are freed exactly once, by the core or by the engine's close.
 */
final class RocksCursor implements EngineIterator {
  private static final int MAX_BUFFER = 64 << 10;
  private final RocksEngine engine;
  private final boolean reverse;
  private final boolean keys;
  private final boolean values;
  private final ReadOptions readOptions;
  private final Slice lower;
  private final Slice upper;
  private final RocksIterator it;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Where keys and values land before they are copied out; grows up to MAX_BUFFER. */
  private byte[] buffer = new byte[1024];

  RocksCursor(RocksEngine engine, RocksDB db, Range<byte[]> range, boolean keys, boolean values,
      Snapshot snapshot) {
    this.engine = engine;
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
    readOptions = new ReadOptions();
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
    if (reverse) {
      it.seekToLast();
    } else {
      it.seekToFirst();
    }
  }

  @Override
  public List<Entry<byte[], byte[]>> nextv(int max) {
    if (it == null) {
      return Collections.emptyList();
    }
    RocksIterator i = it;
    List<Entry<byte[], byte[]>> out = new ArrayList<>(Math.min(max, 1024));
    while (out.size() < max && i.isValid()) {
      out.add(new Entry<>(keys ? copy(i, true) : null, values ? copy(i, false) : null));
      if (reverse) {
        i.prev();
      } else {
        i.next();
      }
    }
    if (out.size() < max) {
      try {
        i.status();
      } catch (RocksDBException e) {
        throw engine.failure("read an iterator", e);
      }
    }
    return out;
  }

  /**
   * The current key or value as a new array. rocksdbjni's {@code key()} and {@code value()} make
   * the array in native code, which costs more than copying into a Java array we keep and then
   * copying out of it in Java (the bench's RocksVsRaw.scan_rawBytes against
   * scan_rawBytesBuffered). Entries larger than the largest buffer we keep take the allocating
   * call.
   */
  private byte[] copy(RocksIterator i, boolean key) {
    int n = key ? i.key(buffer) : i.value(buffer);
    if (n > buffer.length) {
      if (n > MAX_BUFFER) {
        return key ? i.key() : i.value();
      }
      buffer = new byte[Math.max(n, Math.min(MAX_BUFFER, buffer.length * 2))];
      n = key ? i.key(buffer) : i.value(buffer);
    }
    return Arrays.copyOf(buffer, n);
  }

  /** The core seeks only inside the range; RocksDB's iterate bounds keep the steps after it there. */
  @Override
  public void seek(byte[] target) {
    if (it == null) {
      return;
    }
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
