package org.level4j.conformance;

import org.level4j.Database;

/**
 * How the conformance suite gets databases from an implementation: each call returns a new, open,
 * empty database that the suite closes when done. {@link #cleanup()} runs after the whole suite.
 */
@FunctionalInterface
public interface LevelFactory {
  Database open() throws Exception;

  /** Frees what the factory made (temporary directories, hosts, processes). */
  default void cleanup() throws Exception {}
}
