package org.level4j.net;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Snapshot;

/**
 * The iterators the guest of one {@link HostSession} has open, by id: at most {@code
 * maxIterators} of them, and each holds one of the host's {@code maxHostIterators} places, shared
 * by all its connections (see {@link HostOptions}); more are refused with {@code
 * LEVEL_LIMIT_EXCEEDED} and cost nothing more. The ids of refused iterators are remembered (at
 * most {@code maxIterators} of them, until the guest closes them) so that a guest's later ack,
 * seek or close of one is not mistaken for a protocol error.
 *
 * <p>A place is taken here, before the iterator is made, and given back by {@link
 * HostIterator#close()}, which every way an iterator ends goes through.
 *
 * <p>Threads: the session's reader thread only, but {@link #open()}, for the host's counters.
 */
final class HostIterators {
  private final HostSession session;
  private final Database db;
  private final HostSnapshots snapshots;
  private final int max;
  /** The host's places for open iterators, over all its connections. */
  private final HostPlaces places;
  private final Map<Integer, HostIterator> iterators = new HashMap<>();
  private final Set<Integer> refused = new HashSet<>();
  private volatile int open; // iterators.size(), for Host's counters

  HostIterators(HostSession session, Database db, HostSnapshots snapshots, int max,
      HostPlaces places) {
    this.session = session;
    this.db = db;
    this.snapshots = snapshots;
    this.max = max;
    this.places = places;
  }

  /** An iterator's message: open, ack, seek or close. */
  void receive(GuestMessage m) {
    if (m instanceof GuestMessage.Iterator i) {
      open(i);
    } else if (m instanceof GuestMessage.IteratorAck a) {
      HostIterator it = iterator(a.id());
      if (it != null) {
        it.ack(a.seq(), a.consumed());
      }
    } else if (m instanceof GuestMessage.IteratorSeek s) {
      HostIterator it = iterator(s.id());
      if (it != null) {
        it.seek(s.target(), s.seq());
      }
    } else if (m instanceof GuestMessage.IteratorClose c) {
      HostIterator it = iterators.remove(c.id());
      if (it != null) {
        it.close();
        open = iterators.size();
      } else {
        refused.remove(c.id());
      }
    }
  }

  /** The open iterator {@code id}; null if it was refused (its acks and seeks are dropped). */
  private HostIterator iterator(int id) {
    HostIterator it = iterators.get(id);
    if (it == null && !refused.contains(id)) {
      throw new Malformed("no open iterator has id " + Integer.toUnsignedString(id));
    }
    return it;
  }

  private void open(GuestMessage.Iterator i) {
    if (iterators.containsKey(i.id())) {
      throw new Malformed("iterator " + Integer.toUnsignedString(i.id()) + " is already open");
    }
    if (iterators.size() >= max) {
      overLimit(i, new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED, "this "
          + "connection already has " + iterators.size() + " iterators open, the most the host "
          + "allows (HostOptions.maxIterators, serve --max-iterators): close iterators you no "
          + "longer use"));
      return;
    }
    refused.remove(i.id());
    Snapshot snapshot = null;
    if (i.snapshot() != 0) {
      snapshot = snapshots.get(i.snapshot());
      if (snapshot == null) {
        refuse(i, HostSnapshots.notHeld(i.snapshot()));
        refused.add(i.id());
        return;
      }
    }
    if (!places.take()) {
      overLimit(i, new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED, "this host already has "
          + places.max() + " iterators open over all its connections, the most it allows "
          + "(HostOptions.maxHostIterators, serve --max-host-iterators): close iterators you no "
          + "longer use, or try again once other guests have closed theirs"));
      return;
    }
    HostIterator it;
    try {
      it = new HostIterator(session, db, i, snapshot, places);
    } catch (RuntimeException | Error e) {
      places.giveBack(); // there is no iterator to give it back on close
      throw e;
    }
    iterators.put(i.id(), it);
    open = iterators.size();
    it.start();
  }

  /** Refuses iterator {@code i} for a limit, remembering its id while there is room. */
  private void overLimit(GuestMessage.Iterator i, LevelException error) {
    if (refused.size() < max) {
      refused.add(i.id());
    }
    refuse(i, error);
  }

  private void refuse(GuestMessage.Iterator i, LevelException error) {
    Outbox outbox = session.outbox();
    synchronized (outbox) {
      HostMessage.iteratorError(outbox.out(), i.id(), i.seq(), error);
    }
  }

  /** The connection ended: closes every iterator, which gives back its place. */
  void closeAll() {
    for (HostIterator it : iterators.values()) {
      it.close();
    }
    iterators.clear();
    open = 0;
  }

  int open() {
    return open;
  }
}
