package org.level4j.rave;

import java.time.Duration;
import java.util.Objects;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.net.GuestOptions;
import org.level4j.net.HostOptions;
import org.level4j.rocksdb.RocksOptions;

/**
 * Options of a {@link RaveLevel}. Immutable; start from {@link #defaults()} or {@link #builder()}.
 */
public final class RaveOptions {
  private static final RaveOptions DEFAULTS = new Builder().build();

  private final RocksOptions rocks;
  private final Duration giveUpAfter;
  private final GuestOptions guest;
  private final HostOptions host;
  private final boolean registerMXBean;

  private RaveOptions(Builder b) {
    this.rocks = b.rocks;
    this.giveUpAfter = b.giveUpAfter;
    this.guest = b.guest;
    this.host = b.host;
    this.registerMXBean = b.registerMXBean;
  }

  /**
   * A 2 MiB RocksDB write buffer, 30 seconds to give up, a guest with retry on, a host with its
   * defaults, and the MXBean registered.
   *
   * @return the default options
   */
  public static RaveOptions defaults() {
    return DEFAULTS;
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
   * A builder starting from these options.
   *
   * @return a new builder with these options
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.rocks = rocks;
    b.giveUpAfter = giveUpAfter;
    b.guest = guest;
    b.host = host;
    b.registerMXBean = registerMXBean;
    return b;
  }

  /**
   * RocksDB options, used by whichever process becomes leader. The default has a 2 MiB write
   * buffer and {@link RocksOptions#flushAfter() flushAfter} 40 ms, which keep the log a new
   * leader replays short; flushed log files are kept for change feeds as {@link
   * RocksOptions#walTtl()} and {@link RocksOptions#walSizeLimitBytes()} say (1 minute, 256 MiB
   * by default).
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
    return guest.retry();
  }

  /**
   * The options of a follower's guest, its connection to the leader. Default: {@link
   * GuestOptions#defaults()} with retry on.
   *
   * @return the guest's options
   */
  public GuestOptions guest() {
    return guest;
  }

  /**
   * The options of a leader's host, which serves the followers. Default: {@link
   * HostOptions#defaults()}. Each follower process holds one connection to the leader (the
   * leader's own process uses an in-memory pipe, which is never refused), so {@link
   * HostOptions#maxConnections()} is how many follower processes it serves at once: 1024 by
   * default. The iterators and snapshots of all of them together, the leader's own included, are
   * bounded by {@link HostOptions#maxHostIterators()} and {@link HostOptions#maxHostSnapshots()}
   * (16,384 each by default): raise them with {@code maxConnections} for thousands of followers
   * that each hold several.
   *
   * @return the host's options
   */
  public HostOptions host() {
    return host;
  }

  /**
   * Whether the process registers the MXBean {@link RaveLevelMXBean} of the directory in the
   * platform MBean server while it has it open (default true); {@code level4j info} reads a
   * leader's figures from it. The first bean a JVM registers makes that server, which took a new
   * JVM here 140 to 160 ms; a short-lived process that nobody watches can skip it. The command
   * line's put, get, del, ls, batch, import, export, backup, info and demo --tour do: {@code
   * level4j put} took 0.31 s without the bean against 0.36 s with it (medians of 15 runs each,
   * alternated).
   *
   * @return true if the MXBean is registered
   */
  public boolean registerMXBean() {
    return registerMXBean;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RaveOptions)) {
      return false;
    }
    RaveOptions r = (RaveOptions) o;
    return rocks.equals(r.rocks) && giveUpAfter.equals(r.giveUpAfter) && guest.equals(r.guest)
        && host.equals(r.host) && registerMXBean == r.registerMXBean;
  }

  @Override
  public int hashCode() {
    return Objects.hash(rocks, giveUpAfter, guest, host, registerMXBean);
  }

  @Override
  public String toString() {
    return "RaveOptions[rocks=" + rocks + ", giveUpAfter=" + giveUpAfter + ", guest=" + guest
        + ", host=" + host + ", registerMXBean=" + registerMXBean + "]";
  }

  /** Builds {@link RaveOptions}; each setter documents its option on {@link RaveOptions}. */
  public static final class Builder {
    /*
     * After a leader is killed, the next one replays the log of everything not yet flushed before
     * it can serve (about 1 us of CPU per entry here), so what stays unflushed bounds failover
     * time. A much smaller write buffer than RocksDB's 64 MiB bounds it for bulk writes: 2 MiB
     * holds about 14,000 entries of 100 bytes. Measured (bench --failover 2, 10 kills per run,
     * and bench as leader, 3 runs per size): 1 MiB took about 3 ms off a takeover against 2 MiB
     * but cost the leader's batch_put_1000 about 15% against 4 MiB; 2 MiB cost it about 4%.
     * Small writes at followers' pace fill 2 MiB in under a second, though: flushAfter flushes
     * a buffer that has held 1,000 entries or more for 40 ms, without flushing bulk writes'
     * buffers early (see RocksOptions.flushAfter). Measured side by side (bench --failover 2,
     * 8 kills a run, runs alternated), median outage of the follower that took over: without it
     * 26.9 and 29.7 ms against 21.8 and 25.6 ms with 100 ms; then 20.9 and 21.7 ms with 40 ms
     * against 23.2 and 22.8 ms with 100 ms. put_seq and batch_put_1000, leader and follower,
     * were within noise of each other at 40 and 100 ms (3 pairs each).
     */
    private RocksOptions rocks = RocksOptions.builder().writeBufferBytes(2L << 20)
        .flushAfter(Duration.ofMillis(40)).build();
    private Duration giveUpAfter = Duration.ofSeconds(30);
    private GuestOptions guest = GuestOptions.builder().retry(true).build();
    private HostOptions host = HostOptions.defaults();
    private boolean registerMXBean = true;

    private Builder() {}

    /**
     * See {@link RaveOptions#rocks()}.
     *
     * @param rocks the RocksDB options a leader opens with, not {@code null}
     * @return this builder
     */
    public Builder rocks(RocksOptions rocks) {
      this.rocks = given(rocks, "rocks", "RaveOptions.defaults().rocks()");
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
        throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
            "giveUpAfter must be zero or a positive duration, got " + giveUpAfter);
      }
      this.giveUpAfter = giveUpAfter;
      return this;
    }

    /**
     * See {@link RaveOptions#retry()}: the guest's retry.
     *
     * @param retry whether pending operations are retried on the next leader
     * @return this builder
     */
    public Builder retry(boolean retry) {
      this.guest = guest.toBuilder().retry(retry).build();
      return this;
    }

    /**
     * See {@link RaveOptions#guest()}.
     *
     * @param guest the options of a follower's connection to the leader, not {@code null}
     * @return this builder
     */
    public Builder guest(GuestOptions guest) {
      this.guest = given(guest, "guest", "GuestOptions.builder().retry(true).build()");
      return this;
    }

    /**
     * See {@link RaveOptions#host()}.
     *
     * @param host the options of a leader's host, not {@code null}
     * @return this builder
     */
    public Builder host(HostOptions host) {
      this.host = given(host, "host", "HostOptions.defaults()");
      return this;
    }

    /**
     * See {@link RaveOptions#registerMXBean()}.
     *
     * @param registerMXBean whether the process registers the directory's MXBean
     * @return this builder
     */
    public Builder registerMXBean(boolean registerMXBean) {
      this.registerMXBean = registerMXBean;
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

    private static <T> T given(T value, String what, String defaultValue) {
      if (value == null) {
        throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
            what + " must not be null (the default is " + defaultValue + ")");
      }
      return value;
    }
  }
}
