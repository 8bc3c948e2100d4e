package org.level4j.net;

import java.io.IOException;
import org.level4j.LevelException;

/**
 * One connection of a guest to its host, its outbox, and who reads it: the holder of its reading
 * turn (see {@link GuestEngine}). A guest replaces its link when the connection is lost (retry);
 * what is tied to one connection (a snapshot, its request and iterator ids) dies with it.
 */
final class GuestLink {
  final Connection connection;
  final Outbox outbox;
  final FrameReader frames; // used by the holder of the reading turn only
  final boolean callersRead; // a quiet connection: callers may read their own answers
  // guarded by the engine's lock
  Thread holder; // who reads now, or null
  long turns; // how many times a caller took the reading turn
  LevelException ended; // why the link ended, once a reader saw it end
  boolean reconnect; // made after another link ended: listeners hear of it when probed
  boolean offerLater; // a reconnect's shared memory offer, due at offerAt (System.nanoTime)
  long offerAt;

  GuestLink(Connection connection, int maxFrameBytes) {
    this.connection = connection;
    this.outbox = new Outbox(connection);
    this.frames = new FrameReader(maxFrameBytes);
    this.callersRead = connection instanceof QuietConnection;
  }

  /** Sends what was appended; a failed write closes the connection (the reader then sees it). */
  void flush() {
    try {
      outbox.flush();
    } catch (IOException e) {
      connection.close();
    }
  }

  /**
   * What a reading thread writes itself of a backlog (see {@link #flushAside}): less than a
   * fresh connection's buffers take (TCP starts with 16 KiB) without the host reading.
   */
  static final int INLINE_BYTES = 16 * 1024;

  /**
   * Sends what was appended, from the reader thread or the holder of the reading turn, which
   * must not block in a write (see {@link Outbox#flushAside}): a reconnect's re-sent requests,
   * or those that waited for the probe's answer. Written in its own thread, the host's answers
   * to them are read meanwhile; else a host blocked writing answers nobody read would never read
   * the rest.
   */
  void flushAside() {
    try {
      outbox.flushAside(INLINE_BYTES);
    } catch (IOException e) {
      connection.close();
    }
  }

  /** Flushes {@code l} if there is one. */
  static void flush(GuestLink l) {
    if (l != null) {
      l.flush();
    }
  }
}
