package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.child.ChildProcess;

/**
 * RocksDB's LOCK held by another process: a leader-to-be takes it once that process lets go or
 * dies, and gives up on a process that keeps it.
 */
class LockGuardTest {
  private static final long PATIENT = TimeUnit.SECONDS.toNanos(60);

  @TempDir Path dir;

  private ChildProcess holder() throws Exception {
    ChildProcess holder = ChildProcess.java(HoldLock.class, dir.resolve(LockGuard.FILE).toString());
    holder.await("LOCKED");
    return holder;
  }

  private CompletableFuture<LockGuard> takeSoon() {
    CompletableFuture<LockGuard> taken = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        taken.complete(LockGuard.take(dir, PATIENT));
      } catch (RuntimeException e) {
        taken.completeExceptionally(e);
      }
    }, "take-lock");
    t.setDaemon(true);
    t.start();
    return taken;
  }

  /** Whether another process can lock the file now. */
  private boolean anotherProcessCanLock() throws Exception {
    try (ChildProcess probe = ChildProcess.java(HoldLock.class,
        dir.resolve(LockGuard.FILE).toString(), "try")) {
      return probe.await(line -> line.equals("LOCKED") || line.equals("HELD"), 30_000)
          .equals("LOCKED");
    }
  }

  @Test
  void aLockHeldByAProcessThatDiesIsTakenWhenItDies() throws Exception {
    try (ChildProcess holder = holder()) {
      CompletableFuture<LockGuard> taken = takeSoon();
      assertThatThrownBy(() -> taken.get(300, TimeUnit.MILLISECONDS))
          .as("the take waits while the other process holds the lock")
          .isInstanceOf(TimeoutException.class);
      holder.process().destroyForcibly(); // SIGKILL, as a leader dies
      holder.process().waitFor();
      try (LockGuard guard = taken.get(30, TimeUnit.SECONDS)) {
        assertThat(guard).isNotNull();
        assertThat(anotherProcessCanLock()).as("another process, while this one holds LOCK")
            .isFalse();
      }
      assertThat(anotherProcessCanLock()).as("another process, once the guard is closed")
          .isTrue();
    }
  }

  @Test
  void aLockReleasedByItsHolderIsTaken() throws Exception {
    try (ChildProcess holder = holder()) {
      CompletableFuture<LockGuard> taken = takeSoon();
      holder.closeInput(); // it unlocks and exits
      try (LockGuard guard = taken.get(30, TimeUnit.SECONDS)) {
        assertThat(guard).isNotNull();
      }
    }
  }

  @Test
  void aLockHeldPastTheDeadlineIsNotTakenAndLaterTakesStillWork() throws Exception {
    try (ChildProcess holder = holder()) {
      assertThat(LockGuard.take(dir, TimeUnit.MILLISECONDS.toNanos(200))).isNull();
      assertThat(LockGuard.take(dir, 0)).as("without waiting").isNull();
      holder.closeInput();
      holder.waitFor();
    }
    try (LockGuard guard = LockGuard.take(dir, PATIENT)) {
      assertThat(guard).isNotNull();
    }
  }

  @Test
  void raveLevelRefusesADirectoryThatAProcessOutsideTheElectionHolds() throws Exception {
    try (ChildProcess holder = holder()) {
      RaveOptions brief = RaveOptions.builder().giveUpAfter(Duration.ofSeconds(10)).build();
      assertThatThrownBy(() -> RaveLevel.open(dir, brief).close())
          .isInstanceOfSatisfying(LevelException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_LOCKED);
            assertThat(e.getMessage()).contains("does not take part in leader election");
          });
    }
    RaveLevel.open(dir).close(); // once that process is gone, the directory opens
  }
}
