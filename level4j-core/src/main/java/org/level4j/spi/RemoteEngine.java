package org.level4j.spi;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.RequestId;

/**
 * Marks an engine whose operations complete on another thread (a guest waiting for its host).
 * The core then implements sync calls by waiting on the async ones, outside its close gate, so
 * that closing never waits for a network answer. Such an engine must fail its pending futures
 * (with {@code LEVEL_DATABASE_NOT_OPEN}) when closed, and its iterators must implement
 * {@link EngineIterator#nextvAsync} natively. The core closes it while calls may be in progress
 * (a call that waits for the host, such as {@link #snapshot()} or a write held back until the
 * host reads, would otherwise hold the close for as long as the host is away): its close must
 * be safe then, and end every such wait.
 *
 * <p>It implements the {@code ...Async} methods; its sync methods wait on them.
 */
public interface RemoteEngine extends Engine {
  @Override
  CompletableFuture<byte[]> getAsync(byte[] key, EngineSnapshot snapshot);

  @Override
  CompletableFuture<List<byte[]>> getManyAsync(List<byte[]> keys, EngineSnapshot snapshot);

  @Override
  CompletableFuture<Void> writeAsync(List<Op<byte[], byte[]>> ops, boolean sync);

  @Override
  CompletableFuture<Boolean> writeAsync(List<Op<byte[], byte[]>> ops, boolean sync,
      RequestId request);

  @Override
  CompletableFuture<Void> clearAsync(Range<byte[]> range);

  /** Waits for {@link #getAsync}. */
  @Override
  default byte[] get(byte[] key, EngineSnapshot snapshot) {
    return LevelException.join(getAsync(key, snapshot));
  }

  /** Waits for {@link #getManyAsync}. */
  @Override
  default List<byte[]> getMany(List<byte[]> keys, EngineSnapshot snapshot) {
    return LevelException.join(getManyAsync(keys, snapshot));
  }

  /** Waits for {@link #writeAsync(List, boolean)}. */
  @Override
  default void write(List<Op<byte[], byte[]>> ops, boolean sync) {
    LevelException.join(writeAsync(ops, sync));
  }

  /** Waits for {@link #writeAsync(List, boolean, RequestId)}. */
  @Override
  default boolean write(List<Op<byte[], byte[]>> ops, boolean sync, RequestId request) {
    return LevelException.join(writeAsync(ops, sync, request));
  }

  /** Waits for {@link #clearAsync}. */
  @Override
  default void clear(Range<byte[]> range) {
    LevelException.join(clearAsync(range));
  }
}
