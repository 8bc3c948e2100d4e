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

  private static int port(Listener l) {
    return ((InetSocketAddress) l.address()).getPort();
  }

  private static void assertRefused(Runnable call, ErrorCode code, String why) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(LevelException.class,
        e -> assertThat(e.code()).isEqualTo(code)).hasMessageContaining(why);
  }
}
