package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;

/**
 * A plain RocksLevel keeps what it creates to its owner ({@link OwnerOnly}), as RaveLevel does
 * (whose {@code OwnerOnlyTest} runs a process of another user against such files).
 */
class OwnerOnlyTest {
  @TempDir Path scratch;

  @BeforeEach
  void posixOnly() {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "needs POSIX permissions");
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void theDirectoriesItCreatesAndItsLockAreTheOwnersOnly() throws Exception {
    Path dir = scratch.resolve("new").resolve("db");
    try (Database db = RocksLevel.open(dir)) {
      db.put("k", "v");
    }
    assertThat(mode(scratch.resolve("new"))).isEqualTo("rwx------");
    assertThat(mode(dir)).isEqualTo("rwx------");
    assertThat(mode(dir.resolve(OwnerOnly.LOCK))).isEqualTo("rw-------");
  }

  @Test
  void aLockOpenToOthersIsNarrowedAndTheUsersDirectoryKeepsItsMode() throws Exception {
    Path dir = Files.createDirectory(scratch.resolve("db"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    try (Database db = RocksLevel.open(dir)) {
      db.put("k", "v");
    }
    // As RocksDB alone leaves it under a umask of 022, or as an earlier level4j did.
    Files.setPosixFilePermissions(dir.resolve(OwnerOnly.LOCK),
        PosixFilePermissions.fromString("rw-r--r--"));
    try (Database db = RocksLevel.open(dir)) {
      assertThat(db.get("k")).isEqualTo("v");
    }
    assertThat(mode(dir.resolve(OwnerOnly.LOCK))).isEqualTo("rw-------");
    assertThat(mode(dir)).isEqualTo("rwxr-xr-x");
  }

  @Test
  void aDirectoryThatLetsOthersReadTheFilesIsNamedInAWarningOnce() throws Exception {
    Path dir = Files.createDirectory(scratch.resolve("shared"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    List<String> warnings = new ArrayList<>();
    Logger log = Logger.getLogger("org.level4j.rocksdb");
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel() == Level.WARNING && r.getMessage().contains("other users can read")) {
          synchronized (warnings) {
            warnings.add(r.getMessage());
          }
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(capture);
    try {
      try (Database db = RocksLevel.open(dir)) {
        db.put("k", "v");
      }
      boolean othersRead = mode(dir.resolve("CURRENT")).endsWith("r--");
      assertThat(OwnerOnly.warnIfOthersCanRead(dir)).isEqualTo(othersRead);
      try (Database db = RocksLevel.open(dir)) {
        assertThat(db.get("k")).isEqualTo("v");
      }
      // Under a umask that already keeps files to their owner there is nothing to warn about.
      assertThat(warnings).hasSize(othersRead ? 1 : 0);
      if (othersRead) {
        assertThat(warnings.get(0)).contains(dir.toString()).contains("chmod 700");
      }
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      assertThat(OwnerOnly.warnIfOthersCanRead(dir)).isFalse();
    } finally {
      log.removeHandler(capture);
    }
  }

  @Test
  void aDirectoryItCreatesIsNeverWarnedAbout() throws Exception {
    Path dir = scratch.resolve("own");
    try (Database db = RocksLevel.open(dir)) {
      db.put("k", "v");
    }
    assertThat(OwnerOnly.warnIfOthersCanRead(dir)).isFalse();
  }
}
