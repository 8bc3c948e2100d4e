package org.level4j.net;

import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;

/**
 * How a {@link Host} serves its database. Immutable; start from {@link #defaults()} or {@link
 * #builder()}.
 *
 * <pre>{@code
 * HostOptions options = HostOptions.builder()
 *     .readOnly(true)
 *     .maxFrameBytes(1 << 20)
 *     .build();
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
 *       is answered with {@link ErrorCode#LEVEL_LIMIT_EXCEEDED}, and so is a getMany or batch of
 *       more than {@code maxFrameBytes / 64} keys or operations (1,048,576 by default)</td></tr>
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
 *
 * <h2>How many connections</h2>
 * Each connection costs the host a thread and its sockets' file descriptors, so the connections
 * a host accepts from its {@link Listener}s are bounded too: beyond {@link #maxConnections}
 * (default 1024) one is closed as soon as it is accepted, before anything is read from it, with a
 * warning in the log; one that ends frees its place. A TLS guest holds its place from the start
 * of its handshake, so unauthenticated peers cannot take more.
 *
 * <h2>What all connections together may make the host hold</h2>
 * The per-connection limits times {@code maxConnections} would still let guests open a million
 * iterators (some 11 GB) and hold a million snapshots, so the host bounds them over all its
 * connections too, those given to {@link Host#serve(Connection)} included:
 * <table>
 *   <caption>Host-wide limits</caption>
 *   <tr><th>limit</th><th>default</th><th>beyond it</th></tr>
 *   <tr><td>{@link #maxHostIterators}</td><td>16,384</td>
 *       <td>the iterator fails with {@link ErrorCode#LEVEL_LIMIT_EXCEEDED}</td></tr>
 *   <tr><td>{@link #maxHostSnapshots}</td><td>16,384</td>
 *       <td>taking the snapshot fails with {@link ErrorCode#LEVEL_LIMIT_EXCEEDED}</td></tr>
 *   <tr><td>change feeds (fixed)</td><td>256</td>
 *       <td>subscribing fails with {@link ErrorCode#LEVEL_LIMIT_EXCEEDED}</td></tr>
 * </table>
 * The refused guest's connection, and everything else it holds, goes on; an iterator closed or a
 * snapshot released on any connection, or a connection that ends, frees its places.
 */
public final class HostOptions {
  private static final HostOptions DEFAULTS = new Builder().build();

  private final boolean readOnly;
  private final BiConsumer<byte[], byte[]> preput;
  private final Consumer<byte[]> predel;
  private final Consumer<List<Op<byte[], byte[]>>> prebatch;
  private final int maxFrameBytes;
  private final int maxUnsentBytes;
  private final int maxRequestsInFlight;
  private final int maxIterators;
  private final int maxSnapshots;
  private final int maxHostIterators;
  private final int maxHostSnapshots;
  private final int maxConnections;
  private final boolean checkpointsFromAnyGuest;

  private HostOptions(Builder b) {
    this.readOnly = b.readOnly;
    this.preput = b.preput;
    this.predel = b.predel;
    this.prebatch = b.prebatch;
    this.maxFrameBytes = b.maxFrameBytes;
    this.maxUnsentBytes = b.maxUnsentBytes;
    this.maxRequestsInFlight = b.maxRequestsInFlight;
    this.maxIterators = b.maxIterators;
    this.maxSnapshots = b.maxSnapshots;
    this.maxHostIterators = b.maxHostIterators;
    this.maxHostSnapshots = b.maxHostSnapshots;
    this.maxConnections = b.maxConnections;
    this.checkpointsFromAnyGuest = b.checkpointsFromAnyGuest;
  }

  /**
   * Read-write, no hooks; per connection: frames up to 64 MiB, 1 MiB of unsent answers, 4096
   * requests in flight, 1024 open iterators, 1024 snapshots; 1024 connections at once, with
   * 16,384 open iterators and 16,384 snapshots over all of them (see the class description).
   *
   * @return the default options
   */
  public static HostOptions defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from these options.
   *
   * @return a new builder with these options
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.readOnly = readOnly;
    b.preput = preput;
    b.predel = predel;
    b.prebatch = prebatch;
    b.maxFrameBytes = maxFrameBytes;
    b.maxUnsentBytes = maxUnsentBytes;
    b.maxRequestsInFlight = maxRequestsInFlight;
    b.maxIterators = maxIterators;
    b.maxSnapshots = maxSnapshots;
    b.maxHostIterators = maxHostIterators;
    b.maxHostSnapshots = maxHostSnapshots;
    b.maxConnections = maxConnections;
    b.checkpointsFromAnyGuest = checkpointsFromAnyGuest;
    return b;
  }

  /**
   * Answer every write (put, del, batch, clear) with {@link ErrorCode#LEVEL_READONLY} (default
   * false).
   *
   * @return true if writes are refused
   */
  public boolean readOnly() {
    return readOnly;
  }

  /**
   * Called with key and value before each put; throws to reject it. Default: none.
   *
   * @return the hook, or {@code null} for none
   */
  public BiConsumer<byte[], byte[]> preput() {
    return preput;
  }

  /**
   * Called with the key before each del; throws to reject it. Default: none.
   *
   * @return the hook, or {@code null} for none
   */
  public Consumer<byte[]> predel() {
    return predel;
  }

  /**
   * Called with the (unmodifiable) operations before each batch; throws to reject it whole. A
   * level4j guest's conditional batch reaches it too, preconditions ({@code EXPECT}) included.
   * Default: none.
   *
   * @return the hook, or {@code null} for none
   */
  public Consumer<List<Op<byte[], byte[]>>> prebatch() {
    return prebatch;
  }

  /**
   * The largest frame a guest may send; a larger one closes its connection (the guest's other
   * requests on it fail or are retried). Also the largest answer to a getMany: one whose values
   * would take more is answered with {@link ErrorCode#LEVEL_LIMIT_EXCEEDED}. Default 64 MiB.
   *
   * <p>It also bounds how many keys a getMany, or operations a batch, may carry: one per 64 bytes
   * of this limit (1,048,576 by default), and at least 1024. Decoding costs the host objects per
   * key or operation, far more than the 2 bytes a frame may spend on each, so a request with more
   * is answered with {@link ErrorCode#LEVEL_LIMIT_EXCEEDED} without being decoded, and the
   * connection goes on: split it into smaller requests (a batch split so is no longer applied
   * all at once).
   *
   * @return the limit in bytes
   */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /**
   * How many bytes of answers may wait for a guest to read them before the host stops reading
   * that guest's requests (backpressure); it reads again once the guest has read enough. One
   * answer is never split, so a larger one is still sent whole. Default 1 MiB: the socket's own
   * buffers come on top, and a guest that reads at all keeps far less waiting.
   *
   * @return the limit in bytes
   */
  public int maxUnsentBytes() {
    return maxUnsentBytes;
  }

  /**
   * How many requests of one connection may be under way (received, not yet answered) at once;
   * beyond it a request is answered with {@link ErrorCode#LEVEL_LIMIT_EXCEEDED} and not started.
   * Default 4096: a database that answers at once never has more than the puts and dels of one
   * read under way (the host applies at most 1024 of them together), so this only ever binds a
   * host whose database answers later, where it allows for example 64 threads with 64 calls in
   * flight each (a follower's threads share one connection).
   *
   * @return the limit
   */
  public int maxRequestsInFlight() {
    return maxRequestsInFlight;
  }

  /**
   * How many iterators one connection may hold open; opening another fails that iterator with
   * {@link ErrorCode#LEVEL_LIMIT_EXCEEDED} (the connection and its other iterators go on). Default
   * 1024: room for, say, 256 threads of a follower with 4 iterators open each, at about 11 MB of
   * the host's memory (measured on RocksDB; 20,000 open iterators cost about 160 MB).
   *
   * @return the limit
   */
  public int maxIterators() {
    return maxIterators;
  }

  /**
   * How many explicit snapshots one connection may hold (taken by a level4j {@link Guest} with
   * {@code snapshot()} and not yet released); taking another fails with {@link
   * ErrorCode#LEVEL_LIMIT_EXCEEDED} (the connection and its other snapshots go on). Default 1024:
   * a snapshot costs little itself, but keeps the data it sees from being compacted away, so a
   * guest that forgets to close its snapshots should hit a limit rather than grow the database.
   *
   * @return the limit
   */
  public int maxSnapshots() {
    return maxSnapshots;
  }

  /**
   * How many iterators all the host's connections may hold open together, those given to {@link
   * Host#serve(Connection)} included; opening another, on any connection, fails that iterator
   * with {@link ErrorCode#LEVEL_LIMIT_EXCEEDED} (the connection and its other iterators go on)
   * until one is closed or its connection ends. Default 16,384: some 180 MB of the host's memory
   * (1024 iterators cost about 11 MB on RocksDB, see {@link #maxIterators}), where {@code
   * maxConnections} times {@code maxIterators} alone would allow a million (some 11 GB).
   *
   * <p>A single connection still has at most {@code maxIterators}, so this binds only when many
   * connections hold many iterators: raise it for, say, a RaveLevel leader with thousands of
   * follower processes each holding a few, and budget the memory for it.
   *
   * @return the limit
   */
  public int maxHostIterators() {
    return maxHostIterators;
  }

  /**
   * How many explicit snapshots all the host's connections may hold together, those given to
   * {@link Host#serve(Connection)} included; taking another, on any connection, fails with {@link
   * ErrorCode#LEVEL_LIMIT_EXCEEDED} (the connection and its other snapshots go on) until one is
   * released or its connection ends. Default 16,384: each snapshot keeps the data it sees from
   * being compacted away, and {@code maxConnections} times {@code maxSnapshots} alone would let
   * guests that forget to close theirs hold a million.
   *
   * <p>A single connection still holds at most {@code maxSnapshots}, so this binds only when many
   * connections hold many snapshots: raise it for, say, a RaveLevel leader with thousands of
   * follower processes each holding a few.
   *
   * @return the limit
   */
  public int maxHostSnapshots() {
    return maxHostSnapshots;
  }

  /**
   * How many connections accepted from the host's {@link Listener}s it serves at once, over all
   * of them. One accepted beyond it is closed at once, before anything is read from it, and
   * counted in {@link Host#connectionsRefused()}; a warning names this limit (logged at most once
   * a minute, with how many more were refused meanwhile). A connection that ends, and a TLS
   * guest refused or cut off during its handshake, frees its place. Connections handed to {@link
   * Host#serve(Connection)} directly (an in-memory pipe, say) are neither counted nor refused.
   *
   * <p>Default 1024. Each connection costs the host a thread and its sockets' file descriptors:
   * without a bound, a peer that opens thousands of idle connections runs the process out of
   * them. A RaveLevel follower holds one connection to its leader (the leader's own process
   * connects through a pipe), so the default admits 1024 follower processes; raise it for more,
   * and the process's limit on open files ({@code ulimit -n}) and threads with it.
   *
   * @return the limit
   */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * Whether every guest may ask for a checkpoint ({@link Guest#checkpoint}), when the database is
   * {@link org.level4j.Checkpointable}. By default (false) only a guest in the host's own process
   * (an in-memory {@link Connection#pipe()}) or a Unix-socket peer running as the host's own user
   * may: a checkpoint writes files as the host's user, wherever the guest names. Allow it for TCP
   * and TLS guests, and other users a Unix listener lets in, only where they are trusted that
   * far; a read-only host makes checkpoints all the same (they change nothing in the database).
   *
   * @return true if every guest may
   */
  public boolean checkpointsFromAnyGuest() {
    return checkpointsFromAnyGuest;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof HostOptions)) {
      return false;
    }
    HostOptions h = (HostOptions) o;
    return readOnly == h.readOnly && Objects.equals(preput, h.preput)
        && Objects.equals(predel, h.predel) && Objects.equals(prebatch, h.prebatch)
        && maxFrameBytes == h.maxFrameBytes && maxUnsentBytes == h.maxUnsentBytes
        && maxRequestsInFlight == h.maxRequestsInFlight && maxIterators == h.maxIterators
        && maxSnapshots == h.maxSnapshots && maxHostIterators == h.maxHostIterators
        && maxHostSnapshots == h.maxHostSnapshots && maxConnections == h.maxConnections
        && checkpointsFromAnyGuest == h.checkpointsFromAnyGuest;
  }

  @Override
  public int hashCode() {
    return Objects.hash(readOnly, preput, predel, prebatch, maxFrameBytes, maxUnsentBytes,
        maxRequestsInFlight, maxIterators, maxSnapshots, maxHostIterators, maxHostSnapshots,
        maxConnections, checkpointsFromAnyGuest);
  }

  @Override
  public String toString() {
    return "HostOptions[readOnly=" + readOnly
        + (preput == null ? "" : ", preput=" + preput)
        + (predel == null ? "" : ", predel=" + predel)
        + (prebatch == null ? "" : ", prebatch=" + prebatch)
        + ", maxFrameBytes=" + maxFrameBytes + ", maxUnsentBytes=" + maxUnsentBytes
        + ", maxRequestsInFlight=" + maxRequestsInFlight + ", maxIterators=" + maxIterators
        + ", maxSnapshots=" + maxSnapshots + ", maxHostIterators=" + maxHostIterators
        + ", maxHostSnapshots=" + maxHostSnapshots + ", maxConnections=" + maxConnections
        + ", checkpointsFromAnyGuest=" + checkpointsFromAnyGuest + "]";
  }

  /** Builds {@link HostOptions}; each setter documents its option on {@link HostOptions}. */
  public static final class Builder {
    private boolean readOnly = false;
    private BiConsumer<byte[], byte[]> preput = null;
    private Consumer<byte[]> predel = null;
    private Consumer<List<Op<byte[], byte[]>>> prebatch = null;
    private int maxFrameBytes = Wire.DEFAULT_MAX_FRAME_BYTES;
    private int maxUnsentBytes = 1 << 20;
    private int maxRequestsInFlight = 4096;
    private int maxIterators = 1024;
    private int maxSnapshots = 1024;
    private int maxHostIterators = 16_384;
    private int maxHostSnapshots = 16_384;
    private int maxConnections = 1024;
    private boolean checkpointsFromAnyGuest = false;

    private Builder() {}

    /**
     * See {@link HostOptions#readOnly()}.
     *
     * @param value whether to refuse every write
     * @return this builder
     */
    public Builder readOnly(boolean value) {
      this.readOnly = value;
      return this;
    }

    /**
     * See {@link HostOptions#preput()}; replaces an earlier hook.
     *
     * @param hook sees the encoded key and value; {@code null} for none
     * @return this builder
     */
    public Builder preput(BiConsumer<byte[], byte[]> hook) {
      this.preput = hook;
      return this;
    }

    /**
     * See {@link HostOptions#predel()}; replaces an earlier hook.
     *
     * @param hook sees the encoded key; {@code null} for none
     * @return this builder
     */
    public Builder predel(Consumer<byte[]> hook) {
      this.predel = hook;
      return this;
    }

    /**
     * See {@link HostOptions#prebatch()}; replaces an earlier hook.
     *
     * @param hook sees the encoded operations; {@code null} for none
     * @return this builder
     */
    public Builder prebatch(Consumer<List<Op<byte[], byte[]>>> hook) {
      this.prebatch = hook;
      return this;
    }

    /**
     * See {@link HostOptions#maxFrameBytes()}; at least 16.
     *
     * @param bytes the largest frame accepted from a guest
     * @return this builder
     */
    public Builder maxFrameBytes(int bytes) {
      this.maxFrameBytes = atLeast("maxFrameBytes", bytes, 16);
      return this;
    }

    /**
     * See {@link HostOptions#maxUnsentBytes()}; at least 1.
     *
     * @param bytes the unsent answers at which a connection stops being read
     * @return this builder
     */
    public Builder maxUnsentBytes(int bytes) {
      this.maxUnsentBytes = atLeast("maxUnsentBytes", bytes, 1);
      return this;
    }

    /**
     * See {@link HostOptions#maxRequestsInFlight()}; at least 1.
     *
     * @param requests the requests one connection may have under way
     * @return this builder
     */
    public Builder maxRequestsInFlight(int requests) {
      this.maxRequestsInFlight = atLeast("maxRequestsInFlight", requests, 1);
      return this;
    }

    /**
     * See {@link HostOptions#maxIterators()}; at least 1.
     *
     * @param iterators the iterators one connection may hold open
     * @return this builder
     */
    public Builder maxIterators(int iterators) {
      this.maxIterators = atLeast("maxIterators", iterators, 1);
      return this;
    }

    /**
     * See {@link HostOptions#maxSnapshots()}; at least 1.
     *
     * @param snapshots the snapshots one connection may hold
     * @return this builder
     */
    public Builder maxSnapshots(int snapshots) {
      this.maxSnapshots = atLeast("maxSnapshots", snapshots, 1);
      return this;
    }

    /**
     * See {@link HostOptions#maxHostIterators()}; at least 1.
     *
     * @param iterators the iterators all the host's connections may hold open together
     * @return this builder
     */
    public Builder maxHostIterators(int iterators) {
      this.maxHostIterators = atLeast("maxHostIterators", iterators, 1);
      return this;
    }

    /**
     * See {@link HostOptions#maxHostSnapshots()}; at least 1.
     *
     * @param snapshots the snapshots all the host's connections may hold together
     * @return this builder
     */
    public Builder maxHostSnapshots(int snapshots) {
      this.maxHostSnapshots = atLeast("maxHostSnapshots", snapshots, 1);
      return this;
    }

    /**
     * See {@link HostOptions#maxConnections()}; at least 1.
     *
     * @param connections the connections from listeners the host serves at once
     * @return this builder
     */
    public Builder maxConnections(int connections) {
      this.maxConnections = atLeast("maxConnections", connections, 1);
      return this;
    }

    /**
     * See {@link HostOptions#checkpointsFromAnyGuest()}.
     *
     * @param value whether every guest may ask for a checkpoint
     * @return this builder
     */
    public Builder checkpointsFromAnyGuest(boolean value) {
      this.checkpointsFromAnyGuest = value;
      return this;
    }

    /**
     * The options set so far.
     *
     * @return the options
     */
    public HostOptions build() {
      return new HostOptions(this);
    }

    private static int atLeast(String name, int value, int least) {
      if (value < least) {
        throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
            name + " must be at least " + least + ", got " + value);
      }
      return value;
    }
  }
}
