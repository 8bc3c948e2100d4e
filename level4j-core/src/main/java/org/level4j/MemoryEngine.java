package org.level4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.level4j.spi.Engine;
import org.level4j.spi.EngineIterator;
import org.level4j.spi.EngineSnapshot;

/*
 * Design: a concurrent skip list from key to a chain of versions, newest first. Each committed
 * batch gets the next sequence number; `visible` is the last fully applied one. Readers pick a
 * sequence (`visible` now, or a pinned one for snapshots and iterators) and walk each chain to the
 * newest version at or below it, so a batch appears all at once and iterators see a frozen view
 * without copying anything.
 *
 * Writers are serialized by one lock. While writing a key, a writer drops versions no reader can
 * still need: those older than the newest version at or below the oldest pinned sequence (or
 * `visible` when nothing is pinned). Pins are registered under the write lock, so a writer never
 * prunes what a just-created iterator is about to read. An unpinned get that loses a race with
 * pruning (it read `visible`, then stalled) finds no version at its sequence and simply retries
 * at the newer `visible`.
 */
final class MemoryEngine implements Engine {
  private static final Supports SUPPORTS =
      Supports.all().withPermanence(false).withSyncWrites(false).withChangeFeed(false);

  private static final class Version {
    final long seq;
    final byte[] value; // null: deleted
    volatile Version older;

    Version(long seq, byte[] value, Version older) {
      this.seq = seq;
      this.value = value;
      this.older = older;
    }
  }

  private final ConcurrentSkipListMap<byte[], Version> map =
      new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
  private final Object writeLock = new Object();
  private final TreeMap<Long, Integer> pins = new TreeMap<>(); // guarded by writeLock
  /** Applied requests: client → seq → when (epoch ms); guarded by writeLock. */
  private final Map<java.nio.ByteBuffer, TreeMap<Long, Long>> requests = new java.util.HashMap<>();
  private long requestWrites; // guarded by writeLock
  /** How long a request record nobody settled is kept. */
  static final long KEEP_REQUEST_MILLIS = 60 * 60 * 1000L;
  private volatile long visible;

  @Override
  public Supports supports() {
    return SUPPORTS;
  }

  @Override
  public byte[] get(byte[] key, EngineSnapshot snapshot) {
    if (snapshot != null) {
      return copy(read(map.get(key), ((Pin) snapshot).seq, null));
    }
    while (true) {
      long seq = visible;
      Version head = map.get(key);
      byte[] missing = new byte[0];
      byte[] v = read(head, seq, missing);
      if (v != missing) {
        return copy(v);
      }
    }
  }

  /**
   * Stored arrays never leave the engine and callers' arrays never enter it: with the bytes codec
   * they are the caller's own, and a caller changing one must not change stored data (or, for a
   * key, break the map's order). Engines that copy through native memory get this for free.
   */
  private static byte[] copy(byte[] b) {
    return b == null ? null : b.clone();
  }

  /**
   * The value at {@code seq} in a chain; {@code null} if deleted or never written; {@code
   * pruned} if the chain has versions but none at or below seq (a stale unpinned reader).
   */
  private static byte[] read(Version v, long seq, byte[] pruned) {
    if (v == null) {
      return null;
    }
    while (v != null && v.seq > seq) {
      v = v.older;
    }
    if (v == null) {
      return pruned;
    }
    return v.value;
  }

  @Override
  public void write(List<Op<byte[], byte[]>> ops, boolean sync) {
    synchronized (writeLock) {
      long seq = visible;
      for (Op<byte[], byte[]> op : ops) {
        if (op.type() == Op.Type.EXPECT) {
          byte[] actual = read(map.get(op.key()), seq, null);
          if (!Arrays.equals(actual, op.value())) {
            throw Engine.conflict(op, actual);
          }
        }
      }
      long next = seq + 1;
      long keep = pins.isEmpty() ? seq : Math.min(seq, pins.firstKey());
      for (Op<byte[], byte[]> op : ops) {
        if (op.type() == Op.Type.EXPECT) {
          continue;
        }
        Version head = map.get(op.key());
        Version v = new Version(next, op.type() == Op.Type.PUT ? copy(op.value()) : null, head);
        prune(head, keep);
        map.put(copy(op.key()), v);
      }
      visible = next;
      if (!pins.isEmpty() || ops.size() > 0) {
        sweep(ops, keep);
      }
    }
  }

  /**
   * Records of applied requests live beside the data, under the same lock, so a write and its
   * record are one step. They are not data: no iterator or clear sees them.
   */
  @Override
  public boolean write(List<Op<byte[], byte[]>> ops, boolean sync, RequestId request) {
    synchronized (writeLock) {
      java.nio.ByteBuffer client = java.nio.ByteBuffer.wrap(request.client());
      TreeMap<Long, Long> mine = requests.computeIfAbsent(client, k -> new TreeMap<>());
      mine.headMap(request.settledBelow(), false).clear();
      if (mine.containsKey(request.seq())) {
        return false;
      }
      write(ops, sync);
      long now = System.currentTimeMillis();
      mine.put(request.seq(), now);
      if (requestWrites++ % 4096 == 0) {
        for (Iterator<TreeMap<Long, Long>> it = requests.values().iterator(); it.hasNext(); ) {
          TreeMap<Long, Long> seqs = it.next();
          seqs.values().removeIf(t -> t < now - KEEP_REQUEST_MILLIS);
          if (seqs.isEmpty()) {
            it.remove();
          }
        }
      }
      return true;
    }
  }

  /** Cuts a chain below the newest version at or below {@code keep}. */
  private static void prune(Version v, long keep) {
    while (v != null && v.seq > keep) {
      v = v.older;
    }
    if (v != null) {
      v.older = null;
    }
  }

  /** Removes keys of this write whose only remaining version is an old tombstone. */
  private void sweep(List<Op<byte[], byte[]>> ops, long keep) {
    if (!pins.isEmpty()) {
      return;
    }
    for (Op<byte[], byte[]> op : ops) {
      if (op.type() == Op.Type.DEL) {
        Version head = map.get(op.key());
        if (head != null && head.value == null && head.older == null) {
          // Readers at an older sequence may still walk this chain; with no pins they are gets
          // that retry at the newer `visible`, which finds the key absent either way.
          map.remove(op.key(), head);
        } else if (head != null && head.value == null) {
          prune(head, head.seq);
        }
      }
    }
  }

  @Override
  public EngineIterator iterator(Range<byte[]> range, boolean keys, boolean values,
      EngineSnapshot snapshot) {
    Pin pin = snapshot != null ? pin(((Pin) snapshot).seq) : pin(-1);
    return new Cursor(range, keys, values, pin);
  }

  @Override
  public void clear(Range<byte[]> range) {
    synchronized (writeLock) {
      List<Op<byte[], byte[]>> dels = new ArrayList<>();
      Pin p = pin(-1);
      try {
        Cursor c = new Cursor(range, true, false, p);
        int limit = range.limit();
        for (List<Entry<byte[], byte[]>> part = c.nextv(1000); !part.isEmpty();
            part = c.nextv(1000)) {
          for (Entry<byte[], byte[]> e : part) {
            if (limit >= 0 && dels.size() >= limit) {
              break;
            }
            dels.add(Op.del(e.key()));
          }
        }
      } finally {
        p.close();
      }
      if (!dels.isEmpty()) {
        write(dels, false);
      }
    }
  }

  @Override
  public EngineSnapshot snapshot() {
    return pin(-1);
  }

  private Pin pin(long at) {
    synchronized (writeLock) {
      long seq = at < 0 ? visible : at;
      pins.merge(seq, 1, Integer::sum);
      return new Pin(seq);
    }
  }

  /** A pinned sequence number: a snapshot, or the view an iterator reads. */
  private final class Pin implements EngineSnapshot {
    final long seq;
    private boolean closed;

    Pin(long seq) {
      this.seq = seq;
    }

    @Override
    public void close() {
      synchronized (writeLock) {
        if (!closed) {
          closed = true;
          pins.computeIfPresent(seq, (k, n) -> n == 1 ? null : n - 1);
        }
      }
    }
  }

  private final class Cursor implements EngineIterator {
    private final Range<byte[]> range;
    private final boolean keys;
    private final boolean values;
    private final Pin pin;
    private Iterator<Map.Entry<byte[], Version>> it;

    /** {@code keys}, {@code values}: the halves it copies out; the others are null. */
    Cursor(Range<byte[]> range, boolean keys, boolean values, Pin pin) {
      this.range = range;
      this.keys = keys;
      this.values = values;
      this.pin = pin;
      this.it = from(null);
    }

    /** Entries of the range in its direction, starting at {@code target} if given. */
    private Iterator<Map.Entry<byte[], Version>> from(byte[] target) {
      byte[] lo = range.lower();
      boolean loInc = range.lowerInclusive();
      byte[] hi = range.upper();
      boolean hiInc = range.upperInclusive();
      if (target != null) {
        // The core seeks only inside the range, so the target simply becomes the near bound.
        if (range.isReverse()) {
          hi = target;
          hiInc = true;
        } else {
          lo = target;
          loInc = true;
        }
      }
      if (lo != null && hi != null) {
        int c = Bytes.compare(lo, hi);
        if (c > 0 || (c == 0 && !(loInc && hiInc))) {
          return Collections.emptyIterator();
        }
      }
      NavigableMap<byte[], Version> m = map;
      if (lo != null && hi != null) {
        m = map.subMap(lo, loInc, hi, hiInc);
      } else if (lo != null) {
        m = map.tailMap(lo, loInc);
      } else if (hi != null) {
        m = map.headMap(hi, hiInc);
      }
      return (range.isReverse() ? m.descendingMap() : m).entrySet().iterator();
    }

    @Override
    public List<Entry<byte[], byte[]>> nextv(int max) {
      List<Entry<byte[], byte[]>> out = new ArrayList<>(Math.min(max, 64));
      while (out.size() < max && it.hasNext()) {
        Map.Entry<byte[], Version> e = it.next();
        byte[] v = read(e.getValue(), pin.seq, null);
        if (v != null) {
          out.add(new Entry<>(keys ? copy(e.getKey()) : null, values ? copy(v) : null));
        }
      }
      return out;
    }

    @Override
    public void seek(byte[] target) {
      it = from(target);
    }

    @Override
    public void close() {
      pin.close();
    }
  }
}
