package org.level4j.rave;

import java.time.Duration;
import org.level4j.rocksdb.RocksOptions;

/**
 * Options of a {@link RaveLevel}. Immutable; start from {@link #defaults()} or {@link #builder()}.
 */
public final class RaveOptions {
  private final RocksOptions rocks;
  private final Duration giveUpAfter;
  private final boolean retry;

  private RaveOptions(Builder b) {
    this.rocks = b.rocks;
    this.giveUpAfter = b.giveUpAfter;
    this.retry = b.retry;
  }

  /**
   * A 2 MiB RocksDB write buffer, 30 seconds to give up, and retry on.
   *
   * @return the default options
   */
  public static RaveOptions defaults() {
    return builder().build();
  }

  /**
   * A builder that starts from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * RocksDB options, used by whichever process becomes leader. The default has a 2 MiB write
   * buffer and {@link RocksOptions#flushAfter() flushAfter} 100 ms, which keep the log a new
   * leader replays short.
   *
   * @return the RocksDB options
   */
  public RocksOptions rocks() {
    return rocks;
  }

  /**
   * How long a follower keeps trying to reach a leader (or become one) before its pending and new
   * operations fail with {@code LEVEL_CONNECTION_LOST}. Default: 30 seconds.
   *
   * @return how long a follower keeps trying
   */
  public Duration giveUpAfter() {
    return giveUpAfter;
  }

  /**
   * Whether operations pending when the leader goes are retried on the next leader (default
   * true). Without retry they fail with {@code LEVEL_CONNECTION_LOST}.
   *
   * @return true if pending operations are retried
   */
  public boolean retry() {
    return retry;
  }

  /** Builds {@link RaveOptions}. */
  public static final class Builder {
    /*
     * After a leader is killed, the next one replays the log of everything not yet flushed before
     * it can serve (about 1 us of CPU per entry here), so what stays unflushed bounds failover
     * time. A much smaller write buffer than RocksDB's 64 MiB bounds it for bulk writes: 2 MiB
     * holds about 14,000 entries of 100 bytes. Measured (bench --failover 2, 10 kills per run,
     * and bench as leader, 3 runs per size): 1 MiB took about 3 ms off a takeover against 2 MiB
     * but cost the leader's batch_put_1000 about 15% against 4 MiB; 2 MiB cost it about 4%.
     * Small writes at followers' pace fill 2 MiB in about a second, though: flushAfter flushes a
     * buffer that has held 1,000 entries or more for 100 ms, which bounds their replay to about
     * a tenth of that without flushing bulk writes' buffers early (see RocksOptions.flushAfter).
     */
    private RocksOptions rocks = RocksOptions.builder().writeBufferBytes(2L << 20)
        .flushAfter(Duration.ofMillis(100)).build();
    private Duration giveUpAfter = Duration.ofSeconds(30);
    private boolean retry = true;

    private Builder() {}

    /**
     * See {@link RaveOptions#rocks()}.
     *
     * @param rocks the RocksDB options a leader opens with
     * @return this builder
     */
    public Builder rocks(RocksOptions rocks) {
      this.rocks = java.util.Objects.requireNonNull(rocks, "rocks");
      return this;
    }

    /**
     * See {@link RaveOptions#giveUpAfter()}; zero or positive.
     *
     * @param giveUpAfter how long a follower keeps trying
     * @return this builder
     */
    public Builder giveUpAfter(Duration giveUpAfter) {
      if (giveUpAfter == null || giveUpAfter.isNegative()) {
        throw new IllegalArgumentException("giveUpAfter must be zero or positive");
      }
      this.giveUpAfter = giveUpAfter;
      return this;
    }

    /**
     * See {@link RaveOptions#retry()}.
     *
     * @param retry whether pending operations are retried on the next leader
     * @return this builder
     */
    public Builder retry(boolean retry) {
      this.retry = retry;
      return this;
    }

    /**
     * The options set so far.
     *
     * @return the options
     */
    public RaveOptions build() {
      return new RaveOptions(this);
    }
  }
}
