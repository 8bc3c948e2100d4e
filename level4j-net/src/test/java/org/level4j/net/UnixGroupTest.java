package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.MemoryLevel;
import org.level4j.child.ChildProcess;

/**
 * A group allowed on a host's Unix socket (Listener.unixForGroup), with guests in real processes
 * of another user (uid 65534, "nobody"), started with setpriv. Running a process as another user
 * takes root, so the tests that do run only as root (as CI here does) and are skipped elsewhere.
 */
class UnixGroupTest {
  private static final String NOBODY = "65534";
  private static final String NOGROUP = "nogroup"; // gid 65534 on Debian
  private static final String DAEMON = "daemon"; // gid 1

  private final Opened opened = new Opened();
  @TempDir
  Path dir;

  @BeforeEach
  void sharedDirectory() throws IOException {
    // A directory the other user may enter (JUnit makes its own 0700) and not write.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void closeAll() throws Exception {
    opened.close();
  }

  @Test
  void aProcessRunningWithTheAllowedGroupIsServed() throws Exception {
    assumeTrue(ChildProcess.isRoot(), "needs root to run a process as another user");
    Database db = opened.keep(MemoryLevel.open());
    Path sock = dir.resolve("db.sock");
    Host host = opened.keep(Host.of(db));
    host.listen(Listener.unixForGroup(sock, false, NOGROUP));

    Result r = runAs(List.of("--reuid=" + NOBODY, "--regid=" + NOGROUP, "--clear-groups"), sock);

    assertThat(r.output).startsWith("PUT");
    assertThat(r.exit).isZero();
    assertThat(db.get("from")).isEqualTo("nobody");
  }

  @Test
  void aProcessOfAnotherUserThatMayConnectIsStillRefusedACheckpoint() throws Exception {
    assumeTrue(ChildProcess.isRoot(), "needs root to run a process as another user");
    Database db = opened.keep(org.level4j.rocksdb.RocksLevel.open(dir.resolve("db")));
    Path sock = dir.resolve("db.sock");
    Host host = opened.keep(Host.of(db));
    host.listen(Listener.unixForGroup(sock, false, NOGROUP));
    Path dest = dir.resolve("copy");

    Result r = runAs(List.of("--reuid=" + NOBODY, "--regid=" + NOGROUP, "--clear-groups"), sock,
        dest.toString());

    assertThat(r.output).startsWith("PUT").contains("REFUSED LEVEL_NOT_SUPPORTED")
        .contains("checkpointsFromAnyGuest").doesNotContain("CHECKPOINT\n");
    assertThat(r.exit).isEqualTo(3);
    assertThat(dest).doesNotExist();
    assertThat(db.get("from")).isEqualTo("nobody");
  }

  @Test
  void aProcessOfAnotherGroupIsRefusedEvenWhenTheSocketFileLetsItIn() throws Exception {
    assumeTrue(ChildProcess.isRoot(), "needs root to run a process as another user");
    Database db = opened.keep(MemoryLevel.open());
    Path sock = dir.resolve("db.sock");
    Host host = opened.keep(Host.of(db));
    host.listen(Listener.unixForGroup(sock, false, DAEMON));

    // A supplementary member of daemon may open the socket file, but runs with group nogroup:
    // the kernel reports nogroup for the connection, and the host closes it unread.
    Result r = runAs(List.of("--reuid=" + NOBODY, "--regid=" + NOGROUP, "--groups=1"), sock);

    assertThat(r.output).startsWith("REFUSED").doesNotContain("Permission denied");
    assertThat(r.exit).isEqualTo(3);
    assertThat(host.requestsServed()).isZero();
    assertThat(db.get("from")).isNull();
  }

  @Test
  void theSocketFileBelongsToTheGroupAndOnlyItAndTheOwnerMayUseIt() throws Exception {
    Path sock = dir.resolve("db.sock");
    String group = Files.getAttribute(dir, "posix:group").toString();
    try (Listener l = Listener.unixForGroup(sock, false, group)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)))
          .isEqualTo("rw-rw----");
      assertThat(Files.getAttribute(sock, "posix:group").toString()).isEqualTo(group);
    }
  }

  @Test
  void aGroupThatDoesNotExistIsRefusedWithAClearError() {
    assertThatThrownBy(() -> Listener.unixForGroup(dir.resolve("db.sock"), false,
        "no-such-group-here"))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT))
        .hasMessageContaining("no group named no-such-group-here");
    assertThat(dir.resolve("db.sock")).doesNotExist();
  }

  private record Result(int exit, String output) {}

  private Result runAs(List<String> credentials, Path sock, String... more) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("setpriv"));
    cmd.addAll(credentials);
    cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", readableClassPath(), GuestPutMain.class.getName(), sock.toString(), "from",
        "nobody"));
    cmd.addAll(List.of(more));
    ChildProcess.Result r = ChildProcess.run(new ProcessBuilder(cmd).redirectErrorStream(true),
        "", dir);
    return new Result(r.code(), r.out());
  }

  /**
   * This JVM's class path for another user, copied into the shared directory: the jars of a
   * local Maven repository, and the class directories of a checkout, may sit in directories only
   * this user can enter (a clone made in a {@code mktemp -d} directory, say).
   */
  private String readableClassPath() throws IOException {
    Path lib = Files.createDirectories(dir.resolve("lib"));
    List<String> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path from = Path.of(e);
      if (!Files.exists(from)) {
        continue;
      }
      Path copy = lib.resolve(entries.size() + "-" + from.getFileName());
      try (Stream<Path> tree = Files.walk(from)) {
        for (Path p : (Iterable<Path>) tree::iterator) {
          Path to = copy.resolve(from.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(to);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
          } else {
            Files.copy(p, to);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
          }
        }
      }
      entries.add(copy.toString());
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

}
