package org.level4j.net;

import java.time.Duration;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * How a {@link Guest} talks to its host. Immutable: each method returns a changed copy.
 *
 * <pre>{@code
 * Guest db = Guest.connect(Connector.unix(socket), GuestOptions.defaults().retry(true));
 * }</pre>
 */
public final class GuestOptions {
  private static final GuestOptions DEFAULTS =
      new GuestOptions(false, Wire.DEFAULT_MAX_FRAME_BYTES, false, Duration.ofSeconds(30));

  private final boolean retry;
  private final int maxFrameBytes;
  private final boolean permanence;
  private final Duration openTimeout;

  private GuestOptions(boolean retry, int maxFrameBytes, boolean permanence,
      Duration openTimeout) {
    this.retry = retry;
    this.maxFrameBytes = maxFrameBytes;
    this.permanence = permanence;
    this.openTimeout = openTimeout;
  }

  /**
   * No retry, frames up to 64 MiB, no claim of permanence, 30 s for the host's first answer.
   *
   * @return the default options
   */
  public static GuestOptions defaults() {
    return DEFAULTS;
  }

  /**
   * When the connection ends, reconnect through the {@link Connector}, send pending operations
   * again and resume open iterators after the last entry they handed out. Writes are then
   * at-least-once: one the host applied but could not acknowledge is applied again. An iterator
   * resumed on a new connection reads from a new snapshot. Default off: pending operations fail
   * with {@code LEVEL_CONNECTION_LOST}.
   *
   * @param retry whether to reconnect and re-send
   * @return a copy with that setting
   */
  public GuestOptions retry(boolean retry) {
    return new GuestOptions(retry, maxFrameBytes, permanence, openTimeout);
  }

  /**
   * The largest frame the host may send (default 64 MiB); a larger one ends the connection.
   *
   * @param maxFrameBytes at least 16
   * @return a copy with that setting
   */
  public GuestOptions maxFrameBytes(int maxFrameBytes) {
    if (maxFrameBytes < 16) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "maxFrameBytes must be at least 16, got " + maxFrameBytes);
    }
    return new GuestOptions(retry, maxFrameBytes, permanence, openTimeout);
  }

  /**
   * Declares that the host's database keeps its data (RocksDB, not memory), for
   * {@link org.level4j.Supports#permanence()}: the protocol cannot tell. Default false.
   *
   * @param permanence whether the host's database keeps its data
   * @return a copy with that setting
   */
  public GuestOptions permanence(boolean permanence) {
    return new GuestOptions(retry, maxFrameBytes, permanence, openTimeout);
  }

  /**
   * How long {@link Guest#connect} waits for the host's first answer once connected (default
   * 30 s). A host that accepts connections but does not answer (hung, or not a level4j or
   * many-level host) then fails the connect with {@code LEVEL_DATABASE_NOT_OPENED} instead of
   * hanging it.
   *
   * @param openTimeout a positive duration
   * @return a copy with that setting
   */
  public GuestOptions openTimeout(Duration openTimeout) {
    if (openTimeout == null || openTimeout.isNegative() || openTimeout.isZero()) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "openTimeout must be a positive duration, got " + openTimeout);
    }
    return new GuestOptions(retry, maxFrameBytes, permanence, openTimeout);
  }

  /**
   * Whether the guest reconnects and re-sends; see {@link #retry(boolean)}.
   *
   * @return true if the guest retries
   */
  public boolean retry() {
    return retry;
  }

  /**
   * The largest frame accepted from the host; see {@link #maxFrameBytes(int)}.
   *
   * @return the limit in bytes
   */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /**
   * Whether the host's data is declared permanent; see {@link #permanence(boolean)}.
   *
   * @return true if declared permanent
   */
  public boolean permanence() {
    return permanence;
  }

  /**
   * How long connect waits for the host's first answer; see {@link #openTimeout(Duration)}.
   *
   * @return the timeout
   */
  public Duration openTimeout() {
    return openTimeout;
  }
}
