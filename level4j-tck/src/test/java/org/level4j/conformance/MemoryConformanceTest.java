package org.level4j.conformance;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.level4j.MemoryLevel;

/** The memory engine passes the conformance suite. */
class MemoryConformanceTest {
  @TestFactory
  Stream<DynamicNode> conformance() {
    return ConformanceSuite.all(MemoryLevel::open,
        ConformanceSuite.supportsAllBut("permanence", "syncWrites", "changeFeed"));
  }
}
