package org.level4j.net;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;

/**
 * How a {@link Host} serves its database. Immutable: each method returns a changed copy.
 *
 * <pre>{@code
 * HostOptions options = HostOptions.defaults()
 *     .readOnly(true)
 *     .maxFrameBytes(1 << 20);
 * }</pre>
 *
 * <p>Hooks run on the connection's thread before the write reaches the database, with keys and
 * values as raw bytes. A hook rejects the write by throwing: the guest receives the exception's
 * code if it is a {@link LevelException}, else {@link ErrorCode#LEVEL_HOOK_ERROR}, with its
 * message, and nothing of the write is applied.
 *
 * <h2>What one connection may make the host hold</h2>
 * Each connection is bounded, whatever its guest sends, by five limits:
 * <table>
 *   <caption>Per-connection limits</caption>
 *   <tr><th>limit</th><th>default</th><th>beyond it</th></tr>
 *   <tr><td>{@link #maxFrameBytes}</td><td>64 MiB</td>
 *       <td>the connection is closed (a protocol error); a getMany whose answer would be larger
 *       is answered with {@link ErrorCode#LEVEL_LIMIT_EXCEEDED}</td></tr>
 *   <tr><td>{@link #maxUnsentBytes}</td><td>1 MiB</td>
 *       <td>the host stops reading the connection until its guest has read enough answers</td></tr>
 *   <tr><td>{@link #maxRequestsInFlight}</td><td>4096</td>
 *       <td>the request is answered with {@link ErrorCode#LEVEL_LIMIT_EXCEEDED}</td></tr>
 *   <tr><td>{@link #maxIterators}</td><td>1024</td>
 *       <td>the iterator fails with {@link ErrorCode#LEVEL_LIMIT_EXCEEDED}</td></tr>
 *   <tr><td>{@link #maxSnapshots}</td><td>1024</td>
 *       <td>taking the snapshot fails with {@link ErrorCode#LEVEL_LIMIT_EXCEEDED}</td></tr>
 * </table>
 * A refused request, iterator or snapshot leaves the connection usable; the snapshots a guest
 * takes are released when it releases them or when its connection goes away. So a connection holds at most one
 * frame being read (and the puts and dels of one read, applied together), about
 * {@code maxUnsentBytes} of answers plus the one being added, and {@code maxIterators} open
 * database iterators (measured on RocksDB: 1024 of them added 11 MB to a serving process). A
 * database that answers later (a {@link Guest} of another host) also holds each request in
 * flight until it answers, and answers it completes on its own threads may pass {@code
 * maxUnsentBytes} by what was in flight; one that answers at once, as {@code RocksLevel} and a
 * leading {@code RaveLevel} do, holds none.
 */
public final class HostOptions {
  private static final HostOptions DEFAULTS = new HostOptions(false, null, null, null,
      new Limits(Wire.DEFAULT_MAX_FRAME_BYTES, 1 << 20, 4096, 1024, 1024), false);

  private final boolean readOnly;
  private final BiConsumer<byte[], byte[]> preput;
  private final Consumer<byte[]> predel;
  private final Consumer<List<Op<byte[], byte[]>>> prebatch;
  private final Limits limits;
  private final boolean checkpointsFromAnyGuest;

  /** The per-connection limits, kept together so each option changes one of them. */
  private record Limits(int maxFrameBytes, int maxUnsentBytes, int maxRequestsInFlight,
      int maxIterators, int maxSnapshots) {}

  private HostOptions(boolean readOnly, BiConsumer<byte[], byte[]> preput,
      Consumer<byte[]> predel, Consumer<List<Op<byte[], byte[]>>> prebatch, Limits limits,
      boolean checkpointsFromAnyGuest) {
    this.readOnly = readOnly;
    this.preput = preput;
    this.predel = predel;
    this.prebatch = prebatch;
    this.limits = limits;
    this.checkpointsFromAnyGuest = checkpointsFromAnyGuest;
  }

  /**
   * Read-write, no hooks; per connection: frames up to 64 MiB, 1 MiB of unsent answers, 4096
   * requests in flight, 1024 open iterators (see the class description).
   *
   * @return the default options
   */
  public static HostOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Answer every write (put, del, batch, clear) with {@link ErrorCode#LEVEL_READONLY}.
   *
   * @param readOnly whether to refuse every write
   * @return a copy with that setting
   */
  public HostOptions readOnly(boolean readOnly) {
    return new HostOptions(readOnly, preput, predel, prebatch, limits, checkpointsFromAnyGuest);
  }

  /**
   * Called with key and value before each put; throw to reject it.
   *
   * @param hook sees the encoded key and value
   * @return a copy with that hook
   */
  public HostOptions preput(BiConsumer<byte[], byte[]> hook) {
    return new HostOptions(readOnly, hook, predel, prebatch, limits, checkpointsFromAnyGuest);
  }

  /**
   * Called with the key before each del; throw to reject it.
   *
   * @param hook sees the encoded key
   * @return a copy with that hook
   */
  public HostOptions predel(Consumer<byte[]> hook) {
    return new HostOptions(readOnly, preput, hook, prebatch, limits, checkpointsFromAnyGuest);
  }

  /**
   * Called with the (unmodifiable) operations before each batch; throw to reject it whole. A
   * level4j guest's conditional batch reaches it too, preconditions ({@code EXPECT}) included.
   *
   * @param hook sees the encoded operations
   * @return a copy with that hook
   */
  public HostOptions prebatch(Consumer<List<Op<byte[], byte[]>>> hook) {
    return new HostOptions(readOnly, preput, predel, hook, limits, checkpointsFromAnyGuest);
  }

  /**
   * The largest frame a guest may send; a larger one closes its connection (the guest's other
   * requests on it fail or are retried). Also the largest answer to a getMany: one whose values
   * would take more is answered with {@link ErrorCode#LEVEL_LIMIT_EXCEEDED}. Default 64 MiB.
   *
   * @param maxFrameBytes at least 16
   * @return a copy with that setting
   */
  public HostOptions maxFrameBytes(int maxFrameBytes) {
    atLeast("maxFrameBytes", maxFrameBytes, 16);
    return with(new Limits(maxFrameBytes, limits.maxUnsentBytes, limits.maxRequestsInFlight,
        limits.maxIterators, limits.maxSnapshots));
  }

  /**
   * How many bytes of answers may wait for a guest to read them before the host stops reading
   * that guest's requests (backpressure); it reads again once the guest has read enough. One
   * answer is never split, so a larger one is still sent whole. Default 1 MiB: the socket's own
   * buffers come on top, and a guest that reads at all keeps far less waiting.
   *
   * @param maxUnsentBytes at least 1
   * @return a copy with that setting
   */
  public HostOptions maxUnsentBytes(int maxUnsentBytes) {
    atLeast("maxUnsentBytes", maxUnsentBytes, 1);
    return with(new Limits(limits.maxFrameBytes, maxUnsentBytes, limits.maxRequestsInFlight,
        limits.maxIterators, limits.maxSnapshots));
  }

  /**
   * How many requests of one connection may be under way (received, not yet answered) at once;
   * beyond it a request is answered with {@link ErrorCode#LEVEL_LIMIT_EXCEEDED} and not started.
   * Default 4096: a database that answers at once never has more than the puts and dels of one
   * read under way (the host applies at most 1024 of them together), so this only ever binds a
   * host whose database answers later, where it allows for example 64 threads with 64 calls in
   * flight each (a follower's threads share one connection).
   *
   * @param maxRequestsInFlight at least 1
   * @return a copy with that setting
   */
  public HostOptions maxRequestsInFlight(int maxRequestsInFlight) {
    atLeast("maxRequestsInFlight", maxRequestsInFlight, 1);
    return with(new Limits(limits.maxFrameBytes, limits.maxUnsentBytes, maxRequestsInFlight,
        limits.maxIterators, limits.maxSnapshots));
  }

  /**
   * How many iterators one connection may hold open; opening another fails that iterator with
   * {@link ErrorCode#LEVEL_LIMIT_EXCEEDED} (the connection and its other iterators go on). Default
   * 1024: room for, say, 256 threads of a follower with 4 iterators open each, at about 11 MB of
   * the host's memory (measured on RocksDB; 20,000 open iterators cost about 160 MB).
   *
   * @param maxIterators at least 1
   * @return a copy with that setting
   */
  public HostOptions maxIterators(int maxIterators) {
    atLeast("maxIterators", maxIterators, 1);
    return with(new Limits(limits.maxFrameBytes, limits.maxUnsentBytes,
        limits.maxRequestsInFlight, maxIterators, limits.maxSnapshots));
  }

  /**
   * How many explicit snapshots one connection may hold (taken by a level4j {@link Guest} with
   * {@code snapshot()} and not yet released); taking another fails with {@link
   * ErrorCode#LEVEL_LIMIT_EXCEEDED} (the connection and its other snapshots go on). Default 1024:
   * a snapshot costs little itself, but keeps the data it sees from being compacted away, so a
   * guest that forgets to close its snapshots should hit a limit rather than grow the database.
   *
   * @param maxSnapshots at least 1
   * @return a copy with that setting
   */
  public HostOptions maxSnapshots(int maxSnapshots) {
    atLeast("maxSnapshots", maxSnapshots, 1);
    return with(new Limits(limits.maxFrameBytes, limits.maxUnsentBytes,
        limits.maxRequestsInFlight, limits.maxIterators, maxSnapshots));
  }

  /**
   * Whether every guest may ask for a checkpoint ({@link Guest#checkpoint}), when the database is
   * {@link org.level4j.Checkpointable}. By default (false) only a guest in the host's own process
   * (an in-memory {@link Connection#pipe()}) or a Unix-socket peer running as the host's own user
   * may: a checkpoint writes files as the host's user, wherever the guest names. Allow it for TCP
   * and TLS guests, and other users a Unix listener lets in, only where they are trusted that
   * far; a read-only host makes checkpoints all the same (they change nothing in the database).
   *
   * @param allowed whether every guest may ask for a checkpoint
   * @return a copy with that setting
   */
  public HostOptions checkpointsFromAnyGuest(boolean allowed) {
    return new HostOptions(readOnly, preput, predel, prebatch, limits, allowed);
  }

  /**
   * Whether every guest may ask for a checkpoint; see {@link #checkpointsFromAnyGuest(boolean)}.
   *
   * @return true if every guest may
   */
  public boolean checkpointsFromAnyGuest() {
    return checkpointsFromAnyGuest;
  }

  /**
   * Whether every write is refused; see {@link #readOnly(boolean)}.
   *
   * @return true if writes are refused
   */
  public boolean readOnly() {
    return readOnly;
  }

  /**
   * The largest frame accepted from a guest; see {@link #maxFrameBytes(int)}.
   *
   * @return the limit in bytes
   */
  public int maxFrameBytes() {
    return limits.maxFrameBytes;
  }

  /**
   * The unsent answers at which a connection stops being read; see {@link #maxUnsentBytes(int)}.
   *
   * @return the limit in bytes
   */
  public int maxUnsentBytes() {
    return limits.maxUnsentBytes;
  }

  /**
   * The requests one connection may have under way; see {@link #maxRequestsInFlight(int)}.
   *
   * @return the limit
   */
  public int maxRequestsInFlight() {
    return limits.maxRequestsInFlight;
  }

  /**
   * The iterators one connection may hold open; see {@link #maxIterators(int)}.
   *
   * @return the limit
   */
  public int maxIterators() {
    return limits.maxIterators;
  }

  /**
   * The snapshots one connection may hold; see {@link #maxSnapshots(int)}.
   *
   * @return the limit
   */
  public int maxSnapshots() {
    return limits.maxSnapshots;
  }

  BiConsumer<byte[], byte[]> preputHook() {
    return preput;
  }

  Consumer<byte[]> predelHook() {
    return predel;
  }

  Consumer<List<Op<byte[], byte[]>>> prebatchHook() {
    return prebatch;
  }

  private HostOptions with(Limits changed) {
    return new HostOptions(readOnly, preput, predel, prebatch, changed, checkpointsFromAnyGuest);
  }

  private static void atLeast(String name, int value, int least) {
    if (value < least) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          name + " must be at least " + least + ", got " + value);
    }
  }
}
