package org.level4j.rave;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.level4j.conformance.ConformanceSuite;

/** The conformance suite against RaveLevel in the process that leads (opens RocksDB itself). */
class RaveLeaderConformanceTest {
  @TestFactory
  Stream<DynamicNode> conformance() throws Exception {
    Path base = Files.createTempDirectory("level4j-rave-leader");
    int[] n = {0};
    return ConformanceSuite.all(() -> RaveLevel.open(base.resolve("db" + n[0]++)));
  }
}
