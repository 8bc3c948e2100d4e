package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.MemoryLevel;
import org.level4j.rocksdb.RocksDatabase;
import org.level4j.rocksdb.RocksLevel;

/**
 * The Checkpoint extension: who a host makes checkpoints for, and what it refuses. (A RaveLevel
 * follower asking its leader, in other processes, is RaveCheckpointTest.)
 */
class HostCheckpointTest {
  @TempDir Path dir;

  @Test
  void aUnixSocketGuestOfTheHostsOwnUserGetsACheckpointOfTheHostsDatabase() throws Exception {
    try (RocksDatabase db = RocksLevel.open(dir.resolve("db"));
        Host host = Host.of(db).listen(Listener.unix(dir.resolve("db.sock")));
        Guest guest = Guest.connect(Connector.unix(dir.resolve("db.sock")))) {
      guest.put("a", "1");
      Path dest = dir.resolve("copies").resolve("one");
      guest.checkpoint(dest);
      try (Database copy = RocksLevel.open(dest)) {
        assertThat(copy.get("a")).isEqualTo("1");
      }
      assertRefused(() -> guest.checkpoint(dest), ErrorCode.LEVEL_INVALID_ARGUMENT,
          "already exists");
      assertRefused(() -> guest.checkpoint(Path.of("relative")), ErrorCode.LEVEL_INVALID_ARGUMENT,
          "absolute path");
    }
  }

  @Test
  void aTcpGuestIsRefusedUnlessTheHostAllowsEveryGuest() throws Exception {
    Path dest = dir.resolve("copy");
    Listener tcp = Listener.tcp(0);
    try (RocksDatabase db = RocksLevel.open(dir.resolve("db"));
        Host host = Host.of(db).listen(tcp);
        Guest guest = Guest.connect(Connector.tcp("127.0.0.1", port(tcp)))) {
      assertRefused(() -> guest.checkpoint(dest), ErrorCode.LEVEL_NOT_SUPPORTED,
          "checkpointsFromAnyGuest");
      assertThat(dest).doesNotExist();
    }
    Listener allowing = Listener.tcp(0);
    try (RocksDatabase db = RocksLevel.open(dir.resolve("db"));
        Host host = Host.of(db, HostOptions.builder().checkpointsFromAnyGuest(true).build())
            .listen(allowing);
        Guest guest = Guest.connect(Connector.tcp("127.0.0.1", port(allowing)))) {
      guest.put("b", "2");
      guest.checkpoint(dest);
    }
    try (Database copy = RocksLevel.open(dest)) {
      assertThat(copy.get("b")).isEqualTo("2");
    }
  }

  @Test
  void aGuestOfAHostWhoseDatabaseMakesNoCheckpointsIsToldSoAtOnce() throws Exception {
    try (Database db = MemoryLevel.open();
        Host host = Host.of(db).listen(Listener.unix(dir.resolve("db.sock")));
        Guest guest = Guest.connect(Connector.unix(dir.resolve("db.sock")))) {
      assertRefused(() -> guest.checkpoint(dir.resolve("copy")), ErrorCode.LEVEL_NOT_SUPPORTED,
          "makes no checkpoints");
      assertThat(Files.exists(dir.resolve("copy"))).isFalse();
    }
  }

  @Test
  void aHostMakesOneCheckpointAtATimeQueuesABoundedNumberAndRefusesTheRestClearly()
      throws Exception {
    java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors
        .newFixedThreadPool(Host.MAX_QUEUED_CHECKPOINTS + 1);
    try (RocksDatabase db = RocksLevel.open(dir.resolve("db"));
        Host host = Host.of(db).listen(Listener.unix(dir.resolve("db.sock")));
        Guest guest = Guest.connect(Connector.unix(dir.resolve("db.sock")))) {
      guest.put("a", "1");
      // The host's checkpoint thread is busy with something that waits for the test.
      java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      host.checkpoints.execute(() -> {
        busy.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      busy.await();
      java.util.List<java.util.concurrent.Future<?>> asked = new java.util.ArrayList<>();
      for (int i = 0; i < Host.MAX_QUEUED_CHECKPOINTS; i++) {
        Path dest = dir.resolve("copies").resolve("c" + i);
        asked.add(callers.submit(() -> guest.checkpoint(dest)));
      }
      HostLimitsTest.await(() -> host.checkpoints.getQueue().size()
          == Host.MAX_QUEUED_CHECKPOINTS);

      assertRefused(() -> guest.checkpoint(dir.resolve("copies").resolve("one-too-many")),
          ErrorCode.LEVEL_LIMIT_EXCEEDED, "one at a time");
      release.countDown();
      for (java.util.concurrent.Future<?> f : asked) {
        f.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
      assertThat(dir.resolve("copies").resolve("one-too-many")).doesNotExist();
      try (Database copy = RocksLevel.open(dir.resolve("copies").resolve("c0"))) {
        assertThat(copy.get("a")).isEqualTo("1");
      }
      assertThat(host.checkpoints.getLargestPoolSize()).as("threads that made checkpoints")
          .isEqualTo(1);
    } finally {
      callers.shutdownNow();
    }
  }

  private static int port(Listener l) {
    return ((InetSocketAddress) l.address()).getPort();
  }

  private static void assertRefused(Runnable call, ErrorCode code, String why) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(LevelException.class,
        e -> assertThat(e.code()).isEqualTo(code)).hasMessageContaining(why);
  }
}
