package org.level4j;

import java.util.Objects;

/**
 * Options of one write. Immutable; start from {@link #defaults()}, {@link #SYNC} or {@link
 * #builder()}.
 *
 * <pre>{@code
 * db.put("k", "v", WriteOptions.SYNC);
 * db.batch(ops, WriteOptions.builder().request(new RequestId(client, seq, settledBelow)).build());
 * }</pre>
 *
 * <p>{@link #sync()} asks the engine to make the write durable (fsync) before it is acknowledged,
 * which survives a machine crash, not only a process crash. A {@link RequestId} makes the write
 * safe to retry: it is applied at most once.
 */
public final class WriteOptions {
  /** The database's default durability, no request id: the same as {@link #defaults()}. */
  public static final WriteOptions DEFAULT = new Builder().build();
  /** Flush to stable storage before acknowledging, no request id. */
  public static final WriteOptions SYNC = new Builder().sync(true).build();

  private final boolean sync;
  private final RequestId request;

  private WriteOptions(Builder b) {
    this.sync = b.sync;
    this.request = b.request;
  }

  /**
   * The database's default durability and no request id: {@link #DEFAULT}.
   *
   * @return the default options
   */
  public static WriteOptions defaults() {
    return DEFAULT;
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
    b.sync = sync;
    b.request = request;
    return b;
  }

  /**
   * Flush the write to stable storage (fsync) before acknowledging it (default false: the
   * database's own durability, such as {@code RocksOptions.syncWrites}).
   *
   * @return true if this write is synced
   */
  public boolean sync() {
    return sync;
  }

  /**
   * The write's request id, which makes retrying it apply it once; {@code null} (the default)
   * for none.
   *
   * @return the request id, or {@code null}
   */
  public RequestId request() {
    return request;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof WriteOptions)) {
      return false;
    }
    WriteOptions w = (WriteOptions) o;
    return sync == w.sync && Objects.equals(request, w.request);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sync, request);
  }

  @Override
  public String toString() {
    return "WriteOptions[sync=" + sync + ", request=" + request + "]";
  }

  /** Builds {@link WriteOptions}; each setter documents its option on {@link WriteOptions}. */
  public static final class Builder {
    private boolean sync = false;
    private RequestId request = null;

    private Builder() {}

    /**
     * See {@link WriteOptions#sync()}.
     *
     * @param value whether the write is flushed to disk (fsync) before it returns
     * @return this builder
     */
    public Builder sync(boolean value) {
      this.sync = value;
      return this;
    }

    /**
     * See {@link WriteOptions#request()}.
     *
     * @param value names the write so that retrying it applies it once; {@code null} for none
     * @return this builder
     */
    public Builder request(RequestId value) {
      this.request = value;
      return this;
    }

    /**
     * The options set so far.
     *
     * @return the options
     */
    public WriteOptions build() {
      return new WriteOptions(this);
    }
  }
}
