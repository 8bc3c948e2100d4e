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

  /** Options without a request id. */
  public WriteOptions(boolean sync) {
    this(sync, null);
  }

  /** These options with {@code request} as the write's request id. */
  public WriteOptions withRequest(RequestId request) {
    return new WriteOptions(sync, request);
  }
}
