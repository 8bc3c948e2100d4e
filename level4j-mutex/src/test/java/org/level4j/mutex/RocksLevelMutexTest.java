package org.level4j.mutex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.level4j.Database;
import org.level4j.conformance.LevelFactory;
import org.level4j.rocksdb.RocksLevel;

/** The LevelMutex specification over RocksDB, each database in a fresh directory. */
class RocksLevelMutexTest extends LevelMutexSpec {
  @Override
  protected LevelFactory factory() {
    return new LevelFactory() {
      private Path root;
      private int n;

      @Override
      public Database open() throws IOException {
        if (root == null) {
          root = Files.createTempDirectory("level4j-mutex-rocks");
        }
        return RocksLevel.open(root.resolve("db" + (++n)));
      }

      @Override
      public void cleanup() throws IOException {
        if (root == null) {
          return;
        }
        try (Stream<Path> files = Files.walk(root)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> {
            try {
              Files.delete(p);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
        }
      }
    };
  }
}
