package org.level4j.net;

import org.level4j.Database;
import org.level4j.Registration;
import org.level4j.spi.Databases;
import org.level4j.spi.ForwardingDatabase;

/**
 * A database whose data lives in a {@link Host} (level4j's, or a Node {@code many-level} host),
 * reached over a {@link Connection}. It has the whole {@link Database} API, sync and async;
 * many operations may be in flight at once on its one connection.
 *
 * <pre>{@code
 * try (Guest db = Guest.connect(Connector.unix(Path.of("data/db.sock")))) {
 *   db.put("greeting", "hello");
 *   db.async().get("greeting").thenAccept(System.out::println);
 * }
 * }</pre>
 *
 * <p>What it {@link #supports()}: iterators read from an implicit snapshot and can seek; there are
 * no sync writes; permanence is what {@link GuestOptions#permanence} declares. Explicit snapshots
 * work when the host is a level4j host whose database has them: the host holds each one for this
 * guest's connection, so after a reconnect, reads with a snapshot taken before fail with {@code
 * LEVEL_SNAPSHOT_NOT_OPEN} (never reading newer data); many-level has no explicit snapshots, so a
 * guest of a Node host has none. Conditional batches and request ids ({@link
 * org.level4j.RequestId}) work when the host is a level4j host whose database has them (the guest
 * learns that on connecting); against a Node host they fail with {@code LEVEL_NOT_SUPPORTED}.
 * Each conditional batch carries a request id of the guest's own, so with retry on, a batch
 * re-sent after a lost connection is applied once.
 *
 * <p>{@link #checkpoint} asks a level4j host to write a copy of its database (see {@link
 * org.level4j.Checkpointable}); the host decides whether this guest may.
 *
 * <p>What a guest holds for its host is bounded, so that a host that stops reading, reads but
 * never answers, or is gone while the guest retries cannot fill the heap: at most 8 MiB of
 * requests not yet written, and requests not yet answered weighing at most 64 MiB (their
 * messages, plus 64 bytes each, so at most about a million of them). A caller whose request goes
 * over waits, in the async API too, until the host reads or answers, the guest closes or fails
 * them, or the thread is interrupted (the request is sent all the same); one request larger
 * than the bound goes through alone. The thread that reads answers (and runs the callbacks of
 * futures completed as they are read) never waits.
 *
 * <p>When the connection ends, pending and later operations fail with
 * {@code LEVEL_CONNECTION_LOST} until the guest is closed, unless {@link GuestOptions#retry} is
 * on. Closing fails pending operations with {@code LEVEL_DATABASE_NOT_OPEN}; {@link #open()}
 * connects again.
 */
public final class Guest extends ForwardingDatabase implements org.level4j.Checkpointable {
  private final GuestEngine engine;

  private Guest(GuestEngine engine) {
    super(Databases.open(engine));
    this.engine = engine;
  }

  /**
   * Connects through {@code connector} with default options (no retry).
   *
   * @param connector makes the connection
   * @return the connected guest, a {@link org.level4j.Database}
   */
  public static Guest connect(Connector connector) {
    return connect(connector, GuestOptions.defaults());
  }

  /**
   * Connects through {@code connector} now (this may block as long as the connector does).
   *
   * @param connector makes the connection (and each reconnection, with retry)
   * @param options retry, frame size limit, open timeout
   * @throws org.level4j.LevelException {@code LEVEL_DATABASE_NOT_OPENED} if the connector fails
   * @return the connected guest, a {@link org.level4j.Database}
   */
  public static Guest connect(Connector connector, GuestOptions options) {
    return new Guest(new GuestEngine(connector, options));
  }

  /**
   * Whether a connection to the host is up right now.
   *
   * @return true if connected now
   */
  public boolean isConnected() {
    return engine.isConnected();
  }

  /** Its engine, for tests of this package. */
  GuestEngine engine() {
    return engine;
  }

  /**
   * Calls {@code listener} whenever a connection is made or ends (the first connection was made
   * before this guest was returned: see {@link #isConnected()}).
   *
   * @param listener told of each connection and disconnection
   * @return close it to stop listening
   */
  public Registration onConnectionChange(ConnectionListener listener) {
    return engine.addListener(listener);
  }

  /**
   * Asks the host to write a consistent copy of its database to the new directory {@code dest}
   * and waits until it has. The host makes it where its own process sees {@code dest}, and only
   * for a guest it allows to: by default one in its own process or connected over a Unix socket
   * as the host's own user (see {@link HostOptions#checkpointsFromAnyGuest}).
   *
   * @param dest an absolute path that does not exist yet on the host's machine
   * @throws org.level4j.LevelException {@code LEVEL_INVALID_ARGUMENT} if {@code dest} is not
   *     absolute or exists, {@code LEVEL_NOT_SUPPORTED} if the host cannot make checkpoints (a
   *     Node host, or a database without them) or does not allow this guest to, {@code
   *     LEVEL_IO_ERROR} if the copy could not be written
   */
  @Override
  public void checkpoint(java.nio.file.Path dest) {
    engine.checkpoint(dest);
  }
}
