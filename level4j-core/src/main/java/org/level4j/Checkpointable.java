package org.level4j;

import java.nio.file.Path;

/**
 * A database that can write a consistent copy of itself, as it is at one moment, to a new
 * directory while it stays open for reads and writes: {@code RocksDatabase} (what {@code
 * RocksLevel.open} returns), {@code RaveLevel} in every process (its leader makes the copy,
 * whichever process asks), and a {@code Guest} of a level4j host whose database is one of these
 * (the host makes the copy). Open the copy as a database of its own, with {@code RocksLevel.open}.
 * A {@code Host} whose database is {@code Checkpointable} makes checkpoints for the guests it
 * allows to (see {@code HostOptions.checkpointsFromAnyGuest}).
 */
public interface Checkpointable {
  /**
   * Writes the copy to {@code dest}, which must not exist yet; its parent is created if needed.
   * Returns once the copy is complete; a failed checkpoint leaves nothing at {@code dest}.
   *
   * @param dest the new directory, as the process that makes the copy sees it
   * @throws LevelException {@link ErrorCode#LEVEL_INVALID_ARGUMENT} if {@code dest} exists (or is
   *     not absolute, for a guest), {@link ErrorCode#LEVEL_NOT_SUPPORTED} if the database behind
   *     cannot make one or does not allow this caller to, {@link ErrorCode#LEVEL_IO_ERROR} if the
   *     copy could not be written
   */
  void checkpoint(Path dest);
}
