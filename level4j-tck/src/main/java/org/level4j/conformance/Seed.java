package org.level4j.conformance;

/** The seed of a randomized test: {@code -Dlevel4j.seed=N} if given, else a new one, printed. */
public final class Seed {
  private Seed() {}

  /**
   * The seed for {@code testName}, printed with how to replay it.
   *
   * @param testName the name printed with the seed
   * @return the seed
   */
  public static long of(String testName) {
    String given = System.getProperty("level4j.seed");
    long seed = given != null ? Long.parseLong(given.trim()) : System.nanoTime();
    System.out.println(testName + ": seed " + seed + " (replay with -Dlevel4j.seed=" + seed + ")");
    return seed;
  }
}
