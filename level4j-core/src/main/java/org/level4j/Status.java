package org.level4j;

/** Where a database is in its lifecycle. */
public enum Status {
  /** {@code open()} is running; until it returns, operations fail as when closed. */
  OPENING,
  /** Open: operations run. */
  OPEN,
  /** {@code close()} is running: new operations fail, those in progress finish first. */
  CLOSING,
  /** Closed, or never opened: operations fail with {@link ErrorCode#LEVEL_DATABASE_NOT_OPEN}. */
  CLOSED
}
