package org.level4j.etcd;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.level4j.Entry;
import org.level4j.spi.EngineIterator;

/**
 * An iterator: pages of the range, each read at the same revision, so that the whole iteration
 * sees the cluster at one point in time however long it takes and whatever other processes write
 * meanwhile. The revision is the one of the first page, read when the iterator is made (or the
 * explicit snapshot's).
 *
 * <p>A forward page continues after the last key handed out; a reverse page asks etcd for the
 * keys below it, sorted descending. (etcd sorts a descending range by reading all of it first, so
 * a reverse scan of a large range costs more than a forward one.)
 *
 * <p>Threads: the core calls it from one thread at a time; a page arriving on a client thread is
 * handed over through the future {@link #nextvAsync} returns.
 */
final class EtcdCursor implements EngineIterator {
  /** Bytes a page should not much exceed; the page size shrinks to fit large entries. */
  private static final long PAGE_BYTES = 4L << 20;
  private static final int FIRST_PAGE = 64;

  private final EtcdEngine engine;
  private final Keyspace space;
  private final boolean reverse;
  private final boolean values;
  private final int maxPage;
  private final byte[] rangeStart;
  private final byte[] rangeEnd;
  private long revision;
  /** What is still to read: [start, end). */
  private byte[] start;
  private byte[] end;
  private boolean more = true;
  private int page;
  private final ArrayDeque<Entry<byte[], byte[]>> buffer = new ArrayDeque<>();

  EtcdCursor(EtcdEngine engine, Keyspace space, byte[][] interval, boolean reverse,
      boolean values, int limit, long revision, int pageSize) {
    this.engine = engine;
    this.space = space;
    this.reverse = reverse;
    this.values = values;
    this.maxPage = limit >= 0 ? Math.max(1, Math.min(limit, pageSize)) : pageSize;
    // The first page is small: until it arrives, nothing says how large the entries are.
    this.page = Math.min(maxPage, FIRST_PAGE);
    this.revision = revision;
    if (interval == null) {
      more = false;
      rangeStart = rangeEnd = start = end = null;
    } else {
      rangeStart = start = interval[0];
      rangeEnd = end = interval[1];
    }
  }

  /** Reads the first page now, which fixes the revision of an iterator without a snapshot. */
  CompletableFuture<EtcdCursor> begin() {
    if (!more) {
      return CompletableFuture.completedFuture(this);
    }
    return fetch().thenApply(v -> this);
  }

  @Override
  public List<Entry<byte[], byte[]>> nextv(int max) {
    return engine.join(nextvAsync(max));
  }

  @Override
  public CompletableFuture<List<Entry<byte[], byte[]>>> nextvAsync(int max) {
    if (!buffer.isEmpty() || !more) {
      return CompletableFuture.completedFuture(take(max));
    }
    return fetch().thenApply(v -> take(max));
  }

  private List<Entry<byte[], byte[]>> take(int max) {
    List<Entry<byte[], byte[]>> out = new ArrayList<>(Math.min(max, buffer.size()));
    while (out.size() < max && !buffer.isEmpty()) {
      out.add(buffer.poll());
    }
    return out;
  }

  /** Reads the next page into the buffer. */
  private CompletableFuture<Void> fetch() {
    GetOption.Builder o = GetOption.builder().withRange(io.etcd.jetcd.ByteSequence.from(end))
        .withLimit(page).withKeysOnly(!values).withRevision(revision);
    if (reverse) {
      o.withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.DESCEND);
    }
    return engine.read(io.etcd.jetcd.ByteSequence.from(start), o.build(), "iterate")
        .thenAccept(this::fill);
  }

  private void fill(GetResponse r) {
    if (revision == 0) {
      revision = r.getHeader().getRevision();
    }
    List<KeyValue> kvs = r.getKvs();
    long bytes = 0;
    for (KeyValue kv : kvs) {
      byte[] key = kv.getKey().getBytes();
      byte[] value = values ? kv.getValue().getBytes() : null;
      bytes += key.length + (value == null ? 0 : value.length);
      buffer.add(new Entry<>(space.user(key), value));
    }
    more = r.isMore() && !kvs.isEmpty();
    if (!kvs.isEmpty()) {
      byte[] last = kvs.get(kvs.size() - 1).getKey().getBytes();
      if (reverse) {
        end = last;
      } else {
        start = Keyspace.successor(last);
      }
      long perEntry = Math.max(1, bytes / kvs.size());
      page = (int) Math.max(1, Math.min(maxPage, PAGE_BYTES / perEntry));
    }
  }

  @Override
  public void seek(byte[] target) {
    buffer.clear();
    byte[] t = space.data(target);
    if (reverse) {
      start = rangeStart;
      end = Keyspace.successor(t);
    } else {
      start = t;
      end = rangeEnd;
    }
    more = rangeStart != null;
  }

  @Override
  public void close() {
    buffer.clear();
    more = false;
  }
}
