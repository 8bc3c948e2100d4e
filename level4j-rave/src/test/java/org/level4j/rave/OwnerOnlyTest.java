package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.child.ChildProcess;

/**
 * The election's files are their owner's only ({@link OwnerOnly}): what RaveLevel creates, what
 * an older version left open to others, and what another user, run with setpriv as {@code
 * nobody}, can do with them. Without it, that user could open {@code LEADER} for reading and
 * hold a shared lock on it, and no process would ever lead the directory again; the control file
 * in the last test shows the lock such a user gets on a file open to others.
 */
class OwnerOnlyTest {
  private static final int NOBODY = 65534;
  private static final String OPEN_DIR = "rwxr-xr-x";
  private static final String OPEN_FILE = "rw-r--r--";

  @TempDir Path scratch;

  @BeforeEach
  void posixOnly() {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "needs POSIX permissions");
  }

  @Test
  void aLinkPlantedInPlaceOfALockFileIsNeitherOpenedNorNarrowedThrough() throws Exception {
    Path victim = Files.writeString(scratch.resolve("victim.txt"), "keep me");
    Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString(OPEN_FILE));
    Path lock = scratch.resolve(Seat.LOCK_FILE);
    Files.createSymbolicLink(lock, victim);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OwnerOnly.openLockFile(lock).close())
        .isInstanceOf(IOException.class);
    assertThat(mode(victim)).isEqualTo(OPEN_FILE);
    assertThat(Files.readString(victim)).isEqualTo("keep me");
  }

  @Test
  void aLinkPlantedWhereTheLeaderRecordIsWrittenFirstIsReplacedNotWrittenThrough()
      throws Exception {
    Path victim = Files.writeString(scratch.resolve("victim.txt"), "keep me");
    Files.createSymbolicLink(
        scratch.resolve(LeaderInfo.FILE + ".tmp-" + ProcessHandle.current().pid()), victim);

    new LeaderInfo(ProcessHandle.current().pid(), scratch.resolve("x.sock")).write(scratch);

    assertThat(Files.readString(victim)).isEqualTo("keep me");
    assertThat(LeaderInfo.read(scratch).socket()).isEqualTo(scratch.resolve("x.sock"));
  }

  @Test
  void theDirectoriesAndLockFilesRaveLevelCreatesAreItsOwnersOnly() throws Exception {
    Path dir = scratch.resolve("new").resolve("db");
    try (RaveLevel db = RaveLevel.open(dir)) {
      db.put("k", "v");
    }
    assertThat(mode(scratch.resolve("new"))).isEqualTo("rwx------");
    assertThat(mode(dir)).isEqualTo("rwx------");
    assertThat(mode(dir.resolve(Seat.LOCK_FILE))).isEqualTo("rw-------");
    assertThat(mode(dir.resolve(LockGuard.FILE))).isEqualTo("rw-------");
  }

  @Test
  void lockFilesLeftOpenToOthersAreNarrowedAndTheUsersDirectoryIsLeftAsItIs() throws Exception {
    Path dir = Files.createDirectory(scratch.resolve("db"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(OPEN_DIR)));
    List<String> files = List.of(Seat.LOCK_FILE, Seat.STANDBY_FILE, LockGuard.FILE);
    for (String f : files) {
      Files.createFile(dir.resolve(f));
      Files.setPosixFilePermissions(dir.resolve(f), PosixFilePermissions.fromString(OPEN_FILE));
    }
    try (ChildProcess leader = ChildProcess.java(RaveWorker.class, "hold", dir.toString())) {
      assertThat(leader.await("ROLE")).startsWith("ROLE leader");
      leader.await("READY");
      try (RaveLevel follower = RaveLevel.open(dir)) {
        assertThat(follower.isLeader()).isFalse();
        follower.put("k", "v");
        // STANDBY is opened by the follower's waiting thread, soon after it joined (how soon
        // depends on the machine's load, hence the generous limit).
        await("STANDBY narrowed").atMost(Duration.ofSeconds(30))
            .until(() -> mode(dir.resolve(Seat.STANDBY_FILE)).equals("rw-------"));
      }
      leader.closeInput();
      assertThat(leader.finish()).as("%s", leader.stderr()).isZero();
    }
    for (String f : files) {
      assertThat(mode(dir.resolve(f))).as(f).isEqualTo("rw-------");
    }
    assertThat(mode(dir)).isEqualTo(OPEN_DIR);
  }

  @Test
  void anotherUserCannotOpenTheElectionsLockFilesToHoldThem() throws Exception {
    assumeTrue(ChildProcess.isRoot(), "needs root to run a process as another user");
    Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString(OPEN_DIR));
    Path dir = Files.createDirectory(scratch.resolve("db"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(OPEN_DIR)));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(OPEN_DIR));
    try (RaveLevel db = RaveLevel.open(dir)) {
      db.put("k", "v");
    }
    Path control = Files.createFile(dir.resolve("OPEN"));
    Files.setPosixFilePermissions(control, PosixFilePermissions.fromString(OPEN_FILE));

    List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY,
        "--regid=" + NOBODY, "--clear-groups",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData",
        "-cp", readableCopyOfTryReadLock().toString(), TryReadLock.class.getName(),
        dir.resolve(Seat.LOCK_FILE).toString(), dir.resolve(LockGuard.FILE).toString(),
        control.toString()));
    ChildProcess.Result r = ChildProcess.run(new ProcessBuilder(cmd), "", scratch);
    assertThat(r.code()).as("%s", r.err()).isZero();
    assertThat(r.out().lines()).containsExactly(Seat.LOCK_FILE + " DENIED",
        LockGuard.FILE + " DENIED", "OPEN LOCKED");
  }

  /** TryReadLock's class file, in a directory everyone may read. */
  private Path readableCopyOfTryReadLock() throws IOException, java.net.URISyntaxException {
    String relative = TryReadLock.class.getName().replace('.', '/') + ".class";
    Path from = Path.of(TryReadLock.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI()).resolve(relative);
    Path root = scratch.resolve("cp");
    Path to = root.resolve(relative);
    Files.createDirectories(to.getParent());
    Files.copy(from, to);
    for (Path p = to.getParent(); p.startsWith(root); p = p.getParent()) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(OPEN_DIR));
    }
    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(OPEN_FILE));
    return root;
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

}
