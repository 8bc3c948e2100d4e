package org.level4j.net;

import java.util.List;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.RequestId;

/**
 * A request in flight: the future its caller waits on, and what to send (again, after a
 * reconnect). Being the future itself saves an allocation per operation. Each kind of request is
 * a subclass that writes its message and takes its answer.
 *
 * <p>{@link #id}, {@link #unannounced} and {@link #weight} are guarded by the engine's lock;
 * {@link #encode} is called with it held, the {@code answer} methods without it.
 */
abstract class GuestRequest<T> extends GuestAnswer<T> {
  /** Its id on the current link, given when it is registered. */
  int id;
  /** Sent without nudging the reader thread (see {@link GuestEngine}'s reading turn). */
  boolean unannounced;
  /** A thread waits for it with join or get (see {@link GuestEngine#callerWaits}). */
  volatile boolean waited;
  /** The link it was sent on before that link's probe was answered, or null. */
  GuestLink sentEarly;
  /** What it counts for in the bound on pending requests (see {@link Pending#MAX_BYTES}). */
  int weight;

  GuestRequest(GuestEngine engine) {
    super(engine, null);
  }

  @Override
  GuestRequest<?> source() {
    return this;
  }

  /** Writes its message under {@link #id}, for {@code engine}'s current link; its lock is held. */
  abstract void encode(Protobuf.Out o, GuestEngine engine);

  /**
   * About the bytes of its message, for one registered while no link takes it (reconnecting, or
   * the probe unanswered): what it holds of the caller's, keys and values. A sent one is weighed
   * by its encoded size instead. Whatever else it holds is small, covered by {@link
   * Pending#REQUEST_OVERHEAD}.
   */
  int sizeEstimate() {
    return 0;
  }

  /** What {@code ops} hold: their keys and values. */
  static int sizeOf(List<Op<byte[], byte[]>> ops) {
    long n = 0;
    for (Op<byte[], byte[]> op : ops) {
      n += length(op.key()) + length(op.value()) + 4;
    }
    return (int) Math.min(n, Integer.MAX_VALUE);
  }

  static int length(byte[] b) {
    return b == null ? 0 : b.length;
  }

  /** The snapshot it reads from, or null. */
  GuestSnapshot snapshot() {
    return null;
  }

  /**
   * Whether every many-level host takes it as it is, whatever the probe will say: a message of
   * the base protocol with no extension field (see {@link GuestEngine}'s reconnect).
   */
  boolean plain() {
    return false;
  }

  /** The host answered with a Callback. */
  void answer(HostMessage.Callback c) {
    if (c.error() != null) {
      completeExceptionally(c.error());
    } else {
      succeed(c);
    }
  }

  /** The Callback had no error: completes the future with what it says. */
  abstract void succeed(HostMessage.Callback c);

  /** The host answered with a GetManyCallback: only a GetMany expects one. */
  void answer(HostMessage.GetManyCallback c) {
    completeExceptionally(c.error() != null ? c.error() : new LevelException(
        ErrorCode.LEVEL_PROTOCOL_ERROR, "the host's getMany answer does not match the request"));
  }

  /** A request answered with no value: put, del, batch, clear, snapshot. */
  abstract static class Done extends GuestRequest<Void> {
    Done(GuestEngine engine) {
      super(engine);
    }

    @Override
    void succeed(HostMessage.Callback c) {
      complete(null);
    }

    @Override
    boolean plain() {
      return true; // put, del, batch and clear; not an Extension
    }
  }

  /** A level4j extension answered with no value: only a level4j host takes it. */
  abstract static class Extension extends Done {
    Extension(GuestEngine engine) {
      super(engine);
    }

    @Override
    boolean plain() {
      return false;
    }
  }

  /** A read, from the latest data or from a snapshot of the host's. */
  abstract static class Read<T> extends GuestRequest<T> {
    final GuestSnapshot snapshot;

    Read(GuestEngine engine, GuestSnapshot snapshot) {
      super(engine);
      this.snapshot = snapshot;
    }

    @Override
    GuestSnapshot snapshot() {
      return snapshot;
    }

    /** The snapshot's number on the wire; 0 for the latest data. */
    int snapshotNumber() {
      return snapshot == null ? 0 : snapshot.number;
    }

    @Override
    boolean plain() {
      return snapshot == null;
    }
  }

  static final class Get extends Read<byte[]> {
    private final byte[] key;

    Get(GuestEngine engine, byte[] key, GuestSnapshot snapshot) {
      super(engine, snapshot);
      this.key = key;
    }

    @Override
    void encode(Protobuf.Out o, GuestEngine engine) {
      GuestMessage.get(o, id, key, snapshotNumber());
    }

    @Override
    int sizeEstimate() {
      return length(key);
    }

    @Override
    void succeed(HostMessage.Callback c) {
      complete(c.value());
    }
  }

  static final class GetMany extends Read<List<byte[]>> {
    private final List<byte[]> keys;
    /** The GetMany of no keys that starts a link (see {@link Wire}). */
    final boolean probe;

    private GetMany(GuestEngine engine, List<byte[]> keys, GuestSnapshot snapshot,
        boolean probe) {
      super(engine, snapshot);
      this.keys = keys;
      this.probe = probe;
    }

    GetMany(GuestEngine engine, List<byte[]> keys, GuestSnapshot snapshot) {
      this(engine, keys, snapshot, false);
    }

    static GetMany probe(GuestEngine engine) {
      return new GetMany(engine, List.of(), null, true);
    }

    @Override
    void encode(Protobuf.Out o, GuestEngine engine) {
      GuestMessage.getMany(o, id, keys, snapshotNumber());
    }

    @Override
    int sizeEstimate() {
      long n = 0;
      for (byte[] k : keys) {
        n += length(k) + 4;
      }
      return (int) Math.min(n, Integer.MAX_VALUE);
    }

    @Override
    void succeed(HostMessage.Callback c) {
      completeExceptionally(new LevelException(ErrorCode.LEVEL_PROTOCOL_ERROR,
          "the host answered getMany with a Callback"));
    }

    @Override
    void answer(HostMessage.GetManyCallback c) {
      if (c.error() == null && c.values().size() == keys.size()) {
        complete(c.values());
      } else {
        super.answer(c);
      }
    }
  }

  static final class Put extends Done {
    private final byte[] key;
    private final byte[] value;

    Put(GuestEngine engine, byte[] key, byte[] value) {
      super(engine);
      this.key = key;
      this.value = value;
    }

    @Override
    void encode(Protobuf.Out o, GuestEngine engine) {
      GuestMessage.put(o, id, key, value);
    }

    @Override
    int sizeEstimate() {
      return length(key) + length(value);
    }
  }

  static final class Del extends Done {
    private final byte[] key;

    Del(GuestEngine engine, byte[] key) {
      super(engine);
      this.key = key;
    }

    @Override
    void encode(Protobuf.Out o, GuestEngine engine) {
      GuestMessage.delete(o, id, key);
    }

    @Override
    int sizeEstimate() {
      return length(key);
    }
  }

  /** many-level's Batch: puts and dels only. */
  static final class Batch extends Done {
    private final List<Op<byte[], byte[]>> ops;

    Batch(GuestEngine engine, List<Op<byte[], byte[]>> ops) {
      super(engine);
      this.ops = List.copyOf(ops);
    }

    @Override
    void encode(Protobuf.Out o, GuestEngine engine) {
      GuestMessage.batch(o, id, ops);
    }

    @Override
    int sizeEstimate() {
      return sizeOf(ops);
    }
  }

  static final class Clear extends Done {
    private final Range<byte[]> range;

    Clear(GuestEngine engine, Range<byte[]> range) {
      super(engine);
      this.range = range;
    }

    @Override
    void encode(Protobuf.Out o, GuestEngine engine) {
      GuestMessage.clear(o, id, range);
    }

    @Override
    int sizeEstimate() {
      return length(range.lower()) + length(range.upper());
    }
  }

  /**
   * The Write extension: a batch with preconditions, a request id, or both. Its answer's value
   * says whether it was applied now (1) or before (0).
   */
  static final class Write extends GuestRequest<byte[]> {
    private final List<Op<byte[], byte[]>> ops;
    private final boolean sync;
    /** The caller's request id, or null. */
    final RequestId request;
    /** Whether it has preconditions. */
    final boolean conditional;
    /**
     * This guest's own number for a conditional Write without the caller's request id (so that
     * one re-sent after a reconnect is applied once), or 0. Guarded by the engine's lock.
     */
    long seq;

    Write(GuestEngine engine, List<Op<byte[], byte[]>> ops, boolean sync, RequestId request) {
      super(engine);
      this.ops = List.copyOf(ops);
      this.sync = sync;
      this.request = request;
      this.conditional = hasExpect(ops);
    }

    static boolean hasExpect(List<Op<byte[], byte[]>> ops) {
      for (Op<byte[], byte[]> op : ops) {
        if (op.type() == Op.Type.EXPECT) {
          return true;
        }
      }
      return false;
    }

    @Override
    void encode(Protobuf.Out o, GuestEngine engine) {
      GuestMessage.write(o, id, ops, engine.requestIdLocked(this), sync);
    }

    @Override
    int sizeEstimate() {
      return sizeOf(ops);
    }

    @Override
    void succeed(HostMessage.Callback c) {
      complete(c.value());
    }
  }

  /** The Snapshot extension: the host takes one, numbered {@code number}. */
  static final class TakeSnapshot extends Extension {
    final int number;
    /** The link it was last sent on, where the snapshot is; guarded by the engine's lock. */
    GuestLink takenOn;

    TakeSnapshot(GuestEngine engine, int number) {
      super(engine);
      this.number = number;
    }

    @Override
    void encode(Protobuf.Out o, GuestEngine engine) {
      GuestMessage.snapshot(o, id, number);
      takenOn = engine.linkLocked();
    }
  }

  /**
   * Subscribes {@code feed} under {@code number} from the revision it has received up to, when
   * sent (so a re-send after a reconnect asks for the right place); with no feed, only asks for
   * the host's revision. Answered with the host's revision.
   */
  static final class Subscribe extends GuestRequest<Long> {
    final GuestFeed feed;
    final int number;

    Subscribe(GuestEngine engine, GuestFeed feed, int number) {
      super(engine);
      this.feed = feed;
      this.number = number;
    }

    @Override
    void encode(Protobuf.Out o, GuestEngine engine) {
      if (feed == null || feed.isClosed() || feed.number != number) {
        // Only the revision: no feed, or one closed or paused since (a re-send after a
        // reconnect must not start a feed nobody reads on the host).
        GuestMessage.subscribe(o, id, 0, Range.all(), 0);
      } else {
        GuestMessage.subscribe(o, id, number, feed.range, feed.receivedLocked());
      }
    }

    @Override
    void succeed(HostMessage.Callback c) {
      byte[] v = c.value();
      if (v == null || v.length != 8) {
        completeExceptionally(new LevelException(ErrorCode.LEVEL_PROTOCOL_ERROR,
            "the host's answer to Subscribe has no revision"));
      } else {
        complete(java.nio.ByteBuffer.wrap(v).getLong());
      }
    }
  }

  /** The Checkpoint extension: the host writes a copy of its database to {@code dest}. */
  static final class Checkpoint extends Extension {
    private final String dest;

    Checkpoint(GuestEngine engine, String dest) {
      super(engine);
      this.dest = dest;
    }

    @Override
    void encode(Protobuf.Out o, GuestEngine engine) {
      GuestMessage.checkpoint(o, id, dest);
    }

    @Override
    int sizeEstimate() {
      return dest.length();
    }
  }
}
