package org.level4j.conformance;

import org.level4j.Database;

/**
 * How the conformance suite gets databases from an implementation: each call returns a new, open,
 * empty database that the suite closes when done. {@link #cleanup()} runs after the whole suite.
 */
@FunctionalInterface
public interface LevelFactory {
  /**
   * A new, open, empty database of the engine under test.
   *
   * @return the database; the suite closes it
   * @throws Exception if the engine cannot make one (the case fails)
   */
  Database open() throws Exception;

  /**
   * Frees what the factory made (temporary directories, hosts, processes).
   *
   * @throws Exception if that fails (reported as a failure of the suite)
   */
  default void cleanup() throws Exception {}
}
