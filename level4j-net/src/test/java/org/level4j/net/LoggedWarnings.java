package org.level4j.net;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The warnings this package logs while a test runs (through {@code java.util.logging}, where the
 * JDK's {@link System.Logger} sends them), for tests that check what an operator is told.
 */
final class LoggedWarnings extends Handler implements AutoCloseable {
  private final Logger logger = Logger.getLogger("org.level4j.net"); // held: loggers are weak
  final List<String> messages = new CopyOnWriteArrayList<>();

  LoggedWarnings() {
    logger.addHandler(this);
  }

  @Override
  public void publish(LogRecord r) {
    if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
      messages.add(r.getMessage());
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
