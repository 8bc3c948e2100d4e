package org.level4j;

/**
 * Options of one write. {@link #SYNC} asks the engine to make the write durable (fsync) before it
 * is acknowledged, which survives a machine crash, not only a process crash.
 */
public record WriteOptions(boolean sync) {
  /** The database's default durability. */
  public static final WriteOptions DEFAULT = new WriteOptions(false);
  /** Flush to stable storage before acknowledging. */
  public static final WriteOptions SYNC = new WriteOptions(true);
}
