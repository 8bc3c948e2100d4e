package org.level4j.net;

import java.time.Duration;
import java.util.Objects;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * How a {@link Guest} talks to its host. Immutable; start from {@link #defaults()} or {@link
 * #builder()}.
 *
 * <pre>{@code
 * Guest db = Guest.connect(Connector.unix(socket), GuestOptions.builder().retry(true).build());
 * }</pre>
 */
public final class GuestOptions {
  private static final GuestOptions DEFAULTS = new Builder().build();

  private final boolean retry;
  private final int maxFrameBytes;
  private final boolean permanence;
  private final Duration openTimeout;

  private GuestOptions(Builder b) {
    this.retry = b.retry;
    this.maxFrameBytes = b.maxFrameBytes;
    this.permanence = b.permanence;
    this.openTimeout = b.openTimeout;
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
    b.retry = retry;
    b.maxFrameBytes = maxFrameBytes;
    b.permanence = permanence;
    b.openTimeout = openTimeout;
    return b;
  }

  /**
   * When the connection ends, reconnect through the {@link Connector}, send pending operations
   * again and resume open iterators after the last entry they handed out. Writes are then
   * at-least-once: one the host applied but could not acknowledge is applied again. An iterator
   * resumed on a new connection reads from a new snapshot. Default off: pending operations fail
   * with {@code LEVEL_CONNECTION_LOST}.
   *
   * @return true if the guest reconnects and re-sends
   */
  public boolean retry() {
    return retry;
  }

  /**
   * The largest frame the host may send (default 64 MiB); a larger one ends the connection.
   *
   * @return the limit in bytes
   */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /**
   * Declares that the host's database keeps its data (RocksDB, not memory), for {@link
   * org.level4j.Supports#permanence()}: the protocol cannot tell. Default false.
   *
   * @return true if the host's data is declared permanent
   */
  public boolean permanence() {
    return permanence;
  }

  /**
   * How long {@link Guest#connect} waits for the host's first answer once connected (default
   * 30 s). A host that accepts connections but does not answer (hung, or not a level4j or
   * many-level host) then fails the connect with {@code LEVEL_DATABASE_NOT_OPENED} instead of
   * hanging it.
   *
   * @return the timeout
   */
  public Duration openTimeout() {
    return openTimeout;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof GuestOptions)) {
      return false;
    }
    GuestOptions g = (GuestOptions) o;
    return retry == g.retry && maxFrameBytes == g.maxFrameBytes && permanence == g.permanence
        && openTimeout.equals(g.openTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(retry, maxFrameBytes, permanence, openTimeout);
  }

  @Override
  public String toString() {
    return "GuestOptions[retry=" + retry + ", maxFrameBytes=" + maxFrameBytes + ", permanence="
        + permanence + ", openTimeout=" + openTimeout + "]";
  }

  /** Builds {@link GuestOptions}; each setter documents its option on {@link GuestOptions}. */
  public static final class Builder {
    private boolean retry = false;
    private int maxFrameBytes = Wire.DEFAULT_MAX_FRAME_BYTES;
    private boolean permanence = false;
    private Duration openTimeout = Duration.ofSeconds(30);

    private Builder() {}

    /**
     * See {@link GuestOptions#retry()}.
     *
     * @param value whether to reconnect and re-send
     * @return this builder
     */
    public Builder retry(boolean value) {
      this.retry = value;
      return this;
    }

    /**
     * See {@link GuestOptions#maxFrameBytes()}; at least 16.
     *
     * @param bytes the largest frame accepted from the host
     * @return this builder
     */
    public Builder maxFrameBytes(int bytes) {
      if (bytes < 16) {
        throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
            "maxFrameBytes must be at least 16, got " + bytes);
      }
      this.maxFrameBytes = bytes;
      return this;
    }

    /**
     * See {@link GuestOptions#permanence()}.
     *
     * @param value whether the host's database keeps its data
     * @return this builder
     */
    public Builder permanence(boolean value) {
      this.permanence = value;
      return this;
    }

    /**
     * See {@link GuestOptions#openTimeout()}.
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder openTimeout(Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
            "openTimeout must be a positive duration, got " + value);
      }
      this.openTimeout = value;
      return this;
    }

    /**
     * The options set so far.
     *
     * @return the options
     */
    public GuestOptions build() {
      return new GuestOptions(this);
    }
  }
}
