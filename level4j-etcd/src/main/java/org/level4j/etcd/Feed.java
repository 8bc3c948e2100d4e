package org.level4j.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.level4j.Change;
import org.level4j.ChangeFeed;
import org.level4j.ChangeListener;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.spi.AbstractChangeFeed;
import org.level4j.spi.DaemonThread;

/**
 * A {@link ChangeFeed} on an etcd watch that it re-creates itself after every break.
 *
 * <p>Why not rely on jetcd's own resumption: jetcd resumes a broken watch from the revision in
 * the header of the watch's creation answer, which is the cluster's current revision, not the
 * last event delivered; a feed that was still catching up on history when its member died would
 * skip the rest. So on every error this class closes the jetcd watcher and opens a new one from
 * its own count: one past the last revision it received. Events at revisions already received
 * are dropped, so nothing is delivered twice; etcd never splits one revision's events across
 * answers, so nothing is lost between them. {@code withRequireLeader} makes a member cut off
 * from its cluster end the watch (and this class move to another member) instead of going quiet.
 *
 * <p>Threads: watch answers arrive on jetcd's threads and are queued, in order, to one delivery
 * thread of this feed, so a listener may block or call the database without stalling the client.
 * {@code lock} guards the watch state; {@code delivering} is held while the listener runs, which
 * lets {@link #close()} wait for a running call.
 */
final class Feed extends AbstractChangeFeed {
  private static final long FIRST_RETRY_MS = 50;
  private static final long LAST_RETRY_MS = 2000;

  private final EtcdEngine engine;
  private final Watch watch;
  private final byte[][] interval;
  private final ExecutorService deliverer;
  private final Object lock = new Object();
  private final Object delivering = new Object();
  /** One past the last revision received; the next watch starts here. Guarded by lock. */
  private long received;
  private Watch.Watcher watcher;
  private int generation;
  private long retryMs = FIRST_RETRY_MS;

  Feed(EtcdEngine engine, Watch watch, Range<byte[]> range, long fromRevision,
      ChangeListener listener) {
    super(listener, fromRevision);
    this.engine = engine;
    this.watch = watch;
    this.interval = engine.space.interval(range);
    this.received = fromRevision;
    this.deliverer = Executors.newSingleThreadExecutor(
        r -> DaemonThread.of(r, "level4j-etcd-feed"));
  }

  /** Starts watching (a range that holds no key of the namespace has nothing to watch). */
  @Override
  public void start() {
    if (interval != null) {
      subscribe();
    }
  }

  private void subscribe() {
    int gen;
    long from;
    synchronized (lock) {
      if (isClosed()) {
        return;
      }
      gen = ++generation;
      from = received;
    }
    WatchOption o = WatchOption.builder()
        .withRange(ByteSequence.from(interval[1]))
        .withRevision(from)
        .withRequireLeader(true)
        .withProgressNotify(true)
        .build();
    Watch.Watcher w;
    try {
      w = watch.watch(ByteSequence.from(interval[0]), o,
          Watch.listener(r -> onResponse(gen, r), e -> onError(gen, e)));
    } catch (RuntimeException e) {
      onError(gen, e);
      return;
    }
    boolean stale;
    synchronized (lock) {
      stale = isClosed() || gen != generation;
      if (!stale) {
        watcher = w;
      }
    }
    if (stale) {
      w.close();
    }
  }

  private void onResponse(int gen, WatchResponse r) {
    synchronized (lock) {
      if (isClosed() || gen != generation) {
        return;
      }
      retryMs = FIRST_RETRY_MS;
      List<Change> changes = new ArrayList<>();
      List<Op<byte[], byte[]>> ops = new ArrayList<>();
      long rev = -1;
      for (WatchEvent e : r.getEvents()) {
        KeyValue kv = e.getKeyValue();
        long at = kv.getModRevision();
        if (at < received) {
          continue; // delivered before a reconnect
        }
        if (at != rev && !ops.isEmpty()) {
          changes.add(new Change(rev, ops));
          ops = new ArrayList<>();
        }
        rev = at;
        byte[] key = engine.space.user(kv.getKey().getBytes());
        ops.add(e.getEventType() == WatchEvent.EventType.DELETE ? Op.del(key)
            : Op.put(key, kv.getValue().getBytes()));
      }
      if (!ops.isEmpty()) {
        changes.add(new Change(rev, ops));
        received = rev + 1;
      }
      for (Change c : changes) {
        deliverer.execute(() -> handOver(c));
      }
    }
  }

  private void handOver(Change c) {
    synchronized (delivering) {
      if (isClosed()) {
        return;
      }
      LevelException threw = deliver(c);
      if (threw != null) {
        end(threw);
      }
    }
  }

  private void onError(int gen, Throwable e) {
    long delay;
    Watch.Watcher broken;
    LevelException end = null;
    synchronized (lock) {
      if (isClosed() || gen != generation) {
        return;
      }
      generation++; // answers of the broken watch still on their way are dropped
      broken = watcher;
      watcher = null;
      if (e instanceof CompactedException || String.valueOf(e.getMessage())
          .contains("required revision has been compacted")) {
        end = new LevelException(ErrorCode.LEVEL_SNAPSHOT_NOT_OPEN,
            "the change feed cannot go on from revision " + received + ": the etcd cluster "
            + "compacted it away. Read the range's current state and start a new feed from "
            + "EtcdLevel.revision() + 1; give the cluster a longer --auto-compaction-retention "
            + "if feeds must survive longer outages", e);
      }
      delay = retryMs;
      retryMs = Math.min(LAST_RETRY_MS, retryMs * 2);
    }
    // jetcd is called outside the lock: it calls this class back holding locks of its own.
    if (broken != null) {
      broken.close();
    }
    if (end != null) {
      LevelException error = end;
      try {
        deliverer.execute(() -> end(error));
      } catch (java.util.concurrent.RejectedExecutionException closedMeanwhile) {
        // closed: nothing more to tell
      }
      return;
    }
    CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(this::subscribe);
  }

  /** On the delivery thread, holding {@code delivering} as every delivery does. */
  @Override
  protected void end(LevelException error) {
    synchronized (delivering) {
      super.end(error);
    }
  }

  @Override
  public void close() {
    Watch.Watcher w;
    synchronized (lock) {
      if (isClosed()) {
        return;
      }
      markClosed();
      w = watcher;
      watcher = null;
    }
    if (w != null) {
      w.close();
    }
    synchronized (delivering) {
      // waits for a listener call in progress on another thread
    }
    deliverer.shutdown();
    engine.forget(this);
  }
}
