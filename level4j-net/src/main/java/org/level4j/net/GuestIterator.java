package org.level4j.net;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.level4j.Entry;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Range;
import org.level4j.spi.EngineIterator;
import org.level4j.spi.EntryDecoder;

/**
 * A guest's iterator: a buffer of the IteratorData messages the host streamed, handed out on
 * demand. It acknowledges each message once every entry of it was handed out, which lets the host
 * send more (it keeps at most two unacknowledged, so the buffer stays bounded).
 *
 * <p>Seek bumps {@code seq}: data of an older seq still on the wire is dropped. In retry mode the
 * keys always travel (the last key handed out is the bookmark a resumed iterator restarts after)
 * and a reconnect discards what was buffered but not handed out, since the host sends it again
 * after the bookmark: nothing is handed out twice.
 *
 * <p>All state is guarded by the engine's lock: the user's calls take it through {@link
 * GuestEngine#locked}, and the engine calls the methods named {@code ...Locked} with it held.
 * Futures are completed after the lock is released (the {@code Runnable}s returned).
 *
 * <p>Each message's data stays in the one array it was read into ({@link Protobuf.Items}); the
 * entries handed out are decoded from slices of it, after the lock is released ({@link Taken}).
 */
final class GuestIterator implements EngineIterator {
  /**
   * The most IteratorData messages buffered at once: twice what flow control lets a host send
   * unacknowledged (many-level's hosts and level4j's send two at most), so a host that ignores
   * it is caught (the connection is closed as broken) instead of filling this process.
   */
  static final int MAX_BUFFERED = 4;

  private final GuestEngine engine;
  final int id;
  /** The explicit snapshot it reads, or null; such an iterator is never resumed elsewhere. */
  final GuestSnapshot snapshot;
  private final Range<byte[]> range;
  private final boolean keys;
  private final boolean wireKeys;
  private final boolean values;
  private final int step;

  private int seq;
  private final ArrayDeque<Chunk> chunks = new ArrayDeque<>(2);
  private boolean ended;
  private LevelException error;
  private boolean closed;
  private long consumed;
  private byte[] bookmark;
  private byte[] seekTarget;
  private CompletableFuture<Taken> waiter;
  private int waiterMax;

  /** One IteratorData message, partly handed out: the next entry's first item is {@code pos}. */
  private static final class Chunk {
    final Protobuf.Items data;
    int pos;

    Chunk(Protobuf.Items data) {
      this.data = data;
    }
  }

  /**
   * The entries one call took: of each chunk, its items from {@code from} (inclusive) to {@code
   * to}, an entry every {@code step} items. Decoded after the lock is released, since the user's
   * codecs run then; the chunks' arrays are not changed after they arrive.
   */
  private final class Taken {
    private record Part(Protobuf.Items items, int from, int to) {}

    private final List<Part> parts = new ArrayList<>(2);
    private int entries;

    void add(Protobuf.Items items, int from, int to) {
      parts.add(new Part(items, from, to));
      entries += (to - from) / step;
    }

    <T> List<T> decode(EntryDecoder<T> decoder) {
      if (entries == 0) {
        return Collections.emptyList();
      }
      List<T> out = new ArrayList<>(entries);
      for (Part p : parts) {
        Protobuf.Items d = p.items();
        byte[] b = d.bytes();
        for (int i = p.from(); i < p.to(); i += step) {
          int v = i + step - 1;
          out.add(decoder.decode(b, keys ? d.offset(i) : 0, keys ? d.length(i) : -1,
              b, values ? d.offset(v) : 0, values ? d.length(v) : -1));
        }
      }
      return out;
    }
  }

  GuestIterator(GuestEngine engine, int id, Range<byte[]> range, boolean keys, boolean values,
      boolean retry, GuestSnapshot snapshot) {
    this.engine = engine;
    this.snapshot = snapshot;
    this.id = id;
    this.range = range;
    this.keys = keys;
    this.wireKeys = keys || retry;
    this.values = values;
    this.step = (wireKeys ? 1 : 0) + (values ? 1 : 0);
  }

  void encodeOpen(Protobuf.Out o) {
    GuestMessage.iterator(o, id, seq, range, wireKeys, values, 0, null, null,
        snapshot == null ? 0 : snapshot.number);
  }

  // ---- user side -----------------------------------------------------------------------------

  @Override
  public List<Entry<byte[], byte[]>> nextv(int max) {
    return nextv(max, EntryDecoder.copies());
  }

  @Override
  public CompletableFuture<List<Entry<byte[], byte[]>>> nextvAsync(int max) {
    return nextvAsync(max, EntryDecoder.copies());
  }

  @Override
  public <T> List<T> nextv(int max, EntryDecoder<T> decoder) {
    return LevelException.join(nextvAsync(max, decoder));
  }

  /** Decodes what it takes in the calling thread, or, if it must wait, in the reader thread. */
  @Override
  public <T> CompletableFuture<List<T>> nextvAsync(int max, EntryDecoder<T> decoder) {
    CompletableFuture<Taken> taken = engine.locked(l -> {
      if (closed) {
        return CompletableFuture.failedFuture(new LevelException(
            ErrorCode.LEVEL_ITERATOR_NOT_OPEN, "the iterator is closed"));
      }
      if (!chunks.isEmpty()) {
        return CompletableFuture.completedFuture(takeLocked(max));
      } else if (error != null) {
        return CompletableFuture.failedFuture(error);
      } else if (ended) {
        return CompletableFuture.completedFuture(new Taken());
      }
      waiter = new CompletableFuture<>();
      waiterMax = max;
      return waiter;
    });
    return taken.thenApply(t -> t.decode(decoder));
  }

  /**
   * Seeks. The core calls this only with a target inside the range (it ends the iterator itself
   * for one outside), where a level4j host and a many-level host over abstract-level agree.
   */
  @Override
  public void seek(byte[] target) {
    engine.locked(l -> {
      if (closed) {
        throw new LevelException(ErrorCode.LEVEL_ITERATOR_NOT_OPEN, "the iterator is closed");
      }
      if (error != null) {
        return null; // an iterator that failed stays failed, as in many-level
      }
      seq++;
      chunks.clear();
      ended = false;
      bookmark = null;
      seekTarget = target;
      if (l != null) {
        synchronized (l.outbox) {
          GuestMessage.iteratorSeek(l.outbox.out(), id, seq, target);
        }
      }
      return null;
    });
  }

  @Override
  public void close() {
    CompletableFuture<Taken> w = engine.locked(l -> {
      if (closed) {
        return null;
      }
      closed = true;
      chunks.clear();
      CompletableFuture<Taken> waiting = waiter;
      waiter = null;
      engine.forgetLocked(this);
      if (l != null) {
        synchronized (l.outbox) {
          GuestMessage.iteratorClose(l.outbox.out(), id);
        }
      }
      return waiting;
    });
    if (w != null) {
      w.completeExceptionally(new LevelException(ErrorCode.LEVEL_ITERATOR_NOT_OPEN,
          "the iterator was closed while waiting for entries"));
    }
  }

  /** Hands out up to {@code max} buffered entries and acknowledges the messages used up. */
  private Taken takeLocked(int max) {
    Taken out = new Taken();
    GuestLink l = engine.linkLocked();
    while (out.entries < max && !chunks.isEmpty()) {
      Chunk c = chunks.peek();
      Protobuf.Items d = c.data;
      int first = c.pos;
      int n = Math.min(max - out.entries, (d.size() - first) / step);
      c.pos += n * step;
      consumed += n;
      out.add(d, first, c.pos);
      if (wireKeys) {
        bookmark = d.copy(c.pos - step); // the last key handed out
      }
      if (c.pos >= d.size()) {
        chunks.poll();
        // No ack once the limit is reached: the guest wants nothing more.
        if (l != null && (range.limit() < 0 || consumed < range.limit())) {
          synchronized (l.outbox) {
            GuestMessage.iteratorAck(l.outbox.out(), id, seq, consumed);
          }
        }
      }
    }
    if (out.entries > 0) {
      seekTarget = null;
    }
    return out;
  }

  // ---- reader side (engine lock held) --------------------------------------------------------

  /** What the host sent this iterator; returns what to run after the lock, or null. */
  Runnable onLocked(HostMessage.ForIterator m) {
    if (closed || m.seq() != seq) {
      return null; // an older seq's, still on the wire when the guest sought
    }
    if (m instanceof HostMessage.IteratorError e) {
      return failLocked(e.error());
    }
    if (m instanceof HostMessage.IteratorData d) {
      if (error != null) {
        return null;
      }
      Protobuf.Items data = d.data();
      if (data.size() == 0 || data.size() % step != 0) {
        throw new Malformed("iterator " + Integer.toUnsignedString(id) + " received "
            + data.size() + " items, not a multiple of " + step);
      }
      if (chunks.size() == MAX_BUFFERED) {
        throw new Malformed("iterator " + Integer.toUnsignedString(id) + " received more than "
            + MAX_BUFFERED + " messages unacknowledged (flow control allows 2)");
      }
      chunks.add(new Chunk(data));
    } else {
      ended = true; // IteratorEnd
    }
    return serveWaiterLocked();
  }

  /** Ends the iterator with {@code e} (connection lost, database closed, host error). */
  Runnable failLocked(LevelException e) {
    if (error == null) {
      error = e;
    }
    chunks.clear();
    return serveWaiterLocked();
  }

  /** After a reconnect: asks the new host to go on after what was handed out. */
  void resumeLocked(Protobuf.Out o) {
    if (closed || error != null) {
      return;
    }
    chunks.clear();
    ended = false;
    GuestMessage.iterator(o, id, seq, range, wireKeys, values, consumed,
        seekTarget == null ? bookmark : null, seekTarget, 0); // one with a snapshot is failed
  }

  private Runnable serveWaiterLocked() {
    CompletableFuture<Taken> w = waiter;
    if (w == null) {
      return null;
    }
    if (!chunks.isEmpty()) {
      waiter = null;
      Taken out = takeLocked(waiterMax);
      GuestLink l = engine.linkLocked();
      return () -> {
        GuestLink.flush(l);
        w.complete(out);
      };
    }
    if (error != null) {
      waiter = null;
      LevelException e = error;
      return () -> w.completeExceptionally(e);
    }
    if (ended) {
      waiter = null;
      return () -> w.complete(new Taken());
    }
    return null;
  }
}
