package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;

/** Conditional batches as compare-and-set: checked and applied as one step. */
class ConditionalBatchRaceTest {
  @TempDir
  Path dir;

  @Test
  void compareAndSetIncrementsFromManyThreadsLoseNoUpdate() throws Exception {
    int threads = 4;
    int perThread = 250;
    AtomicInteger conflicts = new AtomicInteger();
    try (Database db = RocksLevel.open(dir)) {
      db.put("counter", "0");
      ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          done.add(pool.submit(() -> {
            for (int i = 0; i < perThread; i++) {
              while (true) {
                String seen = db.get("counter");
                try {
                  db.batch(List.of(Op.expect("counter", seen),
                      Op.put("counter", Integer.toString(Integer.parseInt(seen) + 1))));
                  break;
                } catch (LevelException e) {
                  assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_CONFLICT);
                  conflicts.incrementAndGet();
                }
              }
            }
            return null;
          }));
        }
        // Plain writes to other keys run alongside and must neither block forever nor interfere.
        done.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            db.put("other" + (i % 10), Integer.toString(i));
          }
          return null;
        }));
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(db.get("counter")).isEqualTo(Integer.toString(threads * perThread));
    }
  }

  @Test
  void failedPreconditionWritesNothingAndNamesTheKey() {
    try (Database db = RocksLevel.open(dir)) {
      db.put("a", "1");
      assertThatThrownBy(() -> db.batch(List.of(Op.put("b", "2"), Op.expect("a", "9"))))
          .isInstanceOfSatisfying(LevelException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_CONFLICT))
          .hasMessageContaining("\"a\"");
      assertThatThrownBy(() -> db.batch(List.of(Op.put("b", "2"), Op.expectAbsent("a"))))
          .isInstanceOf(LevelException.class);
      assertThat(db.get("b")).isNull();
      db.batch(List.of(Op.expectAbsent("b"), Op.expect("a", "1"), Op.put("b", "2")));
      assertThat(db.get("b")).isEqualTo("2");
    }
  }
}
