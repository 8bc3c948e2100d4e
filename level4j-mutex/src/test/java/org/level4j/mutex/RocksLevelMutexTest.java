package org.level4j.mutex;

import java.io.IOException;
import org.level4j.Database;
import org.level4j.conformance.LevelFactory;
import org.level4j.conformance.ScratchDirectory;
import org.level4j.rocksdb.RocksLevel;

/** The LevelMutex specification over RocksDB, each database in a fresh directory. */
class RocksLevelMutexTest extends LevelMutexSpec {
  @Override
  protected LevelFactory factory() {
    return new LevelFactory() {
      private ScratchDirectory root;
      private int n;

      @Override
      public Database open() throws IOException {
        if (root == null) {
          root = ScratchDirectory.create("level4j-mutex-rocks");
        }
        return RocksLevel.open(root.resolve("db" + (++n)));
      }

      @Override
      public void cleanup() {
        if (root != null) {
          root.close();
        }
      }
    };
  }
}
