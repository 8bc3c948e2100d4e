package org.level4j.rocksdb;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
    return ConformanceSuite.all(new FreshDirectories(), ConformanceSuite.supportsAllBut());
  }

  /**
   * Hands out databases in new directories. Creating a RocksDB directory waits on several fsyncs,
   * which dominates this suite's time, so a few are created ahead on other threads while the
   * current case runs.
   */
  private static final class FreshDirectories implements LevelFactory {
    private static final int AHEAD = 3;
    private final AtomicInteger count = new AtomicInteger();
    private final ExecutorService opener = Executors.newFixedThreadPool(AHEAD, r -> {
      Thread t = new Thread(r, "conformance-opener");
      t.setDaemon(true);
      return t;
    });
    private final Queue<CompletableFuture<Database>> ready = new ArrayDeque<>();

    @Override
    public synchronized Database open() {
      while (ready.size() < AHEAD + 1) {
        Path dir = root.resolve("db" + count.incrementAndGet());
        ready.add(CompletableFuture.supplyAsync(() -> RocksLevel.open(dir), opener));
      }
      return ready.remove().join();
    }

    @Override
    public synchronized void cleanup() {
      for (CompletableFuture<Database> f : ready) {
        f.join().close();
      }
      ready.clear();
      opener.shutdown();
    }
  }
}
