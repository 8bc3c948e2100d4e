package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.MemoryLevel;

/**
 * Who may connect to a host's Unix socket: peers are told apart by the user id the kernel gives
 * for them. This process's user stands for the other user by allowing a user id other than its
 * own.
 */
class UnixPeersTest {
  private static final int ANOTHER_UID = 65534; // "nobody" on Linux

  @TempDir
  Path dir;

  private final Opened opened = new Opened();

  @AfterEach
  void closeAll() throws Exception {
    opened.close();
  }

  private <T extends AutoCloseable> T keep(T t) {
    return opened.keep(t);
  }

  private int ownUid() throws Exception {
    return (Integer) Files.getAttribute(dir, "unix:uid");
  }

  @Test
  void peerOfTheHostsOwnUserIsServedByDefault() throws Exception {
    Database db = keep(MemoryLevel.open());
    Path sock = dir.resolve("db.sock");
    keep(Host.of(db)).listen(Listener.unix(sock));
    Guest guest = keep(Guest.connect(Connector.unix(sock)));
    guest.put("a", "1");
    assertThat(db.get("a")).isEqualTo("1");
  }

  @Test
  void peerOfAUserNotAllowedIsRefusedBeforeAnyRequestIsRead() throws Exception {
    assertThat(ownUid()).isNotEqualTo(ANOTHER_UID);
    Database db = keep(MemoryLevel.open());
    Path sock = dir.resolve("db.sock");
    Host host = keep(Host.of(db));
    host.listen(Listener.unix(sock, false, Set.of(ANOTHER_UID)));
    assertThatThrownBy(() -> Guest.connect(Connector.unix(sock)))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPENED));
    assertThat(host.requestsServed()).isZero();
    assertThat(host.connections()).isZero();
  }

  @Test
  void peerOfAnAllowedUserIsServed() throws Exception {
    Database db = keep(MemoryLevel.open());
    Path sock = dir.resolve("db.sock");
    keep(Host.of(db)).listen(Listener.unix(sock, false, Set.of(ANOTHER_UID, ownUid())));
    Guest guest = keep(Guest.connect(Connector.unix(sock)));
    guest.put("a", "1");
    assertThat(db.get("a")).isEqualTo("1");
  }

  @Test
  void socketFileIsReadableAndWritableByItsOwnerOnly() throws Exception {
    Path sock = dir.resolve("db.sock");
    try (Listener l = Listener.unix(sock)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void directoryThatOtherUsersCanWriteIsRefused() throws Exception {
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> Listener.unix(shared.resolve("db.sock")))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT))
        .hasMessageContaining("other users can write");
    assertThat(shared.resolve("db.sock")).doesNotExist();
  }

  @Test
  void directoryWithTheStickyBitIsAccepted() throws Exception {
    Path shared = Files.createDirectory(dir.resolve("sticky"));
    Process chmod = new ProcessBuilder("chmod", "1777", shared.toString()).inheritIO().start();
    assertThat(chmod.waitFor()).isZero();
    try (Listener l = Listener.unix(shared.resolve("db.sock"))) {
      assertThat(shared.resolve("db.sock")).exists();
    }
  }
}
