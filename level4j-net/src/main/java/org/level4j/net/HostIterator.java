package org.level4j.net;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.Range;
import org.level4j.spi.Databases;
import org.level4j.spi.EntryDecoder;

/**
 * A guest's iterator, on the host: reads ahead and streams IteratorData with many-level's flow
 * control.
 *
 * <p>Flow: after the iterator opens (or seeks) the host sends one entry alone, for guests that
 * only want the first; once that is acknowledged it sends batches sized to about
 * {@link #BATCH_BYTES} (at least 16 entries unless they are large), never more than two
 * unacknowledged. A limit is enforced here as {@code
 * limit − consumed − entries sent and not yet acknowledged}; the guest enforces it exactly too.
 *
 * <p>Resume after a reconnect: the guest sends its {@code bookmark}, the last key it handed out.
 * The host seeks to the bookmark within the original range and drops that key if it comes first:
 * the next entry is strictly after (below, in reverse) the bookmark and nothing is skipped, for
 * any key bytes. (A range bound {@code gt bookmark} would do the same for reading but would put
 * a later seek back before the bookmark outside the range, which ends the iterator.)
 *
 * <p>Seeks go through the database's iterator, so a target outside the range ends the iterator
 * until the next seek, as abstract-level says, for many-level guests of Node as for level4j's.
 *
 * <p>Entries go from the engine's read straight into the next frame's data field ({@link Frames}):
 * no array is made of each key and value, nor a list of them, on the way.
 *
 * <p>Thread safety: the reader thread calls {@link #start}, {@link #ack}, {@link #seek} and
 * {@link #close}; reads may complete on another thread. All state is guarded by this object.
 */
final class HostIterator {
  private static final int BATCH_BYTES = 64 * 1024;
  private static final int MAX_BATCH = 4096;

  private final HostSession session;
  private final int id;
  private final boolean sendKeys;
  private final boolean sendValues;
  private final long limit;
  private final Frames frames;
  private final LevelIterator<byte[], Object> it;
  /** The host's places for open iterators, one of which this holds until {@link #close}. */
  private final HostPlaces places;

  private int seq;
  private long consumed;
  private final ArrayDeque<Integer> unacked = new ArrayDeque<>(2);
  private long unackedEntries;
  private boolean busy;
  private boolean ended;
  private boolean closed;
  private boolean first = true;
  private byte[] pendingSeek;
  private int pendingSeekSeq;
  private int itemBytes = 1;
  private final byte[] initialSeek;
  private RuntimeException failure;

  /**
   * {@code snapshot}: the explicit snapshot the guest named, or null for an implicit one; {@code
   * places}: the host's places for iterators, one of which the caller took for this one and which
   * {@link #close} gives back.
   */
  HostIterator(HostSession session, Database db, GuestMessage.Iterator m,
      org.level4j.Snapshot snapshot, HostPlaces places) {
    this.session = session;
    this.places = places;
    this.id = m.id();
    this.seq = m.seq();
    this.consumed = m.consumed();
    // As many-level: neither keys nor values means values.
    this.sendKeys = m.keys();
    this.sendValues = m.values() || !m.keys();
    Range<byte[]> r = m.range();
    this.limit = r.limit() < 0 ? -1 : r.limit();
    boolean bookmarked = m.bookmark() != null && m.seek() == null;
    this.frames = new Frames(sendKeys, sendValues);
    // The host counts the limit itself (it reads ahead and guests seek), so the database's
    // iterator is unlimited. Keys are read for a bookmark even when only values are sent.
    Range<byte[]> unlimited = r.limit(-1);
    LevelIterator<byte[], Object> opened = null;
    try {
      opened = Databases.iterator(db, unlimited, snapshot, sendKeys || bookmarked, sendValues,
          frames);
    } catch (RuntimeException e) {
      failure = e; // answered by start(); the id stays known so later acks are not an error
    }
    this.it = opened;
    if (m.seek() != null) {
      this.initialSeek = m.seek();
    } else if (bookmarked) {
      this.initialSeek = m.bookmark();
      frames.skip = m.bookmark();
    } else {
      this.initialSeek = null;
    }
  }

  synchronized void start() {
    if (failure != null) {
      fail(failure);
      return;
    }
    if (initialSeek != null) {
      try {
        it.seek(initialSeek);
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
    }
    pump();
  }

  synchronized void ack(int ackSeq, long ackConsumed) {
    if (ackSeq != seq || closed) {
      return;
    }
    Integer n = unacked.poll();
    if (n != null) {
      unackedEntries -= n;
    }
    consumed = Math.max(consumed, ackConsumed);
    pump();
  }

  synchronized void seek(byte[] target, int newSeq) {
    if (closed || it == null) {
      return;
    }
    if (busy) {
      pendingSeek = target;
      pendingSeekSeq = newSeq;
      return;
    }
    applySeek(target, newSeq);
  }

  /**
   * Closes the database's iterator, then gives back this iterator's place among the host's: here,
   * the one way every iterator ends (closed by its guest, with its connection, with the host), and
   * once, however often it is called.
   */
  synchronized void close() {
    if (!closed) {
      closed = true;
      try {
        if (it != null) {
          it.close();
        }
      } finally {
        places.giveBack();
      }
    }
  }

  private void applySeek(byte[] target, int newSeq) {
    seq = newSeq;
    ended = false;
    first = true;
    frames.skip = null;
    unacked.clear();
    unackedEntries = 0;
    try {
      it.seek(target);
    } catch (RuntimeException e) {
      fail(e);
      return;
    }
    pump();
  }

  /** Starts the next read if flow control allows. Holds the monitor. */
  private void pump() {
    if (busy || closed || ended || unacked.size() >= 2) {
      return;
    }
    // At least 16 entries of up to 4 KiB; fewer (down to one) of larger ones, so that a frame
    // stays near BATCH_BYTES and far below a guest's frame limit.
    int size = first ? 1 : Math.max(1, Math.min(MAX_BATCH, BATCH_BYTES / itemBytes));
    if (limit >= 0) {
      long left = limit - consumed;
      if (left <= 0) {
        end();
        return;
      }
      long room = left - unackedEntries;
      if (room <= 0) {
        return; // wait for acks: the guest may stop before taking what it has
      }
      size = (int) Math.min(size, room);
    }
    busy = true;
    frames.clear();
    it.nextvAsync(size).whenComplete(this::handle);
  }

  private synchronized void handle(List<Object> items, Throwable error) {
    busy = false;
    if (closed) {
      return;
    }
    if (pendingSeek != null) {
      byte[] t = pendingSeek;
      pendingSeek = null;
      applySeek(t, pendingSeekSeq);
      return;
    }
    if (error != null) {
      fail(error);
      return;
    }
    int count = items.size() - frames.skipped;
    if (count == 0 && !items.isEmpty()) {
      pump(); // the bookmark alone: read again, still as a first batch
      return;
    }
    if (count == 0) {
      end();
      return;
    }
    boolean wasFirst = first;
    first = false;
    itemBytes = (int) Math.max(itemBytes, Math.min(Integer.MAX_VALUE,
        (long) frames.out.len / count + 4));
    unacked.add(count);
    unackedEntries += count;
    synchronized (session.outbox()) {
      HostMessage.iteratorData(session.outbox().out(), id, seq, frames.out.buf, frames.out.len);
    }
    session.sent();
    if (!wasFirst) {
      pump(); // read ahead, up to two unacknowledged batches
    }
  }

  private void end() {
    ended = true;
    synchronized (session.outbox()) {
      HostMessage.iteratorEnd(session.outbox().out(), id, seq);
    }
    session.sent();
  }

  private void fail(Throwable e) {
    ended = true;
    LevelException error = LevelException.of(e, ErrorCode.LEVEL_REMOTE_ERROR);
    synchronized (session.outbox()) {
      HostMessage.iteratorError(session.outbox().out(), id, seq, error);
    }
    session.sent();
  }

  /**
   * The decoder the database's iterator hands each entry to: it appends the entry's key and value
   * (those the guest asked for) to {@link #out} as IteratorData's repeated field 3, and yields
   * {@link #SENT}. The first entry read after a bookmark is dropped if it is the bookmark itself
   * ({@link #skip}), and counted in {@link #skipped}.
   *
   * <p>Used by one read at a time (HostIterator's {@code busy}): {@link #clear} and the fields it
   * resets are touched by the thread that starts a read, the appends by the thread that
   * completes it, and the result by {@code handle}, each after the other.
   */
  private static final class Frames implements EntryDecoder<Object> {
    private static final Object SENT = new Object();
    private static final int KEEP = 4 * BATCH_BYTES;

    final Protobuf.Out out = new Protobuf.Out(1024);
    private final boolean sendKeys;
    private final boolean sendValues;
    /** The bookmark, until the first entry after it was read; null when there is none. */
    byte[] skip;
    /** Entries of this read that were not sent: 1 if the first was the bookmark, else 0. */
    int skipped;

    Frames(boolean sendKeys, boolean sendValues) {
      this.sendKeys = sendKeys;
      this.sendValues = sendValues;
    }

    void clear() {
      if (out.buf.length > KEEP) {
        out.buf = new byte[1024]; // an entry of megabytes does not keep its buffer
      }
      out.clear();
      skipped = 0;
    }

    @Override
    public Object decode(Entry<byte[], byte[]> entry) {
      byte[] k = entry.key();
      byte[] v = entry.value();
      return decode(k, 0, k == null ? -1 : k.length, v, 0, v == null ? -1 : v.length);
    }

    @Override
    public Object decode(byte[] key, int keyOffset, int keyLength, byte[] value,
        int valueOffset, int valueLength) {
      if (skip != null) {
        byte[] s = skip;
        skip = null;
        if (Arrays.equals(key, keyOffset, keyOffset + keyLength, s, 0, s.length)) {
          skipped = 1;
          return SENT;
        }
      }
      if (sendKeys) {
        out.bytes(3, key, keyOffset, keyLength);
      }
      if (sendValues) {
        out.bytes(3, value, valueOffset, valueLength);
      }
      return SENT;
    }
  }
}
