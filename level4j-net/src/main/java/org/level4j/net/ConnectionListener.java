package org.level4j.net;

import org.level4j.LevelException;

/**
 * Hears when a {@link Guest} gains or loses its connection to the host; see
 * {@link Guest#onConnectionChange}. Called on the guest's reader thread (or the thread that
 * closes the guest): return quickly and do not wait for the guest's operations here.
 */
public interface ConnectionListener {
  /** A connection was made (after a reconnect, pending operations have been re-sent). */
  default void connected() {}

  /**
   * The connection ended. {@code reason} says why: {@code LEVEL_CONNECTION_LOST} when the
   * connection broke, {@code LEVEL_DATABASE_NOT_OPEN} when the guest was closed. In retry mode a
   * reconnect follows unless the guest was closed.
   */
  default void disconnected(LevelException reason) {}
}
