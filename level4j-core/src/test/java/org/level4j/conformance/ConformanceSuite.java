package org.level4j.conformance;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;

/**
 * The one test suite every level4j implementation runs. An engine module has a single test class:
 *
 * <pre>{@code
 * class RocksConformanceTest {
 *   @TestFactory
 *   Stream<DynamicNode> conformance() {
 *     return ConformanceSuite.all(() -> RocksLevel.open(tempDir()));
 *   }
 * }
 * }</pre>
 */
public final class ConformanceSuite {
  private ConformanceSuite() {}

  /** Every conformance test, grouped by feature, against databases from {@code factory}. */
  public static Stream<DynamicNode> all(LevelFactory factory) {
    return Stream.empty();
  }
}
