package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.child.ChildProcess;

/**
 * RocksDB's native library as real processes load it: each test's processes get a cache of their
 * own ({@code XDG_CACHE_HOME} in the scratch directory) and a temporary directory of their own
 * ({@code scratch/tmp}), so what they leave behind can be counted.
 */
class NativeLibraryProcessTest {
  @TempDir
  Path scratch;

  private Path cache;
  private Path tmp;
  private String name;

  @BeforeEach
  void paths() throws IOException {
    assumeTrue(PrivateDirectory.supported(), "needs Unix permissions");
    JarLibrary library = JarLibrary.find();
    assumeTrue(library != null, "rocksdbjni ships no library for this platform");
    name = NativeLibrary.fileName();
    cache = scratch.resolve("cache/level4j/native").resolve(library.version());
    tmp = scratch.resolve("tmp");
  }

  @Test
  void aLibraryPlantedInAnotherUsersDirectoryIsNeverLoaded() throws Exception {
    assumeTrue(new UnixSystem().getUid() == 0, "needs root to give the directory to another user");
    // What the attack in issue 13 did: the directory the victim will use, made by someone else,
    // with a file under the name rocksdbjni loads. Not an ELF file: had it been loaded, the
    // process would fail with "invalid ELF header".
    Path planted = Files.createDirectories(scratch.resolve("theirs")).resolve(name);
    Files.write(planted, "not a library".getBytes());
    Files.setAttribute(planted.getParent(), "unix:uid", 65534);

    StringBuilder out = new StringBuilder();
    int exit = load(List.of("-Dlevel4j.native.dir=" + planted.getParent())).finish(out);
    assertThat(exit).as(out.toString()).isNotZero();
    assertThat(out.toString()).contains("LEVEL_DATABASE_NOT_OPENED",
        planted.getParent() + " is owned by uid 65534").doesNotContain("ELF")
        .doesNotContainPattern("(?m)^loaded ");

    // The same planted under the default location: refused there too, and this process falls
    // back to a copy of its own that it removes once loaded.
    Files.createDirectories(cache.getParent());
    Files.move(planted.getParent(), cache);
    out.setLength(0);
    exit = load(List.of()).finish(out);
    assertThat(exit).as(out.toString()).isZero();
    assertThat(out.toString()).contains("is owned by uid 65534").containsPattern("(?m)^loaded ")
        .doesNotContain("ELF");
    assertThat(Files.readString(cache.resolve(name))).isEqualTo("not a library");
    assertThat(LibraryCacheTest.entries(tmp)).isEmpty();
  }

  @Test
  void aSecondProcessReusesTheCacheAndWritesNothing() throws Exception {
    assertThat(load(List.of()).finish(new StringBuilder())).isZero();
    Path file = cache.resolve(name);
    Object inode = Files.getAttribute(file, "unix:ino");
    var modified = Files.getLastModifiedTime(file);
    Set<String> entries = LibraryCacheTest.entries(cache);
    assertThat(entries).containsExactly(LibraryCache.LOCK, name);

    StringBuilder out = new StringBuilder();
    assertThat(load(List.of()).finish(out)).as(out.toString()).isZero();
    assertThat(out.toString()).startsWith("loaded ");
    assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(modified);
    assertThat(LibraryCacheTest.entries(cache)).isEqualTo(entries);
    assertThat(LibraryCacheTest.entries(tmp)).isEmpty();
  }

  @Test
  void processesKilledWhileOrAfterLoadingLeaveNoFilesBehind() throws Exception {
    // Each process finds no copy and must write one. It is SIGKILLed while writing it (as soon as
    // its .part appears), twice in a row, then right after it starts, then once it has loaded.
    int killedWhileWriting = 0;
    for (String when : List.of("writing", "writing", "starting", "loaded")) {
      Files.deleteIfExists(cache.resolve(name));
      try (ChildProcess p = load(List.of(), "hold")) {
        if (when.equals("loaded")) {
          assertThat(p.readLine()).startsWith("loaded ");
        } else if (when.equals("writing")) {
          Set<String> stale = parts(cache); // what the previous process left
          // Polled every millisecond: the part lives only while the copy is written. A copy
          // written between two polls is no failure here; the count below says how often.
          try {
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1))
                .until(() -> !stale.containsAll(parts(cache)) || !p.isAlive());
          } catch (ConditionTimeoutException missed) {
            // counted as not killed while writing
          }
          killedWhileWriting += stale.containsAll(parts(cache)) ? 0 : 1;
        }
        p.kill();
      }
      Set<String> left = Files.isDirectory(cache) ? LibraryCacheTest.entries(cache) : Set.of();
      assertThat(left).as("left in the cache by a process killed while %s", when)
          .isSubsetOf(union(Set.of(LibraryCache.LOCK, name), parts(cache)));
      assertThat(parts(cache)).as("parts left after a kill while %s", when).hasSizeLessThan(2);
      assertThat(LibraryCacheTest.entries(tmp)).as("left in the temporary directory").isEmpty();
    }
    System.out.println("killed while writing the copy: " + killedWhileWriting + " of 2");
    assertThat(killedWhileWriting).isPositive();

    assertThat(load(List.of()).finish(new StringBuilder())).isZero();
    assertThat(LibraryCacheTest.entries(cache)).containsExactly(LibraryCache.LOCK, name);
    assertThat(LibraryCacheTest.entries(tmp)).isEmpty();
  }

  @Test
  void processesStartingTogetherShareOneCopy() throws Exception {
    List<ChildProcess> all = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        all.add(load(List.of()));
      }
      for (ChildProcess p : all) {
        StringBuilder out = new StringBuilder();
        assertThat(p.finish(out)).as(out.toString()).isZero();
        assertThat(out.toString()).startsWith("loaded ");
      }
    } finally {
      for (ChildProcess p : all) {
        p.close();
      }
    }
    assertThat(LibraryCacheTest.entries(cache)).containsExactly(LibraryCache.LOCK, name);
    assertThat(LibraryCacheTest.entries(tmp)).isEmpty();
  }

  private static Set<String> parts(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Set.of();
    }
    Set<String> parts = new TreeSet<>(LibraryCacheTest.entries(dir));
    parts.removeIf(e -> !e.endsWith(LibraryCache.PART));
    return parts;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }

  /** A process that loads the library with this test's cache and temporary directory. */
  private ChildProcess load(List<String> jvmOptions, String... args) throws IOException {
    List<String> options = new ArrayList<>(List.of("-Xmx128m", ChildProcess.tmpdirIn(scratch)));
    options.addAll(jvmOptions);
    ProcessBuilder pb = ChildProcess.command(options, LoadNative.class, args)
        .redirectErrorStream(true); // what it writes to stderr is read as its output too
    pb.environment().put("XDG_CACHE_HOME", scratch.resolve("cache").toString());
    return ChildProcess.start(pb);
  }
}
