package org.level4j.net;

/** The protocol was broken: the connection that carried it cannot be trusted any further. */
final class Malformed extends RuntimeException {
  private static final long serialVersionUID = 1L;

  Malformed(String message) {
    super(message, null, false, false);
  }
}
