package org.level4j;

/**
 * Options of one write. {@link #SYNC} asks the engine to make the write durable (fsync) before it
 * is acknowledged, which survives a machine crash, not only a process crash. A {@link RequestId}
 * makes the write safe to retry: it is applied at most once.
 *
 * @param sync flush to stable storage before acknowledging
 * @param request the write's request id, or null
 */
public record WriteOptions(boolean sync, RequestId request) {
  /** The database's default durability. */
  public static final WriteOptions DEFAULT = new WriteOptions(false);
  /** Flush to stable storage before acknowledging. */
  public static final WriteOptions SYNC = new WriteOptions(true);

  /**
   * Options without a request id.
   *
   * @param sync whether the write is flushed to disk (fsync) before it returns
   */
  public WriteOptions(boolean sync) {
    this(sync, null);
  }

  /**
   * These options with {@code request} as the write's request id.
   *
   * @param request names the write so that retrying it applies it once
   * @return new options; these are unchanged
   */
  public WriteOptions withRequest(RequestId request) {
    return new WriteOptions(sync, request);
  }
}
