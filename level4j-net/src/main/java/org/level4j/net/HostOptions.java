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
 */
public final class HostOptions {
  private static final HostOptions DEFAULTS =
      new HostOptions(false, null, null, null, Wire.DEFAULT_MAX_FRAME_BYTES);

  private final boolean readOnly;
  private final BiConsumer<byte[], byte[]> preput;
  private final Consumer<byte[]> predel;
  private final Consumer<List<Op<byte[], byte[]>>> prebatch;
  private final int maxFrameBytes;

  private HostOptions(boolean readOnly, BiConsumer<byte[], byte[]> preput,
      Consumer<byte[]> predel, Consumer<List<Op<byte[], byte[]>>> prebatch, int maxFrameBytes) {
    this.readOnly = readOnly;
    this.preput = preput;
    this.predel = predel;
    this.prebatch = prebatch;
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * Read-write, no hooks, frames up to 64 MiB.
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
    return new HostOptions(readOnly, preput, predel, prebatch, maxFrameBytes);
  }

  /**
   * Called with key and value before each put; throw to reject it.
   *
   * @param hook sees the encoded key and value
   * @return a copy with that hook
   */
  public HostOptions preput(BiConsumer<byte[], byte[]> hook) {
    return new HostOptions(readOnly, hook, predel, prebatch, maxFrameBytes);
  }

  /**
   * Called with the key before each del; throw to reject it.
   *
   * @param hook sees the encoded key
   * @return a copy with that hook
   */
  public HostOptions predel(Consumer<byte[]> hook) {
    return new HostOptions(readOnly, preput, hook, prebatch, maxFrameBytes);
  }

  /**
   * Called with the (unmodifiable) operations before each batch; throw to reject it whole. A
   * level4j guest's conditional batch reaches it too, preconditions ({@code EXPECT}) included.
   *
   * @param hook sees the encoded operations
   * @return a copy with that hook
   */
  public HostOptions prebatch(Consumer<List<Op<byte[], byte[]>>> hook) {
    return new HostOptions(readOnly, preput, predel, hook, maxFrameBytes);
  }

  /**
   * The largest frame a guest may send; a larger one closes its connection (the guest's other
   * requests on it fail or are retried). Default 64 MiB.
   *
   * @param maxFrameBytes at least 16
   * @return a copy with that setting
   */
  public HostOptions maxFrameBytes(int maxFrameBytes) {
    if (maxFrameBytes < 16) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "maxFrameBytes must be at least 16, got " + maxFrameBytes);
    }
    return new HostOptions(readOnly, preput, predel, prebatch, maxFrameBytes);
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
    return maxFrameBytes;
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
}
