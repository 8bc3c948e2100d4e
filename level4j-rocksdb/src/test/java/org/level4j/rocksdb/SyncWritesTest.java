package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.Op;
import org.level4j.WriteOptions;
import org.level4j.spi.Databases;

/**
 * SYNC means the log was synced before the write returned, and only SYNC (or {@link
 * RocksOptions#syncWrites}) pays for it: counted by RocksDB itself (its WAL sync count in
 * "rocksdb.dbstats"), since reading a value back cannot tell a synced write from another.
 */
class SyncWritesTest {
  private static final Pattern WAL_SYNCS = Pattern.compile("Cumulative WAL: \\d+ writes, (\\d+) syncs");

  @TempDir
  Path dir;

  @Test
  void syncWritesSyncTheLogAndDefaultWritesDoNot() {
    RocksEngine engine = new RocksEngine(dir, RocksOptions.defaults());
    try (Database db = Databases.open(engine)) {
      long before = syncs(engine);
      db.put("plain", "1");
      db.batch(List.of(Op.put("plain", "2"), Op.put("other", "2")));
      db.del("other");
      assertThat(syncs(engine)).as("WAL syncs after default writes").isEqualTo(before);
      db.put("one", "synced", WriteOptions.SYNC);
      assertThat(syncs(engine)).as("after a SYNC put").isEqualTo(before + 1);
      db.batch(List.of(Op.put("two", "synced"), Op.put("three", "synced")), WriteOptions.SYNC);
      assertThat(syncs(engine)).as("after a SYNC batch").isEqualTo(before + 2);
      db.del("one", WriteOptions.SYNC);
      assertThat(syncs(engine)).as("after a SYNC del").isEqualTo(before + 3);
      db.batch(List.of(Op.expectAbsent("four"), Op.put("four", "synced")), WriteOptions.SYNC);
      assertThat(syncs(engine)).as("after a SYNC conditional batch").isEqualTo(before + 4);
    }
  }

  @Test
  void syncWritesOptionSyncsEveryWrite() {
    RocksEngine engine = new RocksEngine(dir, RocksOptions.builder().syncWrites(true).build());
    try (Database db = Databases.open(engine)) {
      long before = syncs(engine);
      db.put("a", "1");
      db.batch(List.of(Op.put("b", "1"), Op.put("c", "1")));
      assertThat(syncs(engine)).isEqualTo(before + 2);
    }
  }

  private static long syncs(RocksEngine engine) {
    String stats = engine.property("rocksdb.dbstats");
    Matcher m = WAL_SYNCS.matcher(stats);
    assertThat(m.find()).as("WAL line in %s", stats).isTrue();
    return Long.parseLong(m.group(1));
  }
}
