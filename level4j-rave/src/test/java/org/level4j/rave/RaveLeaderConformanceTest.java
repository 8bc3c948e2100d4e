package org.level4j.rave;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.level4j.Database;
import org.level4j.conformance.ConformanceSuite;
import org.level4j.conformance.LevelFactory;
import org.level4j.conformance.ScratchDirectory;

/** The conformance suite against RaveLevel in the process that leads (opens RocksDB itself). */
class RaveLeaderConformanceTest {
  @TestFactory
  Stream<DynamicNode> conformance() throws Exception {
    ScratchDirectory base = ScratchDirectory.create("level4j-rave-leader");
    int[] n = {0};
    return ConformanceSuite.all(new LevelFactory() {
      @Override
      public Database open() {
        return RaveLevel.open(base.resolve("db" + n[0]++));
      }

      @Override
      public void cleanup() {
        base.close();
      }
    }, RaveFollowerConformanceTest.RAVE);
  }
}
