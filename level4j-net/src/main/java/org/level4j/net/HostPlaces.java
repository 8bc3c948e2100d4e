package org.level4j.net;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Places for one kind of thing a {@link Host}'s guests make it hold (open iterators, held
 * snapshots), shared by all its connections and at most {@link #max()} of them taken at once.
 * Each connection bounds its own things too ({@link HostOptions#maxIterators}, {@link
 * HostOptions#maxSnapshots}); this bounds them all together, which the per-connection bound times
 * {@link HostOptions#maxConnections} would put far beyond what a process can hold.
 *
 * <p>Whoever takes a place gives it back once, when the thing it stands for is closed: before the
 * session stops counting the thing in {@link Host#openIterators()} or {@link
 * Host#heldSnapshots()}, so whoever sees that count fall can take the place again.
 *
 * <p>Threads: any. {@link #take()} compares and sets rather than adding then taking back, so the
 * count never passes {@link #max()}, even for a moment, and a guest is refused only when all the
 * places really are taken.
 */
final class HostPlaces {
  private final int max;
  private final AtomicInteger taken = new AtomicInteger();

  HostPlaces(int max) {
    this.max = max;
  }

  /** Takes a place, or returns false if all {@link #max()} are taken. */
  boolean take() {
    while (true) {
      int n = taken.get();
      if (n >= max) {
        return false;
      }
      if (taken.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Gives back a place taken with {@link #take()}; once for each. */
  void giveBack() {
    taken.decrementAndGet();
  }

  int max() {
    return max;
  }

  /** Places taken now. */
  int taken() {
    return taken.get();
  }
}
