package org.level4j;

/** Where a database is in its lifecycle. */
public enum Status {
  OPENING,
  OPEN,
  CLOSING,
  CLOSED
}
