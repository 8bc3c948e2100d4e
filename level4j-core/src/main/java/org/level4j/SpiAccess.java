package org.level4j;

import org.level4j.spi.Databases;
import org.level4j.spi.Engine;
import org.level4j.spi.EntryDecoder;

/**
 * What {@link Databases} does, done where the core's package-private classes are visible. Java
 * has no friend packages: {@link Databases} finds these methods once by a private lookup (see
 * there). Not for anything else.
 */
final class SpiAccess {
  private SpiAccess() {}

  static Database open(Engine engine) {
    return new Root(engine);
  }

  /** Makes {@code face} what {@code database}'s levels answer to {@link Level#database()}. */
  static void forward(Database database, Database face) {
    if (!(database instanceof Root)) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "ForwardingDatabase wraps a database from Databases.open(engine)");
    }
    ((Root) database).face(face);
  }

  static Engine engine(Database database) {
    View<?, ?> v = View.unwrap(database);
    if (!(v instanceof Root)) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "only a database opened over an engine (Databases.open) can be seen as one");
    }
    return ((Root) v).engineView();
  }

  /**
   * An iterator of {@code database}'s stored entries that {@code decoder} turns into what it
   * yields, through the same cursor as {@code database.bytes()}'s iterators.
   */
  static LevelIterator<byte[], Object> iterator(Database database, Range<byte[]> range,
      Snapshot snapshot, boolean keys, boolean values, EntryDecoder<Object> decoder) {
    View<?, ?> v = View.unwrap(database);
    if (!(v instanceof Root root)) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "only a database opened over an engine (Databases.open) can decode its own entries");
    }
    @SuppressWarnings("unchecked")
    View<byte[], byte[]> bytes = (View<byte[], byte[]>) root.bytes();
    if (decoder == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "decoder must not be null");
    }
    return root.openCursor(bytes, bytes.encodeRange(range), keys, values, snapshot, decoder);
  }
}
