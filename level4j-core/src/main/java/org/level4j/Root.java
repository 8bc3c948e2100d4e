package org.level4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.level4j.spi.Engine;
import org.level4j.spi.EngineIterator;
import org.level4j.spi.EntryDecoder;
import org.level4j.spi.RemoteEngine;

/**
 * The database itself: the view with an empty prefix, plus everything that exists once per
 * database. It owns the engine and its lifecycle, runs pre-write hooks and write listeners, and is
 * the only class that calls the engine (an {@link EngineView}'s calls included), which is why it
 * is the longest class of the core.
 *
 * <p>Every engine call happens inside {@link #gate}, so {@link #close()} can wait for calls in
 * progress and never closes a local engine under one. For a remote engine ({@link
 * Engine#supports()} says nothing about that; {@code RemoteEngine} marks it) sync calls wait on
 * the engine's futures outside the gate: a close must not wait for a network answer, and the
 * engine fails its pending futures when closed. Some remote calls still wait for the host inside
 * the gate (a snapshot's answer, a write held at a guest's bound until its host reads), so a
 * remote engine is closed first, which ends those waits, and the gate drained after.
 */
final class Root extends View<String, String> implements Database {
  private static final System.Logger LOG = System.getLogger("org.level4j");

  private final Engine engine;
  private final boolean remote;
  private final Gate gate = new Gate();
  private final Set<Cursor<?, ?>> cursors = ConcurrentHashMap.newKeySet();
  private final Set<GatedIterator> engineIterators = ConcurrentHashMap.newKeySet();
  private final Set<HeldSnapshot> snapshots = ConcurrentHashMap.newKeySet();
  private final Set<HeldFeed> feeds = ConcurrentHashMap.newKeySet();
  /** Chained batches neither written nor closed; weak, so a dropped batch is not kept. */
  private final Set<ChainedBatch<?, ?>> batches =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
  private final List<Watch<?, ?>> hooks = new CopyOnWriteArrayList<>();
  private final List<Watch<?, ?>> listeners = new CopyOnWriteArrayList<>();
  private final List<ClearWatch<?>> clearListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Status>> statusListeners = new CopyOnWriteArrayList<>();
  private volatile Status status = Status.CLOSED;
  private volatile Database face = this;
  private final EngineView engineView = new EngineView(this);
  /** The one bytes view: views are immutable, and a forwarding database's is unwrapped often. */
  private final Level<byte[], byte[]> bytes = new View<>(this, Bytes.EMPTY, Codecs.BYTES,
      Codecs.BYTES);

  Root(Engine engine) {
    super(null, Bytes.EMPTY, Codecs.UTF8, Codecs.UTF8);
    if (engine == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "engine must not be null");
    }
    this.engine = engine;
    this.remote = engine instanceof RemoteEngine;
    open();
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  @Override
  public synchronized void open() {
    if (status == Status.OPEN) {
      return;
    }
    status(Status.OPENING);
    try {
      engine.open();
    } catch (RuntimeException e) {
      status(Status.CLOSED);
      throw e instanceof LevelException ? e
          : new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED,
              "the engine failed to open: " + e.getMessage(), e);
    }
    gate.reopen();
    status(Status.OPEN);
  }

  @Override
  public synchronized void close() {
    if (status != Status.OPEN) {
      return;
    }
    status(Status.CLOSING);
    try {
      if (remote) {
        // A call inside the gate may wait for the host (a guest's snapshot(), or a write held at
        // its bound on unsent requests while the host does not read): draining first would wait
        // as long as the host does, for ever if it is stopped, polling all the while. Closing the
        // engine ends such waits (its futures fail, its connection closes); the drain is then
        // short, and the handles are closed after it, calls that made one meanwhile included.
        gate.refuse();
        engine.close();
      }
      gate.shut();
      for (Cursor<?, ?> c : List.copyOf(cursors)) {
        c.close();
      }
      for (GatedIterator it : List.copyOf(engineIterators)) {
        it.close();
      }
      for (HeldSnapshot s : List.copyOf(snapshots)) {
        s.close();
      }
      for (HeldFeed f : List.copyOf(feeds)) {
        f.close();
      }
      synchronized (batches) {
        for (ChainedBatch<?, ?> b : batches) {
          b.discard();
        }
        batches.clear();
      }
      if (!remote) {
        engine.close();
      }
    } finally {
      status(Status.CLOSED);
    }
  }

  @Override
  public Status status() {
    return status;
  }

  @Override
  public Level<byte[], byte[]> bytes() {
    return bytes;
  }

  Supports engineSupports() {
    return engine.supports();
  }

  Database face() {
    return face;
  }

  void face(Database outer) {
    this.face = outer;
  }

  Engine engine() {
    return engine;
  }

  /** This database as an engine, for an engine that delegates to it (see {@link EngineView}). */
  EngineView engineView() {
    return engineView;
  }

  // ---- reads ---------------------------------------------------------------------------------

  byte[] read(byte[] key, Snapshot snapshot) {
    if (remote) {
      return LevelException.join(readAsync(key, snapshot));
    }
    HeldSnapshot s = enter(snapshot);
    try {
      return engine.get(key, s == null ? null : s.engineSnapshot);
    } finally {
      leave(s);
    }
  }

  List<byte[]> readMany(List<byte[]> keys, Snapshot snapshot) {
    if (remote) {
      return LevelException.join(readManyAsync(keys, snapshot));
    }
    HeldSnapshot s = enter(snapshot);
    try {
      return engine.getMany(keys, s == null ? null : s.engineSnapshot);
    } finally {
      leave(s);
    }
  }

  CompletableFuture<byte[]> readAsync(byte[] key, Snapshot snapshot) {
    HeldSnapshot s = enter(snapshot);
    try {
      return engine.getAsync(key, s == null ? null : s.engineSnapshot);
    } finally {
      leave(s);
    }
  }

  CompletableFuture<List<byte[]>> readManyAsync(List<byte[]> keys, Snapshot snapshot) {
    HeldSnapshot s = enter(snapshot);
    try {
      return engine.getManyAsync(keys, s == null ? null : s.engineSnapshot);
    } finally {
      leave(s);
    }
  }

  <K, T> LevelIterator<K, T> openCursor(View<K, ?> view, Range<byte[]> range, boolean keys,
      boolean values, Snapshot snapshot, EntryDecoder<T> decode) {
    HeldSnapshot s = enter(snapshot);
    try {
      EngineIterator it = engine.iterator(range, keys, values,
          s == null ? null : s.engineSnapshot);
      Cursor<K, T> c = new Cursor<>(this, view, range, engine.supports().seek(), it, decode,
          remote);
      cursors.add(c);
      return c;
    } finally {
      leave(s);
    }
  }

  Snapshot takeSnapshot() {
    enter(null);
    try {
      if (!engine.supports().explicitSnapshots()) {
        throw new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED,
            "this database has no explicit snapshots (see supports()); iterators still read "
                + "from their own implicit snapshot");
      }
      HeldSnapshot s = new HeldSnapshot(this, engine.snapshot());
      snapshots.add(s);
      return s;
    } finally {
      leave(null);
    }
  }

  void forget(Cursor<?, ?> c) {
    cursors.remove(c);
  }

  void forget(GatedIterator it) {
    engineIterators.remove(it);
  }

  void forget(HeldSnapshot s) {
    snapshots.remove(s);
  }

  /** A new chained batch, closed by {@link #close()} if still open then. */
  <B extends ChainedBatch<?, ?>> B track(B batch) {
    synchronized (batches) { // with close()'s sweep: a batch is either swept or refused
      checkOpen();
      batches.add(batch);
    }
    return batch;
  }

  void forget(ChainedBatch<?, ?> b) {
    batches.remove(b);
  }

  // ---- writes --------------------------------------------------------------------------------

  void write(List<Op<byte[], byte[]>> ops, WriteOptions options) {
    List<Op<byte[], byte[]>> all = prepare(ops);
    if (all.isEmpty()) {
      checkOpen();
      return;
    }
    RequestId request = request(options);
    if (remote) {
      // Wait outside the gate, then tell listeners here, in the writing thread: a listener run
      // on the engine's I/O thread could not read the database without blocking that thread.
      CompletableFuture<?> f;
      enter(null);
      try {
        f = request == null ? engine.writeAsync(all, sync(options))
            : engine.writeAsync(all, sync(options), request);
      } finally {
        leave(null);
      }
      // null for a plain write; false: applied before
      if (!Boolean.FALSE.equals(LevelException.join(f))) {
        announce(all);
      }
      return;
    }
    boolean applied = true;
    enter(null);
    try {
      if (request == null) {
        engine.write(all, sync(options));
      } else {
        applied = engine.write(all, sync(options), request);
      }
    } finally {
      leave(null);
    }
    if (applied) {
      announce(all);
    }
  }

  CompletableFuture<Void> writeAsync(List<Op<byte[], byte[]>> ops, WriteOptions options) {
    if (options != null && options.request() != null) {
      return writeOnceAsync(ops, options).thenApply(applied -> null);
    }
    List<Op<byte[], byte[]>> all = prepare(ops);
    if (all.isEmpty()) {
      checkOpen();
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> f;
    enter(null);
    try {
      f = engine.writeAsync(all, sync(options));
    } finally {
      leave(null);
    }
    if (listeners.isEmpty()) {
      return f;
    }
    // A remote engine completes on its I/O thread; a listener that reads the database there
    // would wait for that very thread, so listeners of remote writes run elsewhere.
    return remote ? f.thenRunAsync(() -> announce(all)) : f.thenRun(() -> announce(all));
  }

  /** A write that completes with whether it was applied now (see AsyncLevel#batchOnce). */
  CompletableFuture<Boolean> writeOnceAsync(List<Op<byte[], byte[]>> ops, WriteOptions options) {
    RequestId request = request(options);
    if (request == null) {
      return writeAsync(ops, options).thenApply(v -> Boolean.TRUE);
    }
    List<Op<byte[], byte[]>> all = prepare(ops);
    if (all.isEmpty()) {
      checkOpen();
      return CompletableFuture.completedFuture(Boolean.TRUE);
    }
    CompletableFuture<Boolean> f;
    enter(null);
    try {
      f = engine.writeAsync(all, sync(options), request);
    } finally {
      leave(null);
    }
    if (listeners.isEmpty()) {
      return f;
    }
    // As above: listeners of remote writes run off the engine's I/O thread.
    return remote
        ? f.thenApplyAsync(applied -> announceIf(applied, all))
        : f.thenApply(applied -> announceIf(applied, all));
  }

  /** The request id of {@code options}, refused if the engine cannot honour it. */
  private RequestId request(WriteOptions options) {
    RequestId request = options == null ? null : options.request();
    if (request != null && !engine.supports().exactlyOnce()) {
      checkOpen();
      throw new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED, "this database cannot apply a "
          + "write exactly once (supports().exactlyOnce() is false); write without a request id");
    }
    return request;
  }

  private boolean announceIf(boolean applied, List<Op<byte[], byte[]>> ops) {
    if (applied) {
      announce(ops);
    }
    return applied;
  }

  /** Clears {@code range} of {@code view}, then tells the clear listeners of its section. */
  <K> void clear(View<K, ?> view, Range<K> range) {
    Range<byte[]> stored = view.encodeRange(range);
    if (remote) {
      LevelException.join(clearAsync(stored));
    } else {
      enter(null);
      try {
        engine.clear(stored);
      } finally {
        leave(null);
      }
    }
    announceClear(view, range);
  }

  <K> CompletableFuture<Void> clearAsync(View<K, ?> view, Range<K> range) {
    CompletableFuture<Void> f = clearAsync(view.encodeRange(range));
    if (clearListeners.isEmpty()) {
      return f;
    }
    // As for writes: listeners of a remote clear run off the engine's I/O thread.
    return remote ? f.thenRunAsync(() -> announceClear(view, range))
        : f.thenRun(() -> announceClear(view, range));
  }

  /** Clears stored keys through the gate; no listener hears of it (see {@link EngineView}). */
  CompletableFuture<Void> clearAsync(Range<byte[]> stored) {
    enter(null);
    try {
      return engine.clearAsync(stored);
    } finally {
      leave(null);
    }
  }

  /**
   * Tells each clear listener of {@code view}'s section about {@code range}: its bounds go through
   * the clearing view's codec and back through the listener's, so each hears its own types.
   */
  private <K> void announceClear(View<K, ?> view, Range<K> range) {
    if (clearListeners.isEmpty()) {
      return;
    }
    Range<byte[]> stored = null;
    for (ClearWatch<?> w : clearListeners) {
      if (!java.util.Arrays.equals(w.view.prefix, view.prefix)) {
        continue;
      }
      if (stored == null) {
        stored = view.storedBounds(range);
      }
      try {
        w.tell(stored);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a clear listener failed; the clear stands", e);
      }
    }
  }

  private static boolean sync(WriteOptions options) {
    return options != null && options.sync();
  }

  /** Runs pre-write hooks: each may add operations to the same write. */
  private List<Op<byte[], byte[]>> prepare(List<Op<byte[], byte[]>> ops) {
    if (hooks.isEmpty()) {
      return ops;
    }
    List<Op<byte[], byte[]>> all = new ArrayList<>(ops);
    for (Op<byte[], byte[]> op : ops) {
      if (op.type() == Op.Type.EXPECT) {
        continue;
      }
      for (Watch<?, ?> w : hooks) {
        w.runHook(op, all);
      }
    }
    return all;
  }

  /** Tells write listeners what was written, each in its own level's types. */
  private void announce(List<Op<byte[], byte[]>> ops) {
    for (Watch<?, ?> w : listeners) {
      try {
        w.tell(ops);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a write listener failed; the write stands", e);
      }
    }
  }

  <K, V> Registration addHook(View<K, V> view, PrewriteHook<K, V> hook) {
    Watch<K, V> w = new Watch<>(view, hook, null);
    hooks.add(w);
    return () -> hooks.remove(w);
  }

  <K, V> Registration addListener(View<K, V> view, Consumer<List<Op<K, V>>> listener) {
    Watch<K, V> w = new Watch<>(view, null, listener);
    listeners.add(w);
    return () -> listeners.remove(w);
  }

  <K> Registration addClearListener(View<K, ?> view, Consumer<Range<K>> listener) {
    ClearWatch<K> w = new ClearWatch<>(view, listener);
    clearListeners.add(w);
    return () -> clearListeners.remove(w);
  }

  @Override
  public Registration onStatus(Consumer<Status> listener) {
    if (listener == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "listener must not be null");
    }
    statusListeners.add(listener);
    return () -> statusListeners.remove(listener);
  }

  private void status(Status s) {
    status = s;
    for (Consumer<Status> l : statusListeners) {
      try {
        l.accept(s);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a status listener failed", e);
      }
    }
  }

  /** A clear listener, with the view whose key type it speaks. */
  private static final class ClearWatch<K> {
    final View<K, ?> view;
    final Consumer<Range<K>> listener;

    ClearWatch(View<K, ?> view, Consumer<Range<K>> listener) {
      this.view = view;
      this.listener = listener;
    }

    void tell(Range<byte[]> stored) {
      listener.accept(stored.map(view::decodeKey));
    }
  }

  /** A hook or a listener, with the view whose types it speaks. */
  private static final class Watch<K, V> {
    final View<K, V> view;
    final PrewriteHook<K, V> hook;
    final Consumer<List<Op<K, V>>> listener;

    Watch(View<K, V> view, PrewriteHook<K, V> hook, Consumer<List<Op<K, V>>> listener) {
      this.view = view;
      this.hook = hook;
      this.listener = listener;
    }

    void runHook(Op<byte[], byte[]> op, List<Op<byte[], byte[]>> all) {
      Op<K, V> mine = view.decodeOp(op);
      if (mine == null) {
        return;
      }
      try {
        hook.onWrite(mine, new ChainedBatch<>(view, all));
      } catch (LevelException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new LevelException(ErrorCode.LEVEL_HOOK_ERROR,
            "a prewrite hook rejected " + mine + ": " + e.getMessage(), e);
      }
    }

    void tell(List<Op<byte[], byte[]>> ops) {
      List<Op<K, V>> mine = new ArrayList<>();
      for (Op<byte[], byte[]> op : ops) {
        if (op.type() != Op.Type.EXPECT) {
          Op<K, V> d = view.decodeOp(op);
          if (d != null) {
            mine.add(d);
          }
        }
      }
      if (!mine.isEmpty()) {
        listener.accept(mine);
      }
    }
  }

  // ---- change feeds --------------------------------------------------------------------------

  /*
   * A remote engine answers revision() over the network and a feed's start may wait for its
   * host: those calls run outside the gate (the engine fails them when closed), as remote reads
   * wait outside it, so that close() never waits for a host.
   */

  @Override
  public long revision() {
    if (remote) {
      checkOpen();
      checkChangeFeed();
      return engine.revision();
    }
    enter(null);
    try {
      checkChangeFeed();
      return engine.revision();
    } finally {
      leave(null);
    }
  }

  @Override
  public ChangeFeed changes(Range<byte[]> range, long fromRevision, ChangeListener listener) {
    if (range == null || listener == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          range == null ? "range must not be null" : "listener must not be null");
    }
    HeldFeed f;
    if (remote) {
      checkOpen();
      checkChangeFeed();
      f = new HeldFeed(this, engine.changes(range, fromRevision, listener));
    } else {
      enter(null);
      try {
        checkChangeFeed();
        f = new HeldFeed(this, engine.changes(range, fromRevision, listener));
      } finally {
        leave(null);
      }
    }
    feeds.add(f);
    if (status != Status.OPEN) {
      f.close(); // closed meanwhile, after its sweep of the feeds
      throw notOpen();
    }
    return f;
  }

  private void checkChangeFeed() {
    if (!engine.supports().changeFeed()) {
      throw Engine.noChangeFeed();
    }
  }

  void forget(HeldFeed f) {
    feeds.remove(f);
  }

  // ---- engine level (see EngineView): the gate, and nothing else -----------------------------

  CompletableFuture<Void> engineWriteAsync(List<Op<byte[], byte[]>> ops, boolean sync) {
    enter(null);
    try {
      return engine.writeAsync(ops, sync);
    } finally {
      leave(null);
    }
  }

  CompletableFuture<Boolean> engineWriteAsync(List<Op<byte[], byte[]>> ops, boolean sync,
      RequestId request) {
    if (!engine.supports().exactlyOnce()) {
      return CompletableFuture.failedFuture(new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED,
          "this database cannot apply a write exactly once (supports().exactlyOnce() is false)"));
    }
    enter(null);
    try {
      return engine.writeAsync(ops, sync, request);
    } finally {
      leave(null);
    }
  }

  EngineIterator engineIterator(Range<byte[]> range, boolean keys, boolean values,
      Snapshot snapshot) {
    HeldSnapshot s = enter(snapshot);
    try {
      GatedIterator it = new GatedIterator(this,
          engine.iterator(range, keys, values, s == null ? null : s.engineSnapshot));
      engineIterators.add(it);
      return it;
    } finally {
      leave(s);
    }
  }

  // ---- gates ---------------------------------------------------------------------------------

  private HeldSnapshot enter(Snapshot snapshot) {
    if (!gate.enter()) {
      throw notOpen();
    }
    if (snapshot == null) {
      return null;
    }
    if (!(snapshot instanceof HeldSnapshot) || ((HeldSnapshot) snapshot).root != this) {
      gate.exit();
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "the snapshot belongs to another database");
    }
    HeldSnapshot s = (HeldSnapshot) snapshot;
    if (!s.gate.enter()) {
      gate.exit();
      throw new LevelException(ErrorCode.LEVEL_SNAPSHOT_NOT_OPEN,
          "the snapshot was closed; take a new one with snapshot()");
    }
    return s;
  }

  private void leave(HeldSnapshot s) {
    if (s != null) {
      s.gate.exit();
    }
    gate.exit();
  }

  private void checkOpen() {
    if (status != Status.OPEN) {
      throw notOpen();
    }
  }

  private LevelException notOpen() {
    return new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPEN,
        "the database is not open (status " + status + "); open() it again or use it before "
            + "close()");
  }
}
