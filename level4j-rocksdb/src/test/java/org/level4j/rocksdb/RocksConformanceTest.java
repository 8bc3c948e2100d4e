package org.level4j.rocksdb;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.conformance.ConformanceSuite;
import org.level4j.conformance.LevelFactory;

/** The shared conformance suite, each database in a fresh directory. */
class RocksConformanceTest {
  @TempDir
  static Path root;

  @TestFactory
  Stream<DynamicNode> conformance() {
    AtomicInteger n = new AtomicInteger();
    LevelFactory factory = new LevelFactory() {
      @Override
      public Database open() {
        return RocksLevel.open(root.resolve("db" + n.incrementAndGet()));
      }
    };
    return ConformanceSuite.all(factory);
  }
}
