package org.level4j.rocksdb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/**
 * Loads RocksDB's native library from one unpacked copy per rocksdbjni version, in
 * {@code <tmpdir>/level4j-native/<jar name>/} (or the directory named by the system property
 * {@code level4j.native.dir}). By itself rocksdbjni unpacks its 17 MB library into a new
 * temporary file in every process, which costs a short-lived process a good part of its start
 * and is never deleted when the process is killed: with processes that come and go (followers,
 * command-line calls, crashes), that fills the temporary directory.
 */
final class NativeLibrary {
  private NativeLibrary() {}

  static void load() {
    try {
      String file = Environment.getJniLibraryFileName("rocksdb");
      Path dir = directory();
      Path library = dir.resolve(file);
      if (!Files.exists(library)) {
        try (InputStream in = RocksDB.class.getClassLoader().getResourceAsStream(file)) {
          if (in == null) {
            RocksDB.loadLibrary(); // let rocksdbjni report the unsupported platform itself
            return;
          }
          Files.createDirectories(dir);
          // Unpacked beside, then moved in whole: processes starting at once never load half.
          Path part = Files.createTempFile(dir, file, ".part");
          try {
            Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, library, StandardCopyOption.ATOMIC_MOVE);
          } catch (IOException e) {
            if (!Files.exists(library)) {
              throw e;
            }
          } finally {
            Files.deleteIfExists(part);
          }
        }
      }
      RocksDB.loadLibrary(List.of(dir.toString()));
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      RocksDB.loadLibrary(); // rocksdbjni's own way: a temporary copy
    }
  }

  private static Path directory() {
    String configured = System.getProperty("level4j.native.dir");
    if (configured != null) {
      return Path.of(configured);
    }
    String version = "rocksdbjni";
    try {
      Path jar = Path.of(RocksDB.class.getProtectionDomain().getCodeSource().getLocation()
          .toURI());
      version = jar.getFileName().toString().replaceFirst("\\.jar$", "");
    } catch (Exception e) {
      // no jar location: one shared folder name
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "level4j-native-"
        + System.getProperty("user.name", "user"), version);
  }
}
