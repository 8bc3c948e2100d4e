package org.level4j;

import java.util.function.Consumer;

/**
 * An open database: the root {@link Level}, with {@code String} keys and values (UTF-8) by
 * default. Use {@link #with} for other types and {@link #sublevel} for sections.
 *
 * <pre>{@code
 * try (Database db = RocksLevel.open(Path.of("data"))) {
 *   db.put("greeting", "hello");
 *   Level<String, User> users = db.sublevel("users", Codecs.UTF8, Codecs.json(User.class));
 * }
 * }</pre>
 *
 * <p>Lifecycle: {@link Status#OPENING} → {@link Status#OPEN} → {@link Status#CLOSING} →
 * {@link Status#CLOSED}. Closing waits for operations in progress, closes iterators and
 * snapshots, then the engine; later calls fail with {@link ErrorCode#LEVEL_DATABASE_NOT_OPEN}.
 * Closing twice is harmless. {@link #open()} reopens a closed database where the engine allows.
 */
public interface Database extends Level<String, String>, AutoCloseable {
  /** Opens the database again after {@link #close()}; does nothing if it is open. */
  void open();

  @Override
  void close();

  /**
   * Calls {@code listener} with each new {@link Status} this database enters from now on
   * (abstract-level's {@code opening}, {@code open}, {@code closing} and {@code closed} events), in
   * the thread that opens or closes it.
   *
   * @param listener called with each new status
   * @return close it to remove the listener
   */
  Registration onStatus(Consumer<Status> listener);

  /**
   * This database seen as raw bytes.
   *
   * @return a view of this database with byte-array keys and values
   */
  Level<byte[], byte[]> bytes();

  /**
   * The revision of the last write this database has applied, by any process, as its change feed
   * counts them: {@code changes(range, revision() + 1, listener)} delivers exactly the writes
   * that come after this call.
   *
   * @return the current revision
   * @throws LevelException {@link ErrorCode#LEVEL_NOT_SUPPORTED} if {@link
   *     Supports#changeFeed()} is false, {@link ErrorCode#LEVEL_DATABASE_NOT_OPEN} if closed
   */
  long revision();

  /**
   * Delivers to {@code listener} every write to {@code range} (puts, dels, batches, clears), by
   * any process or connection, from {@code fromRevision} on, in revision order, each exactly
   * once, on a thread of the feed's own. The feed survives what its engine survives: an etcd
   * member's death, a RaveLevel leader's (a follower's feed goes on from the new leader), a
   * guest's reconnection; it resumes from one past the last change it delivered.
   *
   * <pre>{@code
   * try (ChangeFeed feed = db.changes(Range.all(), db.revision() + 1,
   *     change -> System.out.println(change.revision() + " " + change.ops()))) {
   *   ...
   * }
   * }</pre>
   *
   * <p>A feed can only go on from a revision the engine still keeps (an etcd cluster until it
   * compacts; RocksDB while its write-ahead log is retained, see {@code RocksOptions.walTtl}):
   * otherwise it ends with {@link ChangeListener#onError} and {@link
   * ErrorCode#LEVEL_SNAPSHOT_NOT_OPEN}, never skipping writes silently. Closing the database
   * closes the feeds opened through it.
   *
   * @param range the raw keys to watch (a sublevel's range is its prefix's); direction and limit
   *     are ignored
   * @param fromRevision the first revision to deliver; 0 or less for writes from now on
   * @param listener receives each change
   * @return the feed; close it to stop
   * @throws LevelException {@link ErrorCode#LEVEL_NOT_SUPPORTED} if {@link
   *     Supports#changeFeed()} is false, {@link ErrorCode#LEVEL_DATABASE_NOT_OPEN} if closed
   */
  ChangeFeed changes(Range<byte[]> range, long fromRevision, ChangeListener listener);
}
