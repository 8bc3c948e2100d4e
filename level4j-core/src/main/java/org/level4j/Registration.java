package org.level4j;

/** Handle of a listener or hook; {@link #close()} removes it. Closing twice is harmless. */
@FunctionalInterface
public interface Registration extends AutoCloseable {
  @Override
  void close();
}
