package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;

/**
 * Asynchronous writes on RocksDB are held back briefly to be written in groups (WriteQueue); a
 * user must not be able to tell but by speed: what a thread wrote asynchronously, it reads back
 * at once, later writes land after it, nothing is lost at close, and futures nobody waits for
 * still complete.
 */
class AsyncWritesTest {
  @TempDir
  Path dir;

  /**
   * A database whose held writes wait 10 s for the timer: only a wait, a read, another write or
   * close writes them, so a test sees whether each of those does.
   */
  private static RocksDatabase openHolding(Path dir) {
    RocksEngine engine = new RocksEngine(dir, RocksOptions.defaults(), 10_000_000_000L);
    return new RocksDatabase(org.level4j.spi.Databases.open(engine), engine);
  }

  /**
   * Makes the calling thread one that waits for its writes, whose later bursts are held (a thread
   * that never waits has each write written at once).
   */
  private static void waitOnce(Database db) {
    db.async().del("~").join();
  }

  private static String key(int i) {
    return String.format("k%05d", i);
  }

  @Test
  void aThreadReadsBackItsAsyncWritesWithoutWaitingForThem() {
    try (Database db = openHolding(dir)) {
      waitOnce(db);
      for (int i = 0; i < 300; i++) {
        db.async().put(key(i), "v" + i);
      }
      for (int i = 0; i < 300; i++) {
        assertThat(db.get(key(i))).as(key(i)).isEqualTo("v" + i);
      }
      db.async().del(key(7));
      assertThat(db.iterator().all()).hasSize(299);
      db.async().put(key(7), "again");
      assertThat(db.keys(org.level4j.Range.all()).all()).hasSize(300);
    }
  }

  @Test
  void aSynchronousWriteLandsAfterTheAsyncWritesBeforeIt() {
    try (Database db = openHolding(dir)) {
      waitOnce(db);
      for (int round = 0; round < 50; round++) {
        db.async().put("k", "async " + round);
        db.async().put("k", "async again " + round);
        db.put("k", "sync " + round);
        assertThat(db.get("k")).isEqualTo("sync " + round);
        db.async().put("k", "async last " + round);
        assertThat(db.get("k")).isEqualTo("async last " + round);
      }
    }
  }

  @Test
  void futuresNobodyWaitsForComplete() throws Exception {
    try (Database db = RocksLevel.open(dir)) {
      waitOnce(db);
      CountDownLatch done = new CountDownLatch(100);
      for (int i = 0; i < 100; i++) {
        db.async().put(key(i), "v").thenRun(done::countDown);
      }
      // no join, no get, no other call on the database: the timer writes them
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void waitingForAllOfThemThroughAnotherFutureCompletes() {
    try (Database db = RocksLevel.open(dir)) {
      waitOnce(db);
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        all.add(db.async().put(key(i), "v"));
      }
      CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).orTimeout(10,
          TimeUnit.SECONDS).join();
      assertThat(db.keys(org.level4j.Range.all()).all()).hasSize(100);
    }
  }

  @Test
  void closeWritesWhatNobodyWaitedFor() {
    try (Database db = openHolding(dir)) {
      waitOnce(db);
      for (int i = 0; i < 500; i++) {
        db.async().put(key(i), "v" + i);
      }
    }
    try (Database db = RocksLevel.open(dir)) {
      assertThat(db.keys(org.level4j.Range.all()).all()).hasSize(500);
      assertThat(db.get(key(499))).isEqualTo("v499");
    }
  }

  @Test
  void aCheckpointHoldsTheAsyncWritesMadeBeforeIt() {
    Path copy = dir.resolve("copy");
    try (RocksDatabase db = openHolding(dir.resolve("db"))) {
      waitOnce(db);
      for (int i = 0; i < 50; i++) {
        db.async().put(key(i), "v");
      }
      db.checkpoint(copy);
    }
    try (Database db = RocksLevel.open(copy)) {
      assertThat(db.keys(org.level4j.Range.all()).all()).hasSize(50);
    }
  }

  @Test
  void asyncWritesFromManyThreadsAllLand() throws Exception {
    int threads = 4;
    int each = 3000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (Database db = openHolding(dir)) {
      waitOnce(db);
      List<Future<?>> jobs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t * each;
        jobs.add(pool.submit(() -> {
          List<CompletableFuture<Void>> window = new ArrayList<>();
          for (int i = first; i < first + each; i++) {
            window.add(db.async().put(key(i), "v" + i));
            if (window.size() == 64) {
              window.forEach(CompletableFuture::join);
              window.clear();
            }
          }
          window.forEach(CompletableFuture::join);
          return null;
        }));
      }
      for (Future<?> j : jobs) {
        j.get(60, TimeUnit.SECONDS);
      }
      assertThat(db.keys(org.level4j.Range.all()).all()).hasSize(threads * each);
      assertThat(db.get(key(threads * each - 1))).isEqualTo("v" + (threads * each - 1));
    } finally {
      pool.shutdownNow();
    }
  }
}
