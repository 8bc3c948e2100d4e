package org.level4j.net;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.level4j.ErrorCode;
import org.level4j.Level;
import org.level4j.LevelException;
import org.level4j.Snapshot;

/**
 * The snapshots the guest of one {@link HostSession} took, by the number it gave them: at most
 * {@code maxSnapshots} of them, and each holds one of the host's {@code maxHostSnapshots} places,
 * shared by all its connections (see {@link HostOptions}); more are refused with {@code
 * LEVEL_LIMIT_EXCEEDED}. Those still held when the connection ends are released then. A place is
 * taken with the snapshot and given back by {@link #close(Snapshot)}, which every release goes
 * through, once a snapshot has left the map (so once for each).
 *
 * <p>Threads: the session's reader thread only, but {@link #held()}, for the host's counters.
 */
final class HostSnapshots {
  private final Level<byte[], byte[]> db;
  private final int max;
  /** The host's places for held snapshots, over all its connections. */
  private final HostPlaces places;
  private final Map<Integer, Snapshot> snapshots = new HashMap<>();
  private volatile int held; // snapshots.size(), for Host's counters

  HostSnapshots(Level<byte[], byte[]> db, int max, HostPlaces places) {
    this.db = db;
    this.max = max;
    this.places = places;
  }

  /** The snapshot the guest numbered {@code number}, or null if this connection holds none. */
  Snapshot get(int number) {
    return snapshots.get(number);
  }

  /**
   * Takes the snapshot a guest asked for, unless this connection already holds {@code
   * maxSnapshots} of them or the host {@code maxHostSnapshots}. Taken here, on the reader thread,
   * after the writes received before it were started, as every read is.
   */
  CompletableFuture<Void> take(GuestMessage.TakeSnapshot t) {
    if (snapshots.containsKey(t.snapshot())) {
      throw new Malformed("snapshot " + Integer.toUnsignedString(t.snapshot())
          + " is already held");
    }
    if (snapshots.size() >= max) {
      return CompletableFuture.failedFuture(new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED,
          "this connection already holds " + snapshots.size() + " snapshots, the most the host "
              + "allows (HostOptions.maxSnapshots, serve --max-snapshots): close snapshots you "
              + "no longer use"));
    }
    if (!places.take()) {
      return CompletableFuture.failedFuture(new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED,
          "this host already holds " + places.max() + " snapshots over all its connections, the "
              + "most it allows (HostOptions.maxHostSnapshots, serve --max-host-snapshots): "
              + "close snapshots you no longer use, or try again once other guests have closed "
              + "theirs"));
    }
    Snapshot s;
    try {
      s = db.snapshot();
    } catch (RuntimeException e) {
      places.giveBack();
      return CompletableFuture.failedFuture(e);
    }
    snapshots.put(t.snapshot(), s);
    held = snapshots.size();
    return CompletableFuture.completedFuture(null);
  }

  void release(int number) {
    Snapshot s = snapshots.remove(number);
    if (s != null) {
      close(s);
      held = snapshots.size();
    }
  }

  /** The connection ended: releases every snapshot it holds. */
  void releaseAll() {
    for (Snapshot s : snapshots.values()) {
      close(s);
    }
    snapshots.clear();
    held = 0;
  }

  /**
   * Closes a snapshot that has left (or is leaving) {@link #snapshots}, then gives back its place
   * among the host's, before {@link #held} stops counting it: whoever sees the count fall can take
   * a snapshot again.
   */
  private void close(Snapshot s) {
    try {
      s.close();
    } finally {
      places.giveBack();
    }
  }

  int held() {
    return held;
  }

  /** The error of a request that names a snapshot this connection does not hold. */
  static LevelException notHeld(int snapshot) {
    return new LevelException(ErrorCode.LEVEL_SNAPSHOT_NOT_OPEN, "this connection holds no "
        + "snapshot " + Integer.toUnsignedString(snapshot) + " (it was released, or taken on "
        + "another connection): take a new snapshot");
  }
}
