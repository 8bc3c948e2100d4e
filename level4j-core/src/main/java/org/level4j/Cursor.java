package org.level4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.level4j.spi.EngineIterator;
import org.level4j.spi.EntryDecoder;

/**
 * The {@link LevelIterator} users get: an {@link EngineIterator} plus decoding, the limit, the
 * busy check, the range check of seeks and a {@link Gate} so that closing (by the user or by the
 * database) never frees the engine cursor under a running call.
 *
 * <p>Seeks outside the range are settled here, once for every engine: as in abstract-level, such a
 * seek leaves the iterator exhausted until the next seek, and the engine is not asked to move at
 * all. Engines thus only ever seek inside their range (see {@link EngineIterator#seek}), where
 * every store, local or remote, level4j's or Node's, agrees on where to land.
 */
final class Cursor<K, T> implements LevelIterator<K, T> {
  private final Root root;
  private final View<K, ?> view;
  private final Range<byte[]> range;
  private final boolean seekable;
  private final EngineIterator it;
  private final EntryDecoder<T> decode;
  private final int limit;
  private final boolean remote;
  private final Gate gate = new Gate();
  private final AtomicBoolean busy = new AtomicBoolean();
  private volatile long count;
  /**
   * Set by a seek outside the range, cleared by the next seek: until then the iterator yields
   * nothing. Read and written only by calls that won {@link #busy}, whose compare-and-set and
   * release order them, so a plain field suffices.
   */
  private boolean pastEnd;

  Cursor(Root root, View<K, ?> view, Range<byte[]> range, boolean seekable, EngineIterator it,
      EntryDecoder<T> decode, boolean remote) {
    this.root = root;
    this.view = view;
    this.range = range;
    this.seekable = seekable;
    this.it = it;
    this.limit = range.limit();
    this.decode = decode;
    this.remote = remote;
  }

  @Override
  public T next() {
    List<T> one = nextv(1);
    return one.isEmpty() ? null : one.get(0);
  }

  @Override
  public List<T> nextv(int max) {
    int n = want(max);
    if (n == 0) {
      enterAndLeave();
      return Collections.emptyList();
    }
    if (remote) {
      return LevelException.join(nextvAsync(max));
    }
    enter();
    try {
      if (pastEnd) {
        return Collections.emptyList();
      }
      return counted(fill(it.nextv(n, decode), n));
    } finally {
      leave();
    }
  }

  /**
   * Tops up a short batch: an engine may return fewer entries than asked before its end (a guest
   * hands out what has arrived), but users get full batches until the range is exhausted.
   */
  private List<T> fill(List<T> got, int n) {
    if (got.isEmpty() || got.size() >= n) {
      return got;
    }
    List<T> all = new ArrayList<>(got);
    while (all.size() < n) {
      List<T> more = it.nextv(n - all.size(), decode);
      if (more.isEmpty()) {
        break;
      }
      all.addAll(more);
    }
    return all;
  }

  /** The asynchronous {@link #fill}. */
  private CompletableFuture<List<T>> fillAsync(List<T> got, int n) {
    if (got.isEmpty() || got.size() >= n) {
      return CompletableFuture.completedFuture(got);
    }
    return it.nextvAsync(n - got.size(), decode).thenCompose(more -> {
      if (more.isEmpty()) {
        return CompletableFuture.completedFuture(got);
      }
      List<T> all = new ArrayList<>(got.size() + more.size());
      all.addAll(got);
      all.addAll(more);
      return fillAsync(all, n);
    });
  }

  @Override
  public CompletableFuture<T> nextAsync() {
    return nextvAsync(1).thenApply(l -> l.isEmpty() ? null : l.get(0));
  }

  @Override
  public CompletableFuture<List<T>> nextvAsync(int max) {
    try {
      int n = want(max);
      enter();
      if (n == 0 || pastEnd) {
        leave();
        return CompletableFuture.completedFuture(Collections.emptyList());
      }
      if (!remote) {
        try {
          return CompletableFuture.completedFuture(counted(fill(it.nextv(n, decode), n)));
        } finally {
          leave();
        }
      }
      CompletableFuture<List<T>> f;
      try {
        f = it.nextvAsync(n, decode).thenCompose(got -> fillAsync(got, n));
      } finally {
        gate.exit();
      }
      return f.handle((got, err) -> {
        busy.set(false);
        if (err != null) {
          throw LevelException.of(err, ErrorCode.LEVEL_IO_ERROR);
        }
        return counted(got);
      });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public List<T> all() {
    try {
      List<T> out = new ArrayList<>();
      for (List<T> part = nextv(1000); !part.isEmpty(); part = nextv(1000)) {
        out.addAll(part);
      }
      return out;
    } finally {
      close();
    }
  }

  @Override
  public void seek(K target) {
    byte[] t = view.encodeKey(target);
    enter();
    try {
      if (!seekable) {
        throw new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED,
            "this database's iterators cannot seek (see supports().seek())");
      }
      pastEnd = !inside(range, t);
      if (!pastEnd) {
        it.seek(t);
      }
    } finally {
      leave();
    }
  }

  /** Whether {@code key} lies within the bounds of {@code r} (whatever its direction). */
  private static boolean inside(Range<byte[]> r, byte[] key) {
    if (r.lower() != null) {
      int c = Bytes.compare(key, r.lower());
      if (c < 0 || c == 0 && !r.lowerInclusive()) {
        return false;
      }
    }
    if (r.upper() != null) {
      int c = Bytes.compare(key, r.upper());
      if (c > 0 || c == 0 && !r.upperInclusive()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public Iterator<T> iterator() {
    return new Iterator<>() {
      private T ahead;

      @Override
      public boolean hasNext() {
        if (ahead == null) {
          ahead = Cursor.this.next();
        }
        return ahead != null;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        T t = ahead;
        ahead = null;
        return t;
      }
    };
  }

  @Override
  public Stream<T> stream() {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL),
        false).onClose(this::close);
  }

  @Override
  public void close() {
    gate.shut(it::close, () -> root.forget(this));
  }

  boolean isClosed() {
    return gate.isShut();
  }

  private int want(int max) {
    if (max < 1) {
      max = 1; // as abstract-level's nextv() does
    }
    if (limit < 0) {
      return max;
    }
    return (int) Math.max(0, Math.min(max, limit - count));
  }

  /** Entries decoded by the engine call, as the user gets them, counted. */
  private List<T> counted(List<T> got) {
    if (got.isEmpty()) {
      return Collections.emptyList();
    }
    count += got.size();
    return got;
  }

  private void enter() {
    if (!gate.enter()) {
      throw notOpen();
    }
    if (!busy.compareAndSet(false, true)) {
      gate.exit();
      throw new LevelException(ErrorCode.LEVEL_ITERATOR_BUSY,
          "another call on this iterator is still running; wait for it before the next one");
    }
  }

  private void leave() {
    busy.set(false);
    gate.exit();
  }

  private void enterAndLeave() {
    enter();
    leave();
  }

  private LevelException notOpen() {
    return new LevelException(ErrorCode.LEVEL_ITERATOR_NOT_OPEN,
        root.status() == Status.OPEN ? "the iterator is closed; create a new one"
            : "the iterator was closed with its database (status " + root.status() + ")");
  }
}
