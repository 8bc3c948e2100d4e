package org.level4j.spi;

/** An engine's explicit snapshot; released once by {@link #close()}. */
public interface EngineSnapshot {
  /** Releases the snapshot; the core calls it once. */
  void close();
}
