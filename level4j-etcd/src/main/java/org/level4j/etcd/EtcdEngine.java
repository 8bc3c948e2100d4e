package org.level4j.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.level4j.ChangeFeed;
import org.level4j.ChangeListener;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.RequestId;
import org.level4j.Supports;
import org.level4j.spi.EngineIterator;
import org.level4j.spi.EngineSnapshot;
import org.level4j.spi.RemoteEngine;

/**
 * The etcd engine: each primitive of the engine SPI as one etcd request (a few for pages of
 * large reads and for a clear with a limit), through jetcd, asynchronous throughout. Plain
 * writes and reads of the latest data that wait at the same time share one request (see
 * {@link Coalescer}); writes sharing a key keep their order (see {@link WriteOrder}).
 *
 * <p>Threads: any number call in at once. Answers arrive on jetcd's threads; every future this
 * engine returns is failed with {@code LEVEL_DATABASE_NOT_OPEN} when it closes, and fails with
 * {@code LEVEL_CONNECTION_LOST} when the cluster does not answer within {@link
 * EtcdOptions#requestTimeout()}, so that no caller waits forever on a cluster that lost its
 * majority.
 */
final class EtcdEngine implements RemoteEngine {
  /*
   * Mapping. A batch is one Txn: EXPECT ops become compares (a value compare, or version == 0
   * for "absent"; etcd fails a value compare on a missing key, which is what expect(k, v) means),
   * puts and dels the success branch, and reads of the checked keys the failure branch, so that
   * a conflict names its key. A write with a RequestId adds "its record is absent" to the
   * compares and "put the record" to the success branch, so the record and the write commit
   * together or not at all; records live in a space of their own (see Keyspace), under a lease
   * of an hour, and settled ones are deleted in the same transaction.
   *
   * Reads are linearizable (etcd's default): a read issued after a write was acknowledged, by
   * any process, sees it. Iterators and snapshots read at a revision.
   *
   * No silent retries of writes: jetcd resends a write only when it knows the request never
   * left; a write whose answer was lost fails with LEVEL_CONNECTION_LOST and says it may have
   * been applied (a RequestId makes the retry safe).
   */

  private static final Supports SUPPORTS = Supports.all();
  private static final GetOption COUNT_ONLY = GetOption.builder().withCountOnly(true).build();
  /** Lifetime of the lease request records are put under; a new lease every tenth of it. */
  private static final long RECORD_TTL_SECONDS = 3600;
  private static final long LEASE_RENEW_NANOS = TimeUnit.SECONDS.toNanos(RECORD_TTL_SECONDS / 10);

  final List<String> endpoints;
  final Keyspace space;
  final EtcdOptions options;
  private final WriteOrder order = new WriteOrder();
  private final Coalescer<TxnPlan, Boolean> writes;
  private final Coalescer<byte[], byte[]> reads;
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  private final Set<Feed> feeds = ConcurrentHashMap.newKeySet();
  private volatile Connection connection;
  private volatile Client client;
  private volatile KV kv;
  private volatile boolean open;
  private CompletableFuture<Long> lease;
  private long leaseSince;

  EtcdEngine(List<String> endpoints, Keyspace space, EtcdOptions options) {
    this.endpoints = List.copyOf(endpoints);
    this.space = space;
    this.options = options;
    this.writes = new Coalescer<>(options.maxTxnOps(), options.maxRequestBytes(),
        p -> p.then.size(), p -> p.bytes, this::commitTogether);
    this.reads = new Coalescer<>(options.maxTxnOps(), options.maxRequestBytes() / 2,
        k -> 1, k -> k.length + 16L, this::getTogether);
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  @Override
  public void open() {
    Connection conn = Connection.acquire(endpoints, options, this::connect);
    Client c = conn.client;
    try {
      // Reach the cluster now, so that a wrong address or password fails the open, not a read.
      c.getKVClient().get(ByteSequence.from(space.dataStart), COUNT_ONLY)
          .get(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      conn.release();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LevelException f = Failure.of(e, "open", false, endpoints, options.connectTimeout());
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED, "cannot open namespace "
          + Keyspace.show(space.namespace.getBytes(StandardCharsets.UTF_8)) + " on the etcd "
          + "cluster at " + endpoints + ": " + f.reason(), e);
    }
    connection = conn;
    client = c;
    kv = c.getKVClient();
    synchronized (this) {
      lease = null;
    }
    open = true;
  }

  private Client connect() {
    ClientBuilder b = Client.builder()
        .endpoints(endpoints.toArray(new String[0]))
        .connectTimeout(options.connectTimeout())
        // Answers may be large (pages of big values); requests are bounded by the cluster.
        .maxInboundMessageSize(Integer.MAX_VALUE);
    if (options.user() != null) {
      b.user(bytes(options.user())).password(bytes(options.password()));
    }
    if (options.authority() != null) {
      b.authority(options.authority());
    }
    if (options.tls()) {
      try {
        b.sslContext(ssl -> {
          if (options.trustCertificates() != null) {
            ssl.trustManager(options.trustCertificates().toFile());
          }
          if (options.clientCertificate() != null) {
            ssl.keyManager(options.clientCertificate().toFile(), options.clientKey().toFile());
          }
        });
      } catch (SSLException | RuntimeException e) {
        throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED, "cannot set up TLS for "
            + "etcd with the certificates in EtcdOptions: " + e.getMessage(), e);
      }
    }
    return b.build();
  }

  @Override
  public void close() {
    open = false;
    for (Feed f : List.copyOf(feeds)) {
      f.close();
    }
    LevelException closed = new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPEN,
        "the database was closed before etcd answered");
    for (CompletableFuture<?> f : List.copyOf(pending)) {
      f.completeExceptionally(closed);
    }
    Connection c = connection;
    connection = null;
    client = null;
    kv = null;
    if (c != null) {
      c.release();
    }
  }

  @Override
  public Supports supports() {
    return SUPPORTS;
  }

  // ---- calls ---------------------------------------------------------------------------------

  /**
   * The answer of {@code send}'s request, given up on after the request timeout; failures are
   * LevelExceptions, and the future fails at once if the database closes meanwhile.
   */
  <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> send, String doing, boolean write) {
    if (!open) {
      return CompletableFuture.failedFuture(new LevelException(
          ErrorCode.LEVEL_DATABASE_NOT_OPEN, "the database is not open"));
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    pending.add(out);
    CompletableFuture<T> f;
    try {
      f = send.get();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.orTimeout(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((v, e) -> {
          pending.remove(out);
          if (e == null) {
            out.complete(v);
          } else {
            out.completeExceptionally(
                Failure.of(e, doing, write, endpoints, options.requestTimeout()));
          }
        });
    if (!open) {
      out.completeExceptionally(new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPEN,
          "the database was closed before etcd answered"));
    }
    return out;
  }

  /** A range read of the data space. */
  CompletableFuture<GetResponse> read(ByteSequence key, GetOption option, String doing) {
    KV k = kv;
    return call(() -> k.get(key, option), doing, false);
  }

  /** Waits for {@code f}, rethrowing its failure as the LevelException it is. */
  <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw LevelException.of(e, ErrorCode.LEVEL_IO_ERROR);
    }
  }

  private static long revision(EngineSnapshot snapshot) {
    return snapshot == null ? 0 : ((EtcdSnapshot) snapshot).revision;
  }

  // ---- reads ---------------------------------------------------------------------------------

  @Override
  public byte[] get(byte[] key, EngineSnapshot snapshot) {
    return join(getAsync(key, snapshot));
  }

  /** Reads of the latest data that wait at the same time go as one transaction. */
  @Override
  public CompletableFuture<byte[]> getAsync(byte[] key, EngineSnapshot snapshot) {
    long rev = revision(snapshot);
    if (rev == 0) {
      return reads.submit(space.data(key));
    }
    GetOption o = GetOption.builder().withRevision(rev).build();
    return read(space.dataKey(key), o, "read").thenApply(r -> {
      List<KeyValue> kvs = r.getKvs();
      return kvs.isEmpty() ? null : kvs.get(0).getValue().getBytes();
    });
  }

  /** Reads etcd keys in one transaction (see {@link Coalescer}). */
  private CompletableFuture<List<byte[]>> getTogether(List<byte[]> keys) {
    KV k = kv;
    if (keys.size() == 1) {
      return call(() -> k.get(ByteSequence.from(keys.get(0))), "read", false)
          .thenApply(r -> java.util.Collections.singletonList(
              r.getKvs().isEmpty() ? null : r.getKvs().get(0).getValue().getBytes()));
    }
    io.etcd.jetcd.op.Op[] gets = new io.etcd.jetcd.op.Op[keys.size()];
    for (int i = 0; i < gets.length; i++) {
      gets[i] = io.etcd.jetcd.op.Op.get(ByteSequence.from(keys.get(i)), GetOption.DEFAULT);
    }
    return call(() -> k.txn().Then(gets).commit(), "read", false).thenApply(r -> {
      List<byte[]> out = new ArrayList<>(keys.size());
      for (GetResponse g : r.getGetResponses()) {
        out.add(g.getKvs().isEmpty() ? null : g.getKvs().get(0).getValue().getBytes());
      }
      return out;
    });
  }

  @Override
  public List<byte[]> getMany(List<byte[]> keys, EngineSnapshot snapshot) {
    return join(getManyAsync(keys, snapshot));
  }

  /**
   * As many gets per transaction as the cluster allows; every transaction after the first reads
   * at the first one's revision, so all values come from one point in time.
   */
  @Override
  public CompletableFuture<List<byte[]>> getManyAsync(List<byte[]> keys, EngineSnapshot snapshot) {
    if (keys.isEmpty()) {
      return CompletableFuture.completedFuture(new ArrayList<>(0));
    }
    return getMany(keys, 0, revision(snapshot), new ArrayList<>(keys.size()));
  }

  private CompletableFuture<List<byte[]>> getMany(List<byte[]> keys, int from, long rev,
      List<byte[]> out) {
    GetOption o = rev == 0 ? GetOption.DEFAULT : GetOption.builder().withRevision(rev).build();
    List<io.etcd.jetcd.op.Op> gets = new ArrayList<>();
    long bytes = 0;
    int to = from;
    while (to < keys.size() && gets.size() < options.maxTxnOps()
        && bytes < options.maxRequestBytes() / 2) {
      byte[] k = space.data(keys.get(to++));
      bytes += k.length + 16;
      gets.add(io.etcd.jetcd.op.Op.get(ByteSequence.from(k), o));
    }
    KV k = kv;
    int end = to;
    return call(() -> k.txn().Then(gets.toArray(new io.etcd.jetcd.op.Op[0])).commit(), "read",
        false).thenCompose(r -> {
          for (GetResponse g : r.getGetResponses()) {
            out.add(g.getKvs().isEmpty() ? null : g.getKvs().get(0).getValue().getBytes());
          }
          if (end == keys.size()) {
            return CompletableFuture.completedFuture(out);
          }
          return getMany(keys, end, rev != 0 ? rev : r.getHeader().getRevision(), out);
        });
  }

  @Override
  public EngineIterator iterator(Range<byte[]> range, boolean keys, boolean values,
      EngineSnapshot snapshot) {
    long rev = revision(snapshot);
    EtcdCursor c = new EtcdCursor(this, space, space.interval(range), range.isReverse(), values,
        range.limit(), rev, options.iteratorPageSize());
    if (rev == 0) {
      join(c.begin()); // the implicit snapshot is taken now, not at the first next()
    }
    return c;
  }

  @Override
  public EngineSnapshot snapshot() {
    return new EtcdSnapshot(join(currentRevision()));
  }

  /** The cluster's revision now, as a linearizable read sees it. */
  CompletableFuture<Long> currentRevision() {
    return read(ByteSequence.from(space.dataStart), COUNT_ONLY, "read the revision")
        .thenApply(r -> r.getHeader().getRevision());
  }

  // ---- writes --------------------------------------------------------------------------------

  @Override
  public void write(List<Op<byte[], byte[]>> ops, boolean sync) {
    join(writeAsync(ops, sync));
  }

  /** etcd acknowledges a write once a majority has it in its fsynced log: every write is sync. */
  @Override
  public CompletableFuture<Void> writeAsync(List<Op<byte[], byte[]>> ops, boolean sync) {
    TxnPlan plan;
    try {
      plan = TxnPlan.of(space, ops, null, 0, options);
    } catch (LevelException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (plan.plain()) {
      return order.write(plan.keys, () -> writes.submit(plan)).thenApply(applied -> null);
    }
    return order.write(plan.keys, () -> commit(plan)).thenApply(applied -> null);
  }

  /** Sends the writes of plain plans as one transaction (see {@link Coalescer}). */
  private CompletableFuture<List<Boolean>> commitTogether(List<TxnPlan> plans) {
    List<io.etcd.jetcd.op.Op> ops = new ArrayList<>();
    for (TxnPlan p : plans) {
      ops.addAll(p.then);
    }
    KV k = kv;
    return call(() -> k.txn().Then(ops.toArray(new io.etcd.jetcd.op.Op[0])).commit(), "write",
        true).thenApply(r -> java.util.Collections.nCopies(plans.size(), Boolean.TRUE));
  }

  @Override
  public boolean write(List<Op<byte[], byte[]>> ops, boolean sync, RequestId request) {
    return join(writeAsync(ops, sync, request));
  }

  @Override
  public CompletableFuture<Boolean> writeAsync(List<Op<byte[], byte[]>> ops, boolean sync,
      RequestId request) {
    TxnPlan checked;
    try {
      checked = TxnPlan.of(space, ops, request, 0, options);
    } catch (LevelException e) {
      return CompletableFuture.failedFuture(e);
    }
    return order.write(checked.keys, () -> recordLease().thenCompose(
        lease -> commit(TxnPlan.of(space, ops, request, lease, options))));
  }

  /** Sends {@code plan}: true if applied, false if its request was applied before. */
  private CompletableFuture<Boolean> commit(TxnPlan plan) {
    KV k = kv;
    return call(() -> k.txn()
        .If(plan.compares.toArray(new Cmp[0]))
        .Then(plan.then.toArray(new io.etcd.jetcd.op.Op[0]))
        .Else(plan.otherwise.toArray(new io.etcd.jetcd.op.Op[0]))
        .commit(), "write", true).thenApply(r -> outcome(plan, r));
  }

  private static Boolean outcome(TxnPlan plan, TxnResponse r) {
    if (r.isSucceeded()) {
      return Boolean.TRUE;
    }
    LevelException conflict = plan.conflict(r.getGetResponses());
    if (conflict == null) {
      return Boolean.FALSE;
    }
    throw conflict;
  }

  /** The lease request records are put under: granted on first use, renewed every 6 minutes. */
  private synchronized CompletableFuture<Long> recordLease() {
    long now = System.nanoTime();
    if (lease == null || lease.isCompletedExceptionally() || now - leaseSince > LEASE_RENEW_NANOS) {
      Client c = client;
      leaseSince = now;
      lease = call(() -> c.getLeaseClient().grant(RECORD_TTL_SECONDS), "grant a lease for "
          + "request records", false).thenApply(r -> r.getID());
    }
    return lease;
  }

  @Override
  public void clear(Range<byte[]> range) {
    join(clearAsync(range));
  }

  @Override
  public CompletableFuture<Void> clearAsync(Range<byte[]> range) {
    byte[][] iv = space.interval(range);
    if (iv == null || range.limit() == 0) {
      return CompletableFuture.completedFuture(null);
    }
    if (range.limit() < 0) {
      // One DeleteRange: the whole clear is atomic.
      DeleteOption o = DeleteOption.builder().withRange(ByteSequence.from(iv[1])).build();
      KV k = kv;
      return order.barrier(() -> call(() -> k.delete(ByteSequence.from(iv[0]), o), "clear",
          true)).thenApply(r -> null);
    }
    return order.barrier(() -> clearSome(iv, range.isReverse(), range.limit()));
  }

  /** Deletes the first {@code left} keys of the interval, a transaction at a time. */
  private CompletableFuture<Void> clearSome(byte[][] iv, boolean reverse, int left) {
    int n = Math.min(left, options.maxTxnOps());
    GetOption.Builder o = GetOption.builder().withRange(ByteSequence.from(iv[1])).withLimit(n)
        .withKeysOnly(true);
    if (reverse) {
      o.withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.DESCEND);
    }
    return read(ByteSequence.from(iv[0]), o.build(), "clear").thenCompose(r -> {
      List<KeyValue> kvs = r.getKvs();
      if (kvs.isEmpty()) {
        return CompletableFuture.completedFuture(null);
      }
      io.etcd.jetcd.op.Op[] dels = new io.etcd.jetcd.op.Op[kvs.size()];
      for (int i = 0; i < dels.length; i++) {
        dels[i] = io.etcd.jetcd.op.Op.delete(kvs.get(i).getKey(), DeleteOption.DEFAULT);
      }
      KV k = kv;
      return call(() -> k.txn().Then(dels).commit(), "clear", true).thenCompose(d -> {
        int rest = left - dels.length;
        return rest > 0 && r.isMore() ? clearSome(iv, reverse, rest)
            : CompletableFuture.completedFuture(null);
      });
    });
  }

  // ---- change feed ---------------------------------------------------------------------------

  @Override
  public long revision() {
    return join(currentRevision());
  }

  @Override
  public ChangeFeed changes(Range<byte[]> range, long fromRevision, ChangeListener listener) {
    if (!open) {
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPEN, "the database is not open");
    }
    long from = fromRevision > 0 ? fromRevision : revision() + 1;
    Feed f = new Feed(this, client.getWatchClient(), range, from, listener);
    feeds.add(f);
    f.start();
    return f;
  }

  void forget(Feed f) {
    feeds.remove(f);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
