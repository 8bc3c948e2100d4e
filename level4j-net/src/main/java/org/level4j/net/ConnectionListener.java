package org.level4j.net;

import org.level4j.LevelException;

/**
 * Hears when a {@link Guest} gains or loses its connection to the host; see
 * {@link Guest#onConnectionChange}. Called on a thread of the guest's (the one reading the
 * connection, or the one closing the guest): return quickly and do not wait for the guest's
 * operations here.
 */
public interface ConnectionListener {
  /**
   * A connection was made and the host answered on it (after a reconnect, pending operations
   * have been re-sent).
   */
  default void connected() {}

  /**
   * The connection ended. {@code reason} says why: {@code LEVEL_CONNECTION_LOST} when the
   * connection broke, {@code LEVEL_DATABASE_NOT_OPEN} when the guest was closed. In retry mode a
   * reconnect follows unless the guest was closed.
   *
   * @param reason why the connection ended
   */
  default void disconnected(LevelException reason) {}
}
