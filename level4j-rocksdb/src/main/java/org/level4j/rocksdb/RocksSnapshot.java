package org.level4j.rocksdb;

import java.util.concurrent.atomic.AtomicBoolean;
import org.level4j.spi.EngineSnapshot;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.Snapshot;

/**
 * An explicit RocksDB snapshot and the read options that read from it (made once, so that each
 * read through the snapshot allocates nothing native). Released exactly once, by the core or by
 * the engine's close, whichever comes first.
 */
final class RocksSnapshot implements EngineSnapshot {
  final Snapshot snapshot;
  final ReadOptions readOptions;
  private final RocksEngine engine;
  private final RocksDB db;
  private final AtomicBoolean closed = new AtomicBoolean();

  RocksSnapshot(RocksEngine engine, RocksDB db) {
    this.engine = engine;
    this.db = db;
    this.snapshot = db.getSnapshot();
    this.readOptions = new ReadOptions().setSnapshot(snapshot);
  }

  @Override
  public void close() {
    engine.nativeRelease().lock(); // the database is not closed under us (see RocksEngine)
    try {
      if (closed.compareAndSet(false, true)) {
        readOptions.close();
        db.releaseSnapshot(snapshot);
        engine.forget(this);
      }
    } finally {
      engine.nativeRelease().unlock();
    }
  }
}
