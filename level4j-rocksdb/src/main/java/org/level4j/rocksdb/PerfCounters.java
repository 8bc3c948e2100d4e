package org.level4j.rocksdb;

import org.rocksdb.PerfLevel;
import org.rocksdb.RocksDB;

/**
 * Turns RocksDB's performance counters off in each thread that reads or writes through an engine.
 *
 * <p>RocksDB keeps, per thread, counters of what its reads and writes did (its "perf context":
 * key comparisons, memtable lookups, blocks read), and counts by default. Each count finds the
 * thread's own storage, which in a library loaded at run time is a function call, several per
 * entry of a scan. level4j never reads those counters; {@link RocksDatabase}'s statistics are
 * RocksDB's other counters ({@code Statistics}), which this leaves alone.
 *
 * <p>Measured on 200,000 entries in 24 table files, a loop of rocksdbjni calls making two Strings
 * an entry, 4 new JVMs each way alternated: a first pass 140 to 147 ms with the counters off
 * against 144 to 153 on, later passes about 75 against 80. And {@code bench} as a leader, 16
 * rounds alternated with the counters on: scan median ratio per round 1.10 (faster in 10),
 * sequential gets 1.06 (faster in 13), writes unchanged.
 */
final class PerfCounters {
  /** Set in a thread once its counters are off; the level is the thread's, not a database's. */
  private static final ThreadLocal<Boolean> OFF = new ThreadLocal<>();

  private PerfCounters() { }

  /** Turns the calling thread's counters off, the first time it calls. */
  static void off(RocksDB db) {
    if (OFF.get() == null) {
      db.setPerfLevel(PerfLevel.DISABLE);
      OFF.set(Boolean.TRUE);
    }
  }
}
