package org.level4j.net;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.level4j.Database;
import org.level4j.MemoryLevel;
import org.level4j.rocksdb.RocksLevel;

/**
 * abstract-level's own test suite through npm many-level guests: against a level4j host over a
 * memory database and over a RocksDB database, and, as the baseline, against npm's own many-level
 * host over memory-level. All three run side by side ({@link AbstractLevelSuite}); the RaveLevel
 * leader and follower run in level4j-rave's {@code RaveAbstractLevelSuiteTest}.
 */
class AbstractLevelSuiteTest {
  private static Path base;
  private static FactoryHost memoryHost;
  private static FactoryHost rocksHost;
  private static AbstractLevelSuite.Run baseline;
  private static AbstractLevelSuite.Run memory;
  private static AbstractLevelSuite.Run rocks;

  @BeforeAll
  static void runTheSuiteAgainstEveryTarget() throws Exception {
    base = FactoryHost.tempDirectory("level4j-abstract-suite");
    Map<Path, Database> memories = new ConcurrentHashMap<>();
    memoryHost = FactoryHost.start(base.resolve("memory"), dir -> {
      Database db = memories.computeIfAbsent(dir, d -> MemoryLevel.open());
      db.open(); // again, after its last guest left: a memory database keeps its data
      return db;
    });
    rocksHost = FactoryHost.start(base.resolve("rocks"), RocksLevel::open);
    baseline = AbstractLevelSuite.startBaseline();
    memory = AbstractLevelSuite.start("a level4j host over a memory database", memoryHost);
    rocks = AbstractLevelSuite.start("a level4j host over a RocksDB database", rocksHost);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AbstractLevelSuite.Run r : new AbstractLevelSuite.Run[] {baseline, memory, rocks}) {
      if (r != null) {
        r.close();
      }
    }
    for (FactoryHost h : new FactoryHost[] {memoryHost, rocksHost}) {
      if (h != null) {
        h.close();
      }
    }
    FactoryHost.delete(base);
  }

  @Test
  void npmsOwnHostOverMemoryLevelPassesEveryTest() {
    AbstractLevelSuite.assertPassed(baseline);
  }

  @Test
  void aLevel4jHostOverAMemoryDatabasePassesEveryTest() {
    AbstractLevelSuite.assertPassed(memory);
  }

  @Test
  void aLevel4jHostOverARocksDbDatabasePassesEveryTest() {
    AbstractLevelSuite.assertPassed(rocks);
  }
}
