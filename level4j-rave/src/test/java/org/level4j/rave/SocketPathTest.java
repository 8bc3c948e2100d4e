package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.child.ChildProcess;

/**
 * Where a leader listens when its directory's path is too long for a socket: in this user's own
 * directory of the temporary directory, which nobody else can fill or replace first.
 */
class SocketPathTest {
  private static final String NOBODY = "65534";

  @TempDir
  Path dir;

  private Path deep() {
    return dir.resolve("a-directory-whose-path-is-long-enough".repeat(3)).resolve("db");
  }

  private static long ownUid() {
    return new com.sun.security.auth.module.UnixSystem().getUid();
  }

  @Test
  void aShortPathsSocketIsInTheDirectoryItself() {
    assertThat(SocketPath.of(dir.resolve("db"), dir.resolve("tmp")))
        .isEqualTo(dir.resolve("db").resolve(SocketPath.NAME));
    assertThat(dir.resolve("tmp")).doesNotExist();
  }

  @Test
  void aLongPathsSocketIsInTheUsersOwnDirectoryMadeForItAlone() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path socket = SocketPath.of(deep(), tmp);
    Path own = tmp.resolve("level4j-" + ownUid());
    assertThat(socket.getParent()).isEqualTo(own);
    assertThat(socket.toString().length()).isLessThanOrEqualTo(SocketPath.MAX_BYTES);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(own)))
        .isEqualTo("rwx------");
    assertThat(SocketPath.of(deep(), tmp)).isEqualTo(socket); // the same place every time
  }

  @Test
  void aDirectoryOthersMayEnterIsRefusedWithAMessageThatSaysWhatToDo() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path own = Files.createDirectory(tmp.resolve("level4j-" + ownUid()));
    Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThatThrownBy(() -> SocketPath.of(deep(), tmp))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_IO_ERROR))
        .hasMessageContaining(own.toString()).hasMessageContaining("rwxr-xr-x")
        .hasMessageContaining("shorter path");
  }

  @Test
  void aDirectoryAnotherUserMadeFirstIsRefused() throws Exception {
    assumeTrue(ChildProcess.isRoot(), "needs root to make a directory of another user");
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path own = Files.createDirectory(tmp.resolve("level4j-" + ownUid()),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.setOwner(own, own.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName(NOBODY));
    assertThatThrownBy(() -> SocketPath.of(deep(), tmp))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_IO_ERROR))
        .hasMessageContaining("of user " + NOBODY);
  }

  @Test
  void aLinkInPlaceOfTheDirectoryIsRefused() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.createSymbolicLink(tmp.resolve("level4j-" + ownUid()), elsewhere);
    assertThatThrownBy(() -> SocketPath.of(deep(), tmp))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_IO_ERROR))
        .hasMessageContaining("not a directory");
  }

  @Test
  void aLeaderAndAFollowerOfADeepDirectoryShareIt() throws Exception {
    Path db = Files.createDirectories(deep());
    try (ChildProcess leader = ChildProcess.java(RaveWorker.class, "hold", db.toString())) {
      assertThat(leader.await("ROLE")).startsWith("ROLE leader");
      leader.await("READY");
      try (RaveLevel follower = RaveLevel.open(db)) {
        assertThat(follower.isLeader()).isFalse();
        follower.put("k", "from the follower");
        assertThat(follower.get("k")).isEqualTo("from the follower");
        assertThat(RaveLevel.leaderPid(db)).hasValue(leader.pid());
      }
      assertThat(leader.finish()).isZero();
    }
  }
}
