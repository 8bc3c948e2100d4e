package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * The checks that keep RocksDB's native library cache safe, without loading anything: which
 * directories {@link PrivateDirectory} refuses, and which files {@link LibraryCache} replaces
 * before it hands one over to be loaded. "Another user" is uid 65534 (nobody); those tests need
 * root to give a file away and are skipped otherwise.
 */
class LibraryCacheTest {
  private static final int ANOTHER_USER = 65534;
  private static JarLibrary library;
  private static String name;

  @TempDir
  Path scratch;

  @BeforeAll
  static void findTheJarsLibrary() throws IOException {
    assumeTrue(PrivateDirectory.supported(), "needs Unix permissions");
    library = JarLibrary.find();
    assumeTrue(library != null, "rocksdbjni ships no library for this platform");
    name = NativeLibrary.fileName();
  }

  // ---- directories -----------------------------------------------------------------------------

  @Test
  void aDirectoryOwnedByAnotherUserIsRefused() throws IOException {
    assumeTrue(isRoot(), "needs root to give the directory to another user");
    Path dir = Files.createDirectory(scratch.resolve("theirs"));
    Files.write(dir.resolve(name), new byte[] {1, 2, 3});
    Files.setAttribute(dir, "unix:uid", ANOTHER_USER);
    assertRefused(dir, "is owned by uid " + ANOTHER_USER);
  }

  @Test
  void aDirectoryItsGroupOrOthersCanWriteIsRefused() throws IOException {
    for (String mode : List.of("rwxrwxrwx", "rwxrwx---", "rwx---rwx", "rwxrwxrwt")) {
      Path dir = Files.createDirectory(scratch.resolve("open-" + mode));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode.replace('t', 'x')));
      if (mode.endsWith("t")) {
        chmod("1777", dir); // sticky protects what is in a directory, not the directory itself
      }
      assertRefused(dir, "can be written by");
    }
  }

  @Test
  void aDirectoryUnderAParentOthersCanWriteIsRefusedUnlessThatParentIsSticky()
      throws IOException {
    Path parent = Files.createDirectory(scratch.resolve("shared"));
    Path dir = Files.createDirectory(parent.resolve("mine"));
    Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertRefused(dir, "which holds the native library directory, can be written by all users");
    chmod("1777", parent); // like /tmp: others may add entries but not rename or remove ours
    assertThat(PrivateDirectory.open(dir)).isEqualTo(dir.toRealPath());
  }

  @Test
  void aDirectoryUnderAParentOwnedByAnotherUserIsRefused() throws IOException {
    assumeTrue(isRoot(), "needs root to give the directory to another user");
    Path parent = Files.createDirectory(scratch.resolve("theirs"));
    Path dir = Files.createDirectory(parent.resolve("mine"));
    Files.setAttribute(parent, "unix:uid", ANOTHER_USER); // they could rename "mine" away
    assertRefused(dir, "which holds the native library directory, is owned by uid");
  }

  @Test
  void aLinkToADirectoryIsFollowedAndTheRealDirectoryChecked() throws IOException {
    Path real = Files.createDirectory(scratch.resolve("real"));
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path link = Files.createSymbolicLink(scratch.resolve("link"), real);
    assertThatThrownBy(() -> PrivateDirectory.open(link))
        .isInstanceOf(LevelException.class)
        .hasMessageContaining(real.toRealPath() + " can be written by all users");
  }

  @Test
  void aMissingDirectoryIsCreatedForItsOwnerOnly() throws IOException {
    Path dir = scratch.resolve("a/b/rocksdbjni-x");
    assertThat(PrivateDirectory.open(dir)).isEqualTo(dir.toRealPath());
    for (Path p : List.of(dir, dir.getParent(), dir.getParent().getParent())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
          .isEqualTo("rwx------");
    }
  }

  @Test
  void aDirectoryHoldingACompressionLibraryRocksdbjniWouldAlsoLoadIsRefused() throws IOException {
    Path dir = PrivateDirectory.open(scratch.resolve("cache"));
    Files.write(dir.resolve("libsnappyjni.so"), new byte[] {1});
    assertThatThrownBy(() -> NativeLibrary.refuseCompressionLibraries(dir))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPENED))
        .hasMessageContaining("libsnappyjni.so");
  }

  // ---- files -----------------------------------------------------------------------------------

  @Test
  void aFileWithOtherBytesOfTheSameSizeIsReplacedByTheJarsLibraryBeforeItIsLoaded()
      throws IOException {
    Path dir = PrivateDirectory.open(scratch.resolve("cache"));
    Path planted = dir.resolve(name);
    try (var out = Files.newOutputStream(planted)) {
      out.write(new byte[(int) library.size()]); // right size and name, wrong bytes
    }
    List<Boolean> loadedACopy = new ArrayList<>();
    LibraryCache.use(dir, name, library, file -> loadedACopy.add(isCopy(file)));
    assertThat(loadedACopy).containsExactly(true);
  }

  @Test
  void aLinkPlantedUnderTheLibrarysNameIsReplacedNotFollowed() throws IOException {
    Path dir = PrivateDirectory.open(scratch.resolve("cache"));
    Path elsewhere = scratch.resolve("elsewhere.so");
    LibraryCache.write(elsewhere, library); // even a good copy: a link is never trusted
    Files.createSymbolicLink(dir.resolve(name), elsewhere);
    List<Path> loaded = new ArrayList<>();
    LibraryCache.use(dir, name, library, loaded::add);
    assertThat(Files.isSymbolicLink(dir.resolve(name))).isFalse();
    assertThat(loaded).containsExactly(dir.resolve(name));
    assertThat(isCopy(dir.resolve(name))).isTrue();
  }

  @Test
  void aCopyOthersCanWriteIsReplaced() throws IOException {
    Path dir = PrivateDirectory.open(scratch.resolve("cache"));
    LibraryCache.use(dir, name, library, file -> { });
    Path file = dir.resolve(name);
    Object before = fileKey(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
    LibraryCache.use(dir, name, library, loaded -> { });
    assertThat(fileKey(file)).isNotEqualTo(before);
    assertThat(Files.getPosixFilePermissions(file))
        .doesNotContain(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
  }

  @Test
  void aCopyOwnedByAnotherUserIsReplaced() throws IOException {
    assumeTrue(isRoot(), "needs root to give the file to another user");
    Path dir = PrivateDirectory.open(scratch.resolve("cache"));
    Path file = LibraryCache.use(dir, name, library, loaded -> { });
    Files.setAttribute(file, "unix:uid", ANOTHER_USER);
    LibraryCache.use(dir, name, library, loaded -> { });
    assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(0);
  }

  @Test
  void anIntactCopyIsLoadedAgainWithoutBeingRewritten() throws IOException {
    Path dir = PrivateDirectory.open(scratch.resolve("cache"));
    Path file = LibraryCache.use(dir, name, library, loaded -> { });
    Object key = fileKey(file);
    var modified = Files.getLastModifiedTime(file);
    assertThat(LibraryCache.use(dir, name, library, loaded -> { })).isEqualTo(file);
    assertThat(fileKey(file)).isEqualTo(key);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(modified);
    assertThat(entries(dir)).containsExactly(LibraryCache.LOCK, name);
  }

  @Test
  void partsLeftByWritersKilledMidwayAreRemovedByTheNextWriter() throws IOException {
    Path dir = PrivateDirectory.open(scratch.resolve("cache"));
    Files.write(dir.resolve(name + ".4242" + LibraryCache.PART), new byte[1000]);
    Files.write(dir.resolve(library.entry() + "7316871" + LibraryCache.PART), new byte[10]);
    LibraryCache.use(dir, name, library, loaded -> { });
    assertThat(entries(dir)).containsExactly(LibraryCache.LOCK, name);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static void assertRefused(Path dir, String why) {
    assertThatThrownBy(() -> PrivateDirectory.open(dir))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPENED))
        .hasMessageContaining(why)
        .hasMessageContaining("level4j.native.dir");
  }

  private static boolean isCopy(Path file) {
    try {
      return LibraryCache.isCopy(file, library);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Object fileKey(Path file) throws IOException {
    return Files.readAttributes(file, "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino");
  }

  static Set<String> entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static boolean isRoot() {
    return new UnixSystem().getUid() == 0;
  }

  private static void chmod(String mode, Path p) throws IOException {
    try {
      int exit = new ProcessBuilder("chmod", mode, p.toString()).inheritIO().start().waitFor();
      assertThat(exit).as("chmod " + mode + " " + p).isZero();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
