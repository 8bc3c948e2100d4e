package org.level4j.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.RequestId;
import org.level4j.Supports;

/**
 * What a storage engine implements: byte-level primitives only. Everything users see (codecs,
 * sublevels, validation, hooks, events, lifecycle, limits) is done once by the core on top of
 * these, as abstract-level does with {@code _get}, {@code _put}, {@code _iterator}...
 *
 * <p>Contract: keys and values are non-null byte arrays (possibly empty), ordered unsigned
 * lexicographically. Methods are called from many threads at once, only between a successful
 * {@link #open()} and {@link #close()} (the core waits for calls in progress before closing).
 * Failures are {@link LevelException}s with a fitting code.
 *
 * <p>The {@code ...Async} methods default to running the sync method in the calling thread; a
 * remote engine overrides them to pipeline, and its sync methods then wait on the futures.
 */
public interface Engine {
  /**
   * Opens (or reopens) the engine. By default there is nothing to open: an engine whose data
   * lives on the Java heap need not override it.
   */
  default void open() {}

  /**
   * Releases everything; called once per successful open. By default there is nothing to
   * release.
   */
  default void close() {}

  /**
   * What this engine can do; the core refuses what it cannot, before calling it.
   *
   * @return the engine's features
   */
  Supports supports();

  /**
   * The value at {@code key}, or null; {@code snapshot} may be null (latest data).
   *
   * @param key the key
   * @param snapshot a snapshot of this engine, or {@code null}
   * @return the value, or {@code null}
   */
  byte[] get(byte[] key, EngineSnapshot snapshot);

  /**
   * Values in the order of {@code keys}, null for absent ones.
   *
   * @param keys the keys
   * @param snapshot a snapshot of this engine, or {@code null}
   * @return the values, {@code null} for absent keys
   */
  default List<byte[]> getMany(List<byte[]> keys, EngineSnapshot snapshot) {
    List<byte[]> out = new ArrayList<>(keys.size());
    for (byte[] k : keys) {
      out.add(get(k, snapshot));
    }
    return out;
  }

  /**
   * Applies {@code ops} atomically. {@link Op.Type#EXPECT} operations are preconditions: if any
   * fails, nothing is written and a {@code LEVEL_CONFLICT} is thrown. An engine that does not
   * support them (see {@link Supports#conditionalBatch()}) throws {@code LEVEL_NOT_SUPPORTED}.
   *
   * @param ops puts, dels and preconditions, in order
   * @param sync whether to flush to disk before returning
   */
  void write(List<Op<byte[], byte[]>> ops, boolean sync);

  /**
   * Like {@link #write(List, boolean)}, at most once per {@code request}: an engine that keeps
   * request records writes the record atomically with {@code ops}, and if the request is already
   * recorded, writes nothing (and checks no precondition). A batch rejected by a precondition is
   * not recorded. It also forgets the client's records below {@code request.settledBelow()}.
   *
   * <p>Engines whose {@link Supports#exactlyOnce()} is false are never called with a request
   * (the core refuses such writes); the default fails with {@code LEVEL_NOT_SUPPORTED}.
   *
   * @param ops puts, dels and preconditions, in order
   * @param sync whether to flush to disk before returning
   * @param request the request id to record with the write
   * @return true if {@code ops} were applied now, false if the request had been applied before
   */
  default boolean write(List<Op<byte[], byte[]>> ops, boolean sync, RequestId request) {
    throw new LevelException(org.level4j.ErrorCode.LEVEL_NOT_SUPPORTED,
        "this engine keeps no request records (see supports().exactlyOnce())");
  }

  /**
   * An iterator over {@code range}. It reads from an implicit snapshot taken now (or from
   * {@code snapshot} if given). The engine may use {@code range.limit()} as a hint; the core
   * enforces it too. {@code keys}/{@code values} say which halves the caller wants (the other may
   * be left null in the entries).
   *
   * @param range bounds, direction and limit, encoded
   * @param keys whether the caller wants keys
   * @param values whether the caller wants values
   * @param snapshot a snapshot of this engine, or {@code null}
   * @return a cursor over the range
   */
  EngineIterator iterator(Range<byte[]> range, boolean keys, boolean values,
      EngineSnapshot snapshot);

  /**
   * Deletes the entries {@code range} visits, honouring its direction and limit.
   *
   * @param range bounds, direction and limit, encoded
   */
  void clear(Range<byte[]> range);

  /**
   * An explicit snapshot; throws {@code LEVEL_NOT_SUPPORTED} where there are none.
   *
   * @return the snapshot; the core closes it
   */
  EngineSnapshot snapshot();

  /**
   * {@link #get}, as a future. The default runs it in the calling thread; an engine that waits on
   * the network (a guest) overrides the asynchronous methods to keep many calls in flight.
   *
   * @param key the key
   * @param snapshot a snapshot of this engine, or {@code null}
   * @return a future of the value, or of {@code null}
   */
  default CompletableFuture<byte[]> getAsync(byte[] key, EngineSnapshot snapshot) {
    try {
      return CompletableFuture.completedFuture(get(key, snapshot));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * {@link #getMany}, as a future; the default runs it in the calling thread.
   *
   * @param keys the keys
   * @param snapshot a snapshot of this engine, or {@code null}
   * @return a future of the values
   */
  default CompletableFuture<List<byte[]>> getManyAsync(List<byte[]> keys,
      EngineSnapshot snapshot) {
    try {
      return CompletableFuture.completedFuture(getMany(keys, snapshot));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * {@link #write(List, boolean)}, as a future; the default runs it in the calling thread.
   *
   * @param ops puts, dels and preconditions, in order
   * @param sync whether to flush to disk before completing
   * @return a future that completes once the write is applied
   */
  default CompletableFuture<Void> writeAsync(List<Op<byte[], byte[]>> ops, boolean sync) {
    try {
      write(ops, sync);
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * {@link #write(List, boolean, RequestId)}, completing when done.
   *
   * @param ops puts, dels and preconditions, in order
   * @param sync whether to flush to disk before completing
   * @param request the request id to record with the write
   * @return a future of whether {@code ops} were applied now
   */
  default CompletableFuture<Boolean> writeAsync(List<Op<byte[], byte[]>> ops, boolean sync,
      RequestId request) {
    try {
      return CompletableFuture.completedFuture(write(ops, sync, request));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * {@link #clear}, as a future; the default runs it in the calling thread.
   *
   * @param range bounds, direction and limit, encoded
   * @return a future that completes once the entries are deleted
   */
  default CompletableFuture<Void> clearAsync(Range<byte[]> range) {
    try {
      clear(range);
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The revision of the last write applied (see {@link org.level4j.Database#revision()}); only
   * if {@link Supports#changeFeed()}.
   *
   * @return the current revision
   */
  default long revision() {
    throw noChangeFeed();
  }

  /**
   * Starts a change feed (see {@link org.level4j.Database#changes}); only if {@link
   * Supports#changeFeed()}. The engine closes the feeds still open when it closes.
   *
   * @param range the keys to watch
   * @param fromRevision the first revision to deliver; 0 or less: from now on
   * @param listener receives the changes
   * @return the running feed
   */
  default org.level4j.ChangeFeed changes(Range<byte[]> range, long fromRevision,
      org.level4j.ChangeListener listener) {
    throw noChangeFeed();
  }

  /**
   * The error of an engine without a change feed, worded the same for every engine.
   *
   * @return a {@code LEVEL_NOT_SUPPORTED} to throw
   */
  static LevelException noChangeFeed() {
    return new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED,
        "this database has no change feed (see supports().changeFeed())");
  }

  /**
   * The failure of a conditional batch whose precondition {@code expect} does not hold, worded
   * the same for every engine. Throw it before anything of the batch is written.
   *
   * @param expect the {@link Op.Type#EXPECT} operation that failed
   * @param actual the value its key holds, or {@code null} if it is absent
   * @return a {@code LEVEL_CONFLICT} to throw
   */
  static LevelException conflict(Op<byte[], byte[]> expect, byte[] actual) {
    return new LevelException(ErrorCode.LEVEL_CONFLICT, "key " + show(expect.key())
        + (actual == null ? " is absent" : expect.value() == null ? " is present"
            : " holds another value")
        + "; nothing of the batch was written");
  }

  /**
   * A key or value for messages: printable ASCII as is, other bytes as {@code \xNN}, quoted, cut
   * at 64 bytes.
   *
   * @param b the bytes, or {@code null}
   * @return the printable form ({@code "null"} for {@code null})
   */
  static String show(byte[] b) {
    if (b == null) {
      return "null";
    }
    StringBuilder s = new StringBuilder("\"");
    for (int i = 0; i < Math.min(b.length, 64); i++) {
      int c = b[i] & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        s.append((char) c);
      } else {
        s.append(String.format("\\x%02x", c));
      }
    }
    if (b.length > 64) {
      s.append("...(").append(b.length).append(" bytes)");
    }
    return s.append('"').toString();
  }
}
