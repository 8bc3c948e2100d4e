package org.level4j;

/**
 * The reason a {@link LevelException} was thrown. Names match abstract-level's error codes, so a
 * code received from a Node peer over the wire maps to the same constant.
 */
public enum ErrorCode {
  /** The database (or the database a sublevel belongs to) is not open. */
  LEVEL_DATABASE_NOT_OPEN,
  /** The database could not be opened; the cause says why. */
  LEVEL_DATABASE_NOT_OPENED,
  /** The database could not be closed cleanly. */
  LEVEL_DATABASE_NOT_CLOSED,
  /** Another process (or another open handle in this one) holds the directory's lock. */
  LEVEL_LOCKED,
  /** The directory exists and {@code errorIfExists} was set. */
  LEVEL_DATABASE_EXISTS,
  /** The directory does not exist and {@code createIfMissing} was off. */
  LEVEL_DATABASE_MISSING,
  /** The iterator was closed, or its database was. */
  LEVEL_ITERATOR_NOT_OPEN,
  /** A seek or next was called while another one on the same iterator was still running. */
  LEVEL_ITERATOR_BUSY,
  /** A chained {@link Batch} was used after its write, its close, or its database's close. */
  LEVEL_BATCH_NOT_OPEN,
  /** A key was null or could not be encoded. */
  LEVEL_INVALID_KEY,
  /** A value was null or could not be encoded. */
  LEVEL_INVALID_VALUE,
  /** A sublevel name has a character abstract-level does not allow in a prefix. */
  LEVEL_INVALID_PREFIX,
  /** Some other argument was wrong (a range, a limit, a codec, a batch operation). */
  LEVEL_INVALID_ARGUMENT,
  /** Stored bytes could not be decoded by the codec in use. */
  LEVEL_DECODE_ERROR,
  /** Stored bytes could not be produced by the codec in use. */
  LEVEL_ENCODE_ERROR,
  /** The database only accepts reads. */
  LEVEL_READONLY,
  /** This implementation cannot do what was asked; see {@link Level#supports()}. */
  LEVEL_NOT_SUPPORTED,
  /** A snapshot was used after it was closed. */
  LEVEL_SNAPSHOT_NOT_OPEN,
  /** The connection to a remote host ended and the operation was not retried. */
  LEVEL_CONNECTION_LOST,
  /** A conditional batch found a key whose value was not the one expected. */
  LEVEL_CONFLICT,
  /** A pre-write hook (host side or local) rejected the operation. */
  LEVEL_HOOK_ERROR,
  /** A remote peer reported an error without a code level4j knows. */
  LEVEL_REMOTE_ERROR,
  /** Stored data is damaged. */
  LEVEL_CORRUPTION,
  /** The storage engine failed (I/O error, disk full, ...); the cause has the engine's own words. */
  LEVEL_IO_ERROR,
  /** A peer broke the wire protocol. */
  LEVEL_PROTOCOL_ERROR,
  /**
   * A host refused a request because the connection holds as much as the host allows it (open
   * iterators, requests in flight); the message names the limit. The connection stays usable:
   * close iterators or wait for answers, then ask again. Also: a write larger than the store
   * takes in one atomic step (an etcd cluster's request size or operations per transaction);
   * nothing of it was written, and the message names the limit and how to raise it.
   */
  LEVEL_LIMIT_EXCEEDED;

  /**
   * The code named {@code name}, or {@link #LEVEL_REMOTE_ERROR} if the name is not one of ours
   * (as when a Node peer reports an error of its own).
   *
   * @param name a code's name, as sent over the wire
   * @return the code of that name, or {@link #LEVEL_REMOTE_ERROR}
   */
  public static ErrorCode fromName(String name) {
    if (name != null && name.startsWith("LEVEL_")) {
      try {
        return valueOf(name);
      } catch (IllegalArgumentException unknown) {
        // fall through
      }
    }
    return LEVEL_REMOTE_ERROR;
  }
}
