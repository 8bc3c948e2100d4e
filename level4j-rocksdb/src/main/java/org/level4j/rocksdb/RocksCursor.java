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
 *
 * <p>Read-ahead: from the second full batch of at least {@link #READ_AHEAD_MIN} entries on, the
 * cursor reads the next batch on a helper thread while the caller works through this one (decoding
 * it, sending it to a guest), as a scan in Node's classic-level runs on libuv's pool. The native
 * iterator is then touched by one thread at a time still: {@link #seek} and {@link #close} first
 * wait for a read in progress.
 */
final class RocksCursor implements EngineIterator {
  private static final int MAX_BUFFER = 64 << 10;
  private final RocksEngine engine;
  private final boolean reverse;
  private final boolean keys;
  private final boolean values;
  private final boolean readAhead;
  private final ReadOptions readOptions;
  private final Slice lower;
  private final Slice upper;
  private final RocksIterator it;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Where keys and values land before they are copied out; grows up to MAX_BUFFER. */
  private byte[] buffer = new byte[1024];

  /** The smallest batch worth reading ahead (a for-each asks for one entry at a time). */
  static final int READ_AHEAD_MIN = 64;
  private static final java.util.concurrent.Executor READ_AHEAD =
      java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "level4j-read-ahead");
        t.setDaemon(true);
        return t;
      });
  private volatile java.util.concurrent.CompletableFuture<List<Entry<byte[], byte[]>>> ahead;
  private volatile List<Entry<byte[], byte[]>> leftover = Collections.emptyList();
  private int fullBatches;

  RocksCursor(RocksEngine engine, RocksDB db, Range<byte[]> range, boolean keys, boolean values,
      Snapshot snapshot) {
    this.engine = engine;
    this.reverse = range.isReverse();
    this.keys = keys;
    this.values = values;
    this.readAhead = engine.readAhead();
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
    List<Entry<byte[], byte[]>> out = takeAhead(max);
    if (out.size() < max && leftover.isEmpty()) {
      List<Entry<byte[], byte[]>> more = read(max - out.size());
      if (out.isEmpty()) {
        out = more;
      } else {
        out.addAll(more);
      }
    }
    if (readAhead && out.size() == max && max >= READ_AHEAD_MIN && ++fullBatches >= 2
        && leftover.isEmpty()) {
      ahead = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(max), READ_AHEAD);
    } else if (out.size() < max) {
      fullBatches = 0;
    }
    return out;
  }

  /** Up to {@code max} entries already read ahead (waiting for the read in progress). */
  private List<Entry<byte[], byte[]>> takeAhead(int max) {
    if (ahead != null) {
      java.util.concurrent.CompletableFuture<List<Entry<byte[], byte[]>>> f = ahead;
      ahead = null;
      try {
        leftover = f.join();
      } catch (java.util.concurrent.CompletionException e) {
        throw org.level4j.LevelException.of(e, org.level4j.ErrorCode.LEVEL_IO_ERROR);
      }
      if (leftover.isEmpty()) {
        return new ArrayList<>(0); // the end: reading again finds the end again
      }
    }
    if (leftover.isEmpty()) {
      return new ArrayList<>(0);
    }
    List<Entry<byte[], byte[]>> out;
    if (leftover.size() <= max) {
      out = leftover;
      leftover = Collections.emptyList();
    } else {
      out = new ArrayList<>(leftover.subList(0, max));
      leftover = new ArrayList<>(leftover.subList(max, leftover.size()));
    }
    return out;
  }

  /** Waits for a read ahead in progress and drops what it read (before a seek or close). */
  private void dropAhead() {
    if (ahead != null) {
      try {
        ahead.join();
      } catch (RuntimeException e) {
        // its error belongs to entries nobody will read
      }
      ahead = null;
    }
    leftover = Collections.emptyList();
    fullBatches = 0;
  }

  /** Reads up to {@code max} entries from the native iterator. */
  private List<Entry<byte[], byte[]>> read(int max) {
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

  /** RocksDB clamps seeks to the iterate bounds: below the lower one lands on it, and so on. */
  @Override
  public void seek(byte[] target) {
    if (it == null) {
      return;
    }
    dropAhead();
    if (reverse) {
      it.seekForPrev(target);
    } else {
      it.seek(target);
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        if (it != null) {
          dropAhead();
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
  }
}
