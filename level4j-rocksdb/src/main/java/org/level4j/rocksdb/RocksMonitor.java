package org.level4j.rocksdb;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Registration;
import org.level4j.Status;
import org.rocksdb.TickerType;

/** The {@link RocksDatabaseMXBean} of one {@link RocksDatabase}, also read by its meters. */
final class RocksMonitor implements RocksDatabaseMXBean {
  private final RocksDatabase db;

  RocksMonitor(RocksDatabase db) {
    this.db = db;
  }

  static Registration register(RocksDatabase db) {
    try {
      ObjectName name = new ObjectName("org.level4j.rocksdb:type=RocksDatabase,dir="
          + ObjectName.quote(db.location().toString()));
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
      server.registerMBean(new RocksMonitor(db), name);
      return () -> {
        try {
          server.unregisterMBean(name);
        } catch (JMException e) {
          // already gone, or replaced and then unregistered by another
        }
      };
    } catch (JMException | RuntimeException e) {
      throw new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED,
          "JMX did not take the bean of " + db.location() + ": " + e, e);
    }
  }

  /** The value of a numeric property, or 0 if the database is closed or has no such property. */
  long property(String name) {
    return property(db, name);
  }

  static long property(RocksDatabase db, String name) {
    if (db.status() != Status.OPEN) {
      return 0;
    }
    try {
      return db.longProperty(name);
    } catch (LevelException e) {
      return 0; // closed in between
    }
  }

  @Override
  public String getDirectory() {
    return db.location().toString();
  }

  @Override
  public boolean isOpen() {
    return db.status() == Status.OPEN;
  }

  @Override
  public long getEstimatedKeys() {
    return property("rocksdb.estimate-num-keys");
  }

  @Override
  public long getLiveSstBytes() {
    return property("rocksdb.live-sst-files-size");
  }

  @Override
  public long getMemTableBytes() {
    return property("rocksdb.cur-size-all-mem-tables");
  }

  @Override
  public long getPendingCompactionBytes() {
    return property("rocksdb.estimate-pending-compaction-bytes");
  }

  @Override
  public long getRunningCompactions() {
    return property("rocksdb.num-running-compactions");
  }

  @Override
  public Map<String, Long> getStatistics() {
    Map<String, Long> named = new TreeMap<>();
    try {
      if (db.status() == Status.OPEN && db.hasStatistics()) {
        for (Map.Entry<TickerType, Long> e : db.statistics().entrySet()) {
          named.put(name(e.getKey()), e.getValue());
        }
      }
    } catch (LevelException e) {
      // closed in between: no counters
    }
    return named;
  }

  /** {@code BLOCK_CACHE_MISS} as {@code block.cache.miss}, close to RocksDB's own names. */
  static String name(TickerType t) {
    return t.name().toLowerCase(java.util.Locale.ROOT).replace('_', '.');
  }
}
