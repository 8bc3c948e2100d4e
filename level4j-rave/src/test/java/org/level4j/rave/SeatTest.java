package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeatTest {
  @TempDir
  Path dir;

  @Test
  void theDirectoryIsWatchedOnlyWhileSomeoneLooksForALeader() {
    try (Seat seat = new Seat(dir)) {
      assertThat(seat.watching()).isFalse();
      seat.startWatching();
      seat.startWatching();
      assertThat(seat.watching()).isTrue();
      seat.stopWatching();
      assertThat(seat.watching()).as("one caller still looks").isTrue();
      seat.stopWatching();
      assertThat(seat.watching()).isFalse();
    }
  }

  @Test
  void aJvmThatHoldsTheLockDoesNotWatchUntilItStepsDown() throws Exception {
    try (Seat seat = new Seat(dir)) {
      seat.startWatching();
      assertThat(seat.watching()).isTrue();
      assertThat(seat.tryTake()).isTrue();
      assertThat(seat.watching()).as("its own RocksDB's files are not worth waking for").isFalse();
      seat.startWatching();
      assertThat(seat.watching()).as("a second seeker while it holds the lock").isFalse();
      long seen = seat.generation();
      seat.stepDown();
      assertThat(seat.watching()).as("both seekers still look, elsewhere now").isTrue();
      assertThat(seat.generation()).as("stepping down wakes them").isGreaterThan(seen);
      // and the watch works again: a new leader's socket wakes a waiter
      long before = seat.generation();
      Files.createFile(dir.resolve(SocketPath.NAME));
      seat.awaitChange(before, 30_000);
      assertThat(seat.generation()).isGreaterThan(before);
      seat.stopWatching();
      seat.stopWatching();
      assertThat(seat.watching()).isFalse();
    }
  }

  @Test
  void aJvmThatWinsByWaitingStopsWatchingAtItsOwnFirstFile() throws Exception {
    // The waiting thread creates STANDBY if it is not there: like any file created while this
    // JVM holds the lock, that would end the watch (on the watch thread) before the test looks.
    Files.createFile(dir.resolve(Seat.STANDBY_FILE));
    try (Seat seat = new Seat(dir)) {
      seat.startWatching();
      java.util.concurrent.CountDownLatch won = new java.util.concurrent.CountDownLatch(1);
      long seen = seat.generation();
      seat.waitForLock(new Seat.Line() {
        @Override
        public void queued() {}

        @Override
        public void standby(boolean waited) {}
      }, won::countDown, e -> { });
      assertThat(won.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(seat.held()).isTrue();
      assertThat(seat.generation()).as("winning wakes whoever waits").isGreaterThan(seen);
      assertThat(seat.watching()).as("the winner's thread leaves the watch alone").isTrue();
      // The watch is still there, so the winner's own first file reaches the watch thread: a
      // socket, the kind of file a seeker is woken for. It ends the watch and wakes nobody.
      long before = seat.generation();
      Files.createFile(dir.resolve(SocketPath.NAME));
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (seat.watching() && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertThat(seat.watching()).as("no watch while this JVM holds the lock").isFalse();
      seat.awaitChange(before, 200);
      assertThat(seat.generation()).as("its own socket wakes nobody").isEqualTo(before);
      seat.stepDown();
      assertThat(seat.watching()).as("it looks again once it steps down").isTrue();
      seat.stopWatching();
    }
  }

  @Test
  void aNewLeadersFilesWakeAWaiterAfterEveryStartOfWatching() throws Exception {
    try (Seat seat = new Seat(dir)) {
      for (String name : new String[] {SocketPath.NAME, LeaderInfo.FILE, SocketPath.NAME}) {
        Files.deleteIfExists(dir.resolve(name));
        seat.startWatching();
        long seen = seat.generation();
        Files.createFile(dir.resolve(name));
        // Woken by the event, or after 30 s without one (then the assertion fails).
        seat.awaitChange(seen, 30_000);
        assertThat(seat.generation()).as("woken by the creation of " + name).isGreaterThan(seen);
        seat.stopWatching();
      }
    }
  }

  @Test
  void onlyANewLeadersFilesAreWorthWakingFor() {
    assertThat(Seat.watched(SocketPath.NAME)).isTrue();
    assertThat(Seat.watched(LeaderInfo.FILE)).isTrue();
    for (String rocks : new String[] {"000012.log", "000013.sst", "OPTIONS-000014",
        "OPTIONS-000014.dbtmp", "MANIFEST-000005", "CURRENT", "LOCK", Seat.LOCK_FILE}) {
      assertThat(Seat.watched(rocks)).as(rocks).isFalse();
    }
  }
}
