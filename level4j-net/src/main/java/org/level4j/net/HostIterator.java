package org.level4j.net;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.level4j.Entry;
import org.level4j.ErrorCode;
import org.level4j.Level;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.Range;

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
 * <p>Thread safety: the reader thread calls {@link #start}, {@link #ack}, {@link #seek} and
 * {@link #close}; reads may complete on another thread. All state is guarded by this object.
 */
final class HostIterator {
  private static final int BATCH_BYTES = 64 * 1024;
  private static final int MAX_BATCH = 4096;

  private enum Mode { ENTRIES, KEYS, VALUES }

  private final HostSession session;
  private final int id;
  private final Mode mode;
  private final boolean sendKeys;
  private final boolean sendValues;
  private final long limit;
  private final LevelIterator<byte[], ?> it;

  private int seq;
  private long consumed;
  private final ArrayDeque<Integer> unacked = new ArrayDeque<>(2);
  private long unackedEntries;
  private boolean busy;
  private boolean ended;
  private boolean closed;
  private boolean first = true;
  private byte[] skip;
  private byte[] pendingSeek;
  private int pendingSeekSeq;
  private int itemBytes = 1;
  private final byte[] initialSeek;
  private RuntimeException failure;

  /** {@code snapshot}: the explicit snapshot the guest named, or null for an implicit one. */
  HostIterator(HostSession session, Level<byte[], byte[]> db, GuestMessage.Iterator m,
      org.level4j.Snapshot snapshot) {
    this.session = session;
    this.id = m.id();
    this.seq = m.seq();
    this.consumed = m.consumed();
    // As many-level: neither keys nor values means values.
    this.sendKeys = m.keys();
    this.sendValues = m.values() || !m.keys();
    Range<byte[]> r = m.range();
    this.limit = r.limit() < 0 ? -1 : r.limit();
    boolean bookmarked = m.bookmark() != null && m.seek() == null;
    this.mode = sendKeys && sendValues || bookmarked && !sendKeys ? Mode.ENTRIES
        : sendKeys ? Mode.KEYS : Mode.VALUES;
    // The host counts the limit itself (it reads ahead and guests seek), so the database's
    // iterator is unlimited.
    Range<byte[]> unlimited = r.limit(-1);
    LevelIterator<byte[], ?> opened = null;
    try {
      opened = mode == Mode.ENTRIES ? db.iterator(unlimited, snapshot)
          : mode == Mode.KEYS ? db.keys(unlimited, snapshot) : db.values(unlimited, snapshot);
    } catch (RuntimeException e) {
      failure = e; // answered by start(); the id stays known so later acks are not an error
    }
    this.it = opened;
    if (m.seek() != null) {
      this.initialSeek = m.seek();
    } else if (bookmarked) {
      this.initialSeek = m.bookmark();
      this.skip = m.bookmark();
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

  synchronized void close() {
    if (!closed) {
      closed = true;
      if (it != null) {
        it.close();
      }
    }
  }

  private void applySeek(byte[] target, int newSeq) {
    seq = newSeq;
    ended = false;
    first = true;
    skip = null;
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
    it.nextvAsync(size).whenComplete(this::handle);
  }

  private synchronized void handle(List<?> items, Throwable error) {
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
    if (skip != null) {
      byte[] s = skip;
      skip = null;
      if (!items.isEmpty() && Arrays.equals(keyOf(items.get(0)), s)) {
        items = items.subList(1, items.size());
        if (items.isEmpty()) {
          pump(); // the bookmark alone: read again, still as a first batch
          return;
        }
      }
    }
    if (items.isEmpty()) {
      end();
      return;
    }
    boolean wasFirst = first;
    first = false;
    List<byte[]> data = new ArrayList<>(sendKeys && sendValues ? items.size() * 2 : items.size());
    long bytes = 0;
    for (Object item : items) {
      if (mode == Mode.ENTRIES) {
        @SuppressWarnings("unchecked")
        Entry<byte[], byte[]> e = (Entry<byte[], byte[]>) item;
        if (sendKeys) {
          data.add(e.key());
          bytes += e.key().length;
        }
        if (sendValues) {
          data.add(e.value());
          bytes += e.value().length;
        }
      } else {
        byte[] b = (byte[]) item;
        data.add(b);
        bytes += b.length;
      }
    }
    itemBytes = (int) Math.max(itemBytes, Math.min(Integer.MAX_VALUE, bytes / items.size() + 4));
    unacked.add(items.size());
    unackedEntries += items.size();
    synchronized (session.outbox()) {
      HostMessage.iteratorData(session.outbox().out(), id, seq, data);
    }
    session.sent();
    if (!wasFirst) {
      pump(); // read ahead, up to two unacknowledged batches
    }
  }

  @SuppressWarnings("unchecked")
  private byte[] keyOf(Object item) {
    return mode == Mode.ENTRIES ? ((Entry<byte[], byte[]>) item).key() : (byte[]) item;
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
}
