package org.level4j.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary directory for a conformance run's databases that {@link #close()} removes with all
 * it holds: each RocksDB directory is tens of megabytes, and a suite makes hundreds.
 */
public final class ScratchDirectory implements AutoCloseable {
  private final Path path;

  private ScratchDirectory(Path path) {
    this.path = path;
  }

  /**
   * A new temporary directory.
   *
   * @param prefix the start of its name
   * @return the directory
   * @throws IOException if it cannot be made
   */
  public static ScratchDirectory create(String prefix) throws IOException {
    return new ScratchDirectory(Files.createTempDirectory(prefix));
  }

  /**
   * A path inside the directory.
   *
   * @param name the name in the directory
   * @return the path
   */
  public Path resolve(String name) {
    return path.resolve(name);
  }

  /** Deletes the directory and everything in it; closing twice is harmless. */
  @Override
  public void close() {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }
}
