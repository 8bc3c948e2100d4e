package org.level4j.rocksdb;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.rocksdb.Options;

/**
 * How {@link RocksLevel} opens a RocksDB directory. Immutable; start from {@link #defaults()} or
 * {@link #builder()}.
 *
 * <pre>{@code
 * RocksOptions options = RocksOptions.builder()
 *     .createIfMissing(false)
 *     .blockCacheBytes(256L << 20)
 *     .compression(RocksOptions.Compression.ZSTD)
 *     .statistics(true)
 *     .adjust(o -> o.setMaxBackgroundJobs(4))
 *     .build();
 * }</pre>
 *
 * <p>The settings here cover what most applications tune; {@link Builder#adjust} reaches any
 * other option of RocksDB itself.
 */
public final class RocksOptions {
  /** How RocksDB compresses the blocks of its table files. */
  public enum Compression {
    /** No compression: fastest, largest files. */
    NONE,
    /** Snappy, LevelDB's classic choice. */
    SNAPPY,
    /** LZ4: about as fast as Snappy and usually smaller (the default). */
    LZ4,
    /** Zstandard: smallest files, more CPU per block. */
    ZSTD
  }

  private static final Consumer<Options> NO_ADJUSTMENT = o -> { };
  private static final RocksOptions DEFAULTS = new Builder().build();

  private final boolean createIfMissing;
  private final boolean errorIfExists;
  private final boolean syncWrites;
  private final long blockCacheBytes;
  private final long writeBufferBytes;
  private final Compression compression;
  private final Duration flushAfter;
  private final Duration walTtl;
  private final long walSizeLimitBytes;
  private final boolean statistics;
  private final Consumer<Options> adjust;

  private RocksOptions(Builder b) {
    this.createIfMissing = b.createIfMissing;
    this.errorIfExists = b.errorIfExists;
    this.syncWrites = b.syncWrites;
    this.blockCacheBytes = b.blockCacheBytes;
    this.writeBufferBytes = b.writeBufferBytes;
    this.compression = b.compression;
    this.flushAfter = b.flushAfter;
    this.walTtl = b.walTtl;
    this.walSizeLimitBytes = b.walSizeLimitBytes;
    this.statistics = b.statistics;
    this.adjust = b.adjust;
  }

  /**
   * Every option at its default.
   *
   * @return the default options
   */
  public static RocksOptions defaults() {
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
    b.createIfMissing = createIfMissing;
    b.errorIfExists = errorIfExists;
    b.syncWrites = syncWrites;
    b.blockCacheBytes = blockCacheBytes;
    b.writeBufferBytes = writeBufferBytes;
    b.compression = compression;
    b.flushAfter = flushAfter;
    b.walTtl = walTtl;
    b.walSizeLimitBytes = walSizeLimitBytes;
    b.statistics = statistics;
    b.adjust = adjust;
    return b;
  }

  /**
   * Create the directory (and its parents) and an empty database if there is none (default
   * true). When false, opening a directory without a database fails with {@link
   * ErrorCode#LEVEL_DATABASE_MISSING}.
   *
   * @return true if a missing database is created
   */
  public boolean createIfMissing() {
    return createIfMissing;
  }

  /**
   * Fail with {@link ErrorCode#LEVEL_DATABASE_EXISTS} if the directory already holds a database
   * (default false).
   *
   * @return true if an existing database is an error
   */
  public boolean errorIfExists() {
    return errorIfExists;
  }

  /**
   * Make every write durable (fsync of the write-ahead log) before it is acknowledged (default
   * false). Without it a write survives a crash of the process, not of the machine; {@link
   * org.level4j.WriteOptions#SYNC} asks for this on one write only.
   *
   * @return true if every write is synced
   */
  public boolean syncWrites() {
    return syncWrites;
  }

  /**
   * Bytes of uncompressed blocks kept in memory for reads (default 32 MiB). Point reads add the
   * blocks they load; iterators read the blocks already there but add none, as LevelDB's do by
   * default, so that one long scan does not push out the blocks point reads keep hot. The cache
   * is RocksDB's HyperClockCache, whose lookups take no lock; 0 opens without one.
   *
   * @return the block cache size in bytes
   */
  public long blockCacheBytes() {
    return blockCacheBytes;
  }

  /**
   * Bytes of writes gathered in memory before they are written out as a table file (default 64
   * MiB, RocksDB's own default). Larger buffers absorb write bursts at the cost of memory and a
   * longer replay of the log after a crash.
   *
   * @return the write buffer size in bytes
   */
  public long writeBufferBytes() {
    return writeBufferBytes;
  }

  /**
   * Compression of table files (default {@link Compression#LZ4}).
   *
   * @return the compression
   */
  public Compression compression() {
    return compression;
  }

  /**
   * How long writes may stay in the write buffer before it is flushed to a table file, once it
   * holds at least a thousand entries (default {@link Duration#ZERO}: off, the buffer is flushed
   * when full). Opening a directory after a crash replays the write-ahead log of everything not
   * yet flushed, about a microsecond per entry, so this bounds that replay to what is written in
   * this time; RaveLevel sets it, since a follower taking over from a killed leader replays
   * before it serves. A buffer that fills faster than this is flushed when full, as without it.
   *
   * <p>Such flushes make small table files, and RocksDB starts compacting level 0 by its count of
   * files; so with this on, level 0 is compacted at 16 files instead of 4 (writes slow down at 48
   * and stop at 64); measured with a leader and four writing followers, that cut the compaction's
   * CPU per put to about a third. And level 0 is compacted into a base level of at most 16 MiB
   * instead of 256 MiB, so that those compactions do not rewrite a large database's last level
   * each time (measured with random keys on about 150 MB: about half the compaction's CPU per
   * put). RocksDB's info log then keeps warnings and errors only, not a few lines for every
   * flush and compaction. {@link Builder#adjust} can set other triggers, sizes and log levels.
   *
   * @return the longest time writes stay only in the write buffer, or zero for no limit
   */
  public Duration flushAfter() {
    return flushAfter;
  }

  /**
   * How long RocksDB keeps a write-ahead log file after the writes in it were flushed to table
   * files (default 1 minute), so that a change feed ({@link org.level4j.Database#changes}) can
   * start from, or resume at, a revision that old: after a slow listener, a follower's
   * reconnection, a RaveLevel failover. Kept files move to the directory's {@code archive}
   * folder; a feed that needs a revision no longer kept ends with {@code
   * LEVEL_SNAPSHOT_NOT_OPEN}. Zero keeps none beyond what recovery needs (unless {@link
   * #walSizeLimitBytes()} is set); feeds then work only from what is not flushed yet.
   *
   * <p>While the database is open, level4j removes expired files, and the oldest beyond the size
   * limit, every 1 to 2 seconds (a quarter of this time, within those bounds), a little ahead of
   * RocksDB's own rules: a file is kept for this time less that interval or a quarter of this
   * time, whichever is shorter (58 seconds with the default), and the archive holds 90% of the
   * files RocksDB would keep under the size limit. Left to itself, RocksDB does that when it
   * opens, on the opening thread, and then at most every 10 minutes when both limits are set: a
   * busy database's archive outgrew its limits, and the next open (a RaveLevel takeover) spent
   * tens of milliseconds removing files and reading the size and time of the others. The
   * default is short on purpose: what a feed needs after a failover or a reconnection is seconds
   * old, and a busy database writes its log at megabytes per second.
   *
   * @return how long flushed log files are kept
   */
  public Duration walTtl() {
    return walTtl;
  }

  /**
   * The most bytes of flushed write-ahead log files RocksDB keeps for change feeds (default 256
   * MiB, counted in whole MiB); the oldest go first. Zero: no limit but {@link #walTtl()}. With
   * both zero no flushed log is kept.
   *
   * @return the archive's size limit in bytes, or zero for none
   */
  public long walSizeLimitBytes() {
    return walSizeLimitBytes;
  }

  /**
   * Collect RocksDB's statistics (default false): counters of keys read and written, bytes, cache
   * hits and misses, compactions, stalls and more, read with {@link RocksDatabase#statistics()}
   * and shown by {@link RocksDatabaseMXBean}. RocksDB documents a cost of a few percent of
   * throughput for keeping them.
   *
   * @return true if RocksDB keeps statistics
   */
  public boolean statistics() {
    return statistics;
  }

  /**
   * Changes made to RocksDB's own options each time the database opens, after every setting of
   * these options (default: none). It runs on the thread that opens, before RocksDB opens the
   * directory; the {@code Options} object is RocksDB's and lives until the database closes, so
   * the adjustment must not keep or close it. What it sets wins over the settings here (setting
   * RocksDB's table format replaces the block cache and Bloom filter level4j configures, for
   * example), and a RaveLevel leader applies it too. If it throws, the open fails with {@link
   * ErrorCode#LEVEL_INVALID_ARGUMENT} and nothing is left open.
   *
   * @return the adjustment, a no-op by default
   */
  public Consumer<Options> adjust() {
    return adjust;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RocksOptions)) {
      return false;
    }
    RocksOptions r = (RocksOptions) o;
    return createIfMissing == r.createIfMissing && errorIfExists == r.errorIfExists
        && syncWrites == r.syncWrites && blockCacheBytes == r.blockCacheBytes
        && writeBufferBytes == r.writeBufferBytes && compression == r.compression
        && flushAfter.equals(r.flushAfter) && walTtl.equals(r.walTtl)
        && walSizeLimitBytes == r.walSizeLimitBytes && statistics == r.statistics
        && adjust.equals(r.adjust);
  }

  @Override
  public int hashCode() {
    return Objects.hash(createIfMissing, errorIfExists, syncWrites, blockCacheBytes,
        writeBufferBytes, compression, flushAfter, walTtl, walSizeLimitBytes, statistics, adjust);
  }

  @Override
  public String toString() {
    return "RocksOptions[createIfMissing=" + createIfMissing + ", errorIfExists=" + errorIfExists
        + ", syncWrites=" + syncWrites + ", blockCacheBytes=" + blockCacheBytes
        + ", writeBufferBytes=" + writeBufferBytes + ", compression=" + compression
        + ", flushAfter=" + flushAfter + ", walTtl=" + walTtl
        + ", walSizeLimitBytes=" + walSizeLimitBytes + ", statistics=" + statistics
        + (adjust == NO_ADJUSTMENT ? "" : ", adjust=" + adjust) + "]";
  }

  /** Builds {@link RocksOptions}; each setter documents its option on {@link RocksOptions}. */
  public static final class Builder {
    private boolean createIfMissing = true;
    private boolean errorIfExists = false;
    private boolean syncWrites = false;
    private long blockCacheBytes = 32L << 20;
    private long writeBufferBytes = 64L << 20;
    private Compression compression = Compression.LZ4;
    private Duration flushAfter = Duration.ZERO;
    private Duration walTtl = Duration.ofMinutes(1);
    private long walSizeLimitBytes = 256L << 20;
    private boolean statistics = false;
    private Consumer<Options> adjust = NO_ADJUSTMENT;

    private Builder() {}

    /**
     * See {@link RocksOptions#createIfMissing()}.
     *
     * @param value whether to create a missing database
     * @return this builder
     */
    public Builder createIfMissing(boolean value) {
      this.createIfMissing = value;
      return this;
    }

    /**
     * See {@link RocksOptions#errorIfExists()}.
     *
     * @param value whether an existing database is an error
     * @return this builder
     */
    public Builder errorIfExists(boolean value) {
      this.errorIfExists = value;
      return this;
    }

    /**
     * See {@link RocksOptions#syncWrites()}.
     *
     * @param value whether to sync every write
     * @return this builder
     */
    public Builder syncWrites(boolean value) {
      this.syncWrites = value;
      return this;
    }

    /**
     * See {@link RocksOptions#blockCacheBytes()}; 0 turns the cache off.
     *
     * @param bytes the block cache size
     * @return this builder
     */
    public Builder blockCacheBytes(long bytes) {
      if (bytes < 0) {
        throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
            "blockCacheBytes must be 0 or more, got " + bytes);
      }
      this.blockCacheBytes = bytes;
      return this;
    }

    /**
     * See {@link RocksOptions#writeBufferBytes()}; at least 64 KiB.
     *
     * @param bytes the write buffer size
     * @return this builder
     */
    public Builder writeBufferBytes(long bytes) {
      if (bytes < (64L << 10)) {
        throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
            "writeBufferBytes must be at least 65536, got " + bytes);
      }
      this.writeBufferBytes = bytes;
      return this;
    }

    /**
     * See {@link RocksOptions#compression()}.
     *
     * @param value the compression, not {@code null}
     * @return this builder
     */
    public Builder compression(Compression value) {
      if (value == null) {
        throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
            "compression must not be null (use Compression.NONE)");
      }
      this.compression = value;
      return this;
    }

    /**
     * See {@link RocksOptions#flushAfter()}; zero turns it off, otherwise at least 10 ms.
     *
     * @param value the longest time writes stay only in the write buffer
     * @return this builder
     */
    public Builder flushAfter(Duration value) {
      if (value == null || value.isNegative()
          || (!value.isZero() && value.compareTo(Duration.ofMillis(10)) < 0)) {
        throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
            "flushAfter must be zero (off) or at least 10 ms, got " + value);
      }
      this.flushAfter = value;
      return this;
    }

    /**
     * See {@link RocksOptions#walTtl()}; whole seconds, zero for none.
     *
     * @param value how long flushed log files are kept
     * @return this builder
     */
    public Builder walTtl(Duration value) {
      if (value == null || value.isNegative()) {
        throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
            "walTtl must be zero or more, got " + value);
      }
      this.walTtl = value;
      return this;
    }

    /**
     * See {@link RocksOptions#walSizeLimitBytes()}.
     *
     * @param bytes the archive's size limit, zero for none
     * @return this builder
     */
    public Builder walSizeLimitBytes(long bytes) {
      if (bytes < 0) {
        throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
            "walSizeLimitBytes must be zero or more, got " + bytes);
      }
      this.walSizeLimitBytes = bytes;
      return this;
    }

    /**
     * See {@link RocksOptions#statistics()}.
     *
     * @param value whether RocksDB keeps statistics
     * @return this builder
     */
    public Builder statistics(boolean value) {
      this.statistics = value;
      return this;
    }

    /**
     * See {@link RocksOptions#adjust()}; replaces an earlier adjustment (chain them with {@link
     * Consumer#andThen} to keep both).
     *
     * @param value changes RocksDB's options before each open, not {@code null}
     * @return this builder
     */
    public Builder adjust(Consumer<Options> value) {
      if (value == null) {
        throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
            "adjust must not be null (leave it unset for no adjustment)");
      }
      this.adjust = value;
      return this;
    }

    /**
     * The options set so far.
     *
     * @return the options
     */
    public RocksOptions build() {
      return new RocksOptions(this);
    }
  }
}
