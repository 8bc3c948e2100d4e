package org.level4j.rave;

import org.level4j.child.ChildProcess;

/** The {@code ACK n} lines a writer prints once its write n is acknowledged. */
final class Acks {
  private Acks() {}

  /** The n of an {@code ACK n} line. */
  static long of(String line) {
    return Long.parseLong(line.substring(4).trim());
  }

  /** The highest n of the {@code ACK n} lines {@code writer} printed so far, or -1 if none. */
  static long last(ChildProcess writer) {
    long last = -1;
    for (String l : writer.lines()) {
      if (l.startsWith("ACK ")) {
        last = Math.max(last, of(l));
      }
    }
    return last;
  }
}
