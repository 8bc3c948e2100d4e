package org.level4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.rocksdb.util.Environment;

/**
 * Keeps RocksDB's native library unpacked in a directory, so that each run of the command loads
 * it from there: otherwise RocksDB unpacks 17 MB from the rocksdbjni jar into a new temporary file
 * on every start, about a third of a short command's time.
 *
 * <p>The {@code ./level4j} script names the directory (one per rocksdbjni version, as the file
 * name does not change between versions) twice: as {@code level4j.native.dir}, where this class
 * unpacks the library on first use, and as {@code java.library.path}, where RocksDB's loader
 * looks before it unpacks anything. Without the property nothing changes.
 */
final class NativeCache {
  private NativeCache() {}

  static void prepare() {
    String dir = System.getProperty("level4j.native.dir");
    if (dir == null) {
      return;
    }
    try {
      String name = Environment.getJniLibraryFileName("rocksdb");
      Path library = Path.of(dir, name);
      if (Files.exists(library)) {
        return;
      }
      try (InputStream in = NativeCache.class.getClassLoader().getResourceAsStream(name)) {
        if (in == null) {
          return; // no library for this platform in the jar: RocksDB will say so itself
        }
        Files.createDirectories(library.getParent());
        // Unpacked beside, then moved in whole: concurrent first runs never load a partial file.
        Path part = Files.createTempFile(library.getParent(), name, ".part");
        try {
          Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
          Files.move(part, library, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(part);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not fatal: RocksDB unpacks its library into a temporary file as usual.
    }
  }
}
