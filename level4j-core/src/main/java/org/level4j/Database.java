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
}
