package org.level4j.rocksdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.StampedLock;
import org.level4j.ChangeFeed;
import org.level4j.ChangeListener;
import org.level4j.Entry;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.RequestId;
import org.level4j.Supports;
import org.level4j.spi.Engine;
import org.level4j.spi.EngineIterator;
import org.level4j.spi.EngineSnapshot;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.HyperClockCache;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Statistics;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB engine: each primitive of {@link Engine} maps to one or a few rocksdbjni calls.
 *
 * <p>Threads: any number call in at once; the core calls nothing before {@link #open()} returns
 * or after {@link #close()} begins (it waits for calls in progress).
 *
 * <p>It is one file of over 600 lines on purpose: the two invariants explained below (the write
 * order of conditional batches, and the native handles' lifetime) hold across every primitive,
 * and each primitive is a short translation to rocksdbjni calls; split by primitive, each
 * invariant would span several files.
 */
final class RocksEngine implements Engine {
  /**
   * The name RocksDB gives its info log in a database directory; when it is a directory instead,
   * the info log goes inside it.
   */
  static final String INFO_LOG_DIRECTORY = "LOG";

  /*
   * Conditional batches. A batch with EXPECT operations must read the current values of its keys
   * and write in one indivisible step, or a plain write landing between the read and the write
   * would be lost. RocksDB gives no compare-and-set, so writes are ordered by `writeOrder`: plain
   * writes (and clears) share it, a conditional batch holds it alone. Plain writes still run in
   * parallel with each other; the shared hold costs one CAS on entry and one on exit (tens of
   * nanoseconds: the bench's WriteOrderCost), small next to a RocksDB write, which itself queues
   * writers on one log. Reads never take it.
   *
   * Native handles. Everything native lives in one `Handles` object made by open() and freed by
   * close(), published through a volatile field. Iterators and explicit snapshots are tracked so
   * that close() frees any the core did not (it closes them first; freeing twice is prevented by
   * each one's own once-only guard). RocksDB must not be closed while either is alive.
   */

  private static final Supports SUPPORTS = Supports.all();
  private static final byte[] EMPTY = new byte[0];
  /** Keys deleted per write batch when a clear must visit entries one by one. */
  private static final int CLEAR_CHUNK = 1000;

  static {
    NativeLibrary.load();
  }

  /** Runs the static initializer above, once. */
  static void loadLibrary() {}

  private final Path dir;
  private final RocksOptions options;
  private final StampedLock writeOrder = new StampedLock();
  /** Asynchronous writes not yet written; flushed first by every call that reads or writes. */
  private final WriteQueue writes;
  /**
   * Freeing an iterator or a snapshot touches the database's own structures (its mutex), so it
   * must not overlap with closing the database: a user closing an iterator in one thread while
   * the database closes in another would otherwise free it on a destroyed database, which aborts
   * the process ("pthread unlock: Invalid argument"). Frees take the read side, close the write
   * side (and may free under it).
   */
  private final java.util.concurrent.locks.ReentrantReadWriteLock release =
      new java.util.concurrent.locks.ReentrantReadWriteLock();
  private final Set<RocksCursor> cursors = ConcurrentHashMap.newKeySet();
  private final Set<RocksSnapshot> snapshots = ConcurrentHashMap.newKeySet();
  private final Set<RocksFeed> feeds = ConcurrentHashMap.newKeySet();
  private volatile Handles handles;

  RocksEngine(Path dir, RocksOptions options) {
    this(dir, options, WriteQueue.DELAY_NANOS);
  }

  /** The same, holding asynchronous writes up to {@code writeDelayNanos} (tests use a long one). */
  RocksEngine(Path dir, RocksOptions options, long writeDelayNanos) {
    this.dir = dir.toAbsolutePath();
    this.options = options;
    this.writes = new WriteQueue(this::writeNow, this::writeGroup, writeDelayNanos);
  }

  /** The native objects of one open period. */
  private static final class Handles {
    final Options options;
    final Cache cache;
    final BloomFilter filter;
    final RocksDB db;
    final RequestLog requests;
    /** Options of a multi-family open, freed after the database (RocksDB frees the handles). */
    final List<AutoCloseable> familyOptions;
    final ReadOptions latest = new ReadOptions();
    final WriteOptions plain;
    final WriteOptions sync;
    final LogBound bound; // null unless RocksOptions.flushAfter is set
    final CompactionHold hold; // null if automatic compactions are off anyway
    final ArchivePurge purge; // null if no flushed log is kept
    final Tuning tuning;

    Handles(Options options, Cache cache, BloomFilter filter, RocksDB db, RequestLog requests,
        List<AutoCloseable> familyOptions, boolean syncAlways, LogBound bound,
        CompactionHold hold, ArchivePurge purge, Tuning tuning) {
      this.options = options;
      this.cache = cache;
      this.filter = filter;
      this.db = db;
      this.requests = requests;
      this.familyOptions = familyOptions;
      this.plain = new WriteOptions().setSync(syncAlways);
      this.sync = new WriteOptions().setSync(true);
      this.bound = bound;
      this.hold = hold;
      this.purge = purge;
      this.tuning = tuning;
    }
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  @Override
  public void open() {
    if (!options.createIfMissing() && !Files.isDirectory(dir)) {
      // Checked here because RocksDB would create the directory before refusing.
      throw new LevelException(ErrorCode.LEVEL_DATABASE_MISSING,
          dir + " does not exist and createIfMissing is false");
    }
    try {
      if (options.createIfMissing()) {
        OwnerOnly.createDirectories(dir);
      }
      OwnerOnly.lockFile(dir);
    } catch (IOException e) {
      throw new LevelException(ErrorCode.LEVEL_IO_ERROR,
          "cannot create the directory " + dir + " or its LOCK file: " + e, e);
    }
    Cache cache = blockCache(options);
    BloomFilter filter = new BloomFilter(10);
    Options o = nativeOptions(options, cache, filter);
    Path infoLogs = dir.resolve(INFO_LOG_DIRECTORY);
    if (Files.isDirectory(infoLogs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      // A RaveLevel directory keeps RocksDB's info log in a directory LOG (see RaveLevel's
      // LevelDbGuard); RocksDB's own default would rename that directory and write a file LOG.
      o.setDbLogDir(infoLogs.toString());
    }
    LogBound bound = options.flushAfter().isZero() ? null
        : new LogBound(options.flushAfter().toNanos(), release.readLock());
    if (bound != null) {
      bound.listenOn(o);
    }
    RocksDB db;
    RequestLog requests = new RequestLog();
    List<AutoCloseable> familyOptions = new ArrayList<>();
    Tuning tuning = null;
    CompactionHold hold = null;
    List<ColumnFamilyHandle> held;
    try {
      tuning = Tuning.apply(options, o); // the user's adjustment wins over everything above
      hold = CompactionHold.before(o, release.readLock());
      Opened opened;
      boolean withRequests = RequestLog.exists(o, dir);
      try {
        opened = openFamilies(o, withRequests, requests, familyOptions, bound);
      } catch (RocksDBException e) {
        if (!RequestLog.familiesDiffer(e)) {
          throw e;
        }
        // The newest OPTIONS file lagged behind the MANIFEST (a crash between writing the two
        // when the requests family was created): the MANIFEST decides.
        closeAll(familyOptions);
        familyOptions.clear();
        opened = openFamilies(o, RequestLog.listed(o, dir), requests, familyOptions, bound);
      }
      db = opened.db();
      held = opened.held();
    } catch (RocksDBException | RuntimeException e) {
      if (tuning != null) {
        tuning.close();
      }
      if (bound != null) {
        bound.close();
      }
      requests.close();
      closeAll(familyOptions);
      o.close();
      filter.close();
      if (cache != null) {
        cache.close();
      }
      throw e instanceof RocksDBException ? openFailure(dir, (RocksDBException) e)
          : (RuntimeException) e;
    }
    OwnerOnly.warnIfOthersCanRead(dir);
    flushIfManyLogs(db, o.walDir().isEmpty() ? dir : Path.of(o.walDir()), held, requests);
    if (bound != null) {
      bound.start(db);
    }
    if (hold != null) {
      hold.start(db, held);
    }
    ArchivePurge purge = null;
    if (ArchivePurge.needed(options.walTtl(), options.walSizeLimitBytes())) {
      purge = new ArchivePurge(dir, options.walTtl(),
          mebibytes(options.walSizeLimitBytes()) << 20, release.readLock());
      purge.start(db);
    }
    handles = new Handles(o, cache, filter, db, requests, familyOptions, options.syncWrites(),
        bound, hold, purge, tuning);
  }

  /**
   * The live write-ahead log files at which an open flushes the memtables before it returns.
   *
   * <p>Why: an open replays the logs into the memtable without flushing them (RocksDB's
   * avoid_flush_during_recovery, for a fast takeover) and starts a new log, and a clean close
   * does not flush either; a log is deleted only once a flush has written what it holds to a
   * table file. So a directory opened many times with a few writes each, never enough to fill
   * a memtable, kept every log it ever had: 300 runs of {@code level4j put} left 300 log files,
   * each opened and replayed by every later open. The flush waits: one left to the background
   * can still be waiting to start when a short-lived process closes the database, and RocksDB
   * drops a flush that has not started by then, after starting a new log for it (in one run of
   * the full test suite, 48 opens and closes left 81 logs). It costs one open in {@value} of such
   * a directory the time to write a table
   * file. A leader under load flushes long before this many logs (see {@link
   * RocksOptions#flushAfter()}), so a takeover only lists the directory.
   */
  static final int MANY_LOGS = 16;

  private static void flushIfManyLogs(RocksDB db, Path walDir, List<ColumnFamilyHandle> held,
      RequestLog requests) {
    int logs = 0;
    try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(walDir, "*.log")) {
      for (Path ignored : files) {
        logs++;
      }
    } catch (IOException | RuntimeException e) {
      return; // only tidying: the database is open either way
    }
    if (logs < MANY_LOGS) {
      return;
    }
    // Every family that may hold writes: a log goes once none of them needs it.
    List<ColumnFamilyHandle> families = new ArrayList<>(held);
    if (requests.family() != null) {
      families.add(requests.family());
    }
    try (FlushOptions f = new FlushOptions().setWaitForFlush(true)) {
      db.flush(f, families);
    } catch (RocksDBException e) {
      // only tidying: the next open tries again
    }
  }

  /** A database just opened, and the handles of the column families that hold user data. */
  private record Opened(RocksDB db, List<ColumnFamilyHandle> held) { }

  /**
   * Opens RocksDB with the default column family, and the requests family too if {@code
   * withRequests} (RocksDB opens all of a database's families or none); options made for that
   * go to {@code familyOptions}, to be freed after the database.
   */
  private Opened openFamilies(Options o, boolean withRequests, RequestLog requests,
      List<AutoCloseable> familyOptions, LogBound bound) throws RocksDBException {
    if (!withRequests) {
      RocksDB db = RocksDB.open(o, dir.toString());
      return new Opened(db, List.of(db.getDefaultColumnFamily()));
    }
    DBOptions dbOptions = new DBOptions(o);
    familyOptions.add(dbOptions);
    if (bound != null) {
      bound.listenOn(dbOptions);
    }
    ColumnFamilyOptions dataOptions = new ColumnFamilyOptions(o);
    familyOptions.add(dataOptions);
    List<ColumnFamilyHandle> cfs = new ArrayList<>();
    RocksDB db = RocksDB.open(dbOptions, dir.toString(), List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, dataOptions),
        requests.descriptor()), cfs);
    requests.opened(cfs.get(1)); // cfs.get(0), the default family, is freed by closeE()
    return new Opened(db, List.of(cfs.get(0)));
  }

  private static void closeAll(List<AutoCloseable> all) {
    for (AutoCloseable c : all) {
      try {
        c.close();
      } catch (Exception e) {
        // native handles do not fail to close
      }
    }
  }

  /**
   * The block cache {@code options} ask for, or null for none: RocksDB's HyperClockCache, sized
   * by {@link RocksOptions#blockCacheBytes()}, with its table grown as needed (an estimated entry
   * charge of 0) and the capacity a target, not a hard limit, as for RocksDB's default LRUCache.
   *
   * <p>Why not the LRUCache: every lookup in it takes a lock of its shard, and a scan looks up
   * each block it reads (even one that does not fill the cache), a get each block too. The clock
   * cache finds entries without a lock. Measured with {@code bench} as leader, 8 rounds ABBA on
   * one build: a leader's scan median ratio per round 1.05 (faster in 7), {@code get_seq} 1.04
   * (faster in 7), {@code get_window64} 1.04, writes unchanged; {@code bench --failover 2 --kills
   * 8}, 6 runs each way: the follower that took over 18.8 ms (median of the runs' medians) against
   * 18.1 with the LRUCache, the others 20.4 against 20.1, no difference beyond the runs' spread.
   */
  static Cache blockCache(RocksOptions options) {
    long bytes = options.blockCacheBytes();
    return bytes > 0 ? new HyperClockCache(bytes, 0, -1, false) : null;
  }

  /**
   * The RocksDB options {@code options} stand for. The benchmarks mirror these settings for their
   * raw rocksdbjni side; keep the two in step.
   */
  static Options nativeOptions(RocksOptions options, Cache cache, BloomFilter filter) {
    BlockBasedTableConfig table = new BlockBasedTableConfig().setFilterPolicy(filter);
    if (cache != null) {
      table.setBlockCache(cache);
    } else {
      table.setNoBlockCache(true);
    }
    Options base;
    try (DBOptions db = reopenFast(); ColumnFamilyOptions family = defaultFamilyOptions()) {
      base = new Options(db, family); // copies both; every column family option is set below
    }
    base
        .setCreateIfMissing(options.createIfMissing())
        .setErrorIfExists(options.errorIfExists())
        .setWriteBufferSize(options.writeBufferBytes())
        .setCompressionType(compression(options.compression()))
        .setTableFormatConfig(table)
        // A failed open (a locked directory) rotates the info log; keep a few, not a thousand.
        .setKeepLogFileNum(5)
        // And a long-lived database rolls it at a size, so that it cannot fill the disk: RocksDB
        // otherwise lets one info log grow for as long as the database stays open.
        .setMaxLogFileSize(INFO_LOG_ROLL_BYTES)
        // Opening after a crash is on the failover path of RaveLevel: replay the WAL into the
        // memtable without flushing it to a new table file first, and skip reading every table's
        // properties for statistics.
        .setAvoidFlushDuringRecovery(true)
        .setSkipStatsUpdateOnDbOpen(true)
        // Files made obsolete by the open (the old log, MANIFEST, OPTIONS) are deleted by a
        // background thread, not by the one that opens.
        .setAvoidUnnecessaryBlockingIO(true)
        // RocksDB opens the table files on open with up to 16 threads it starts and ends for
        // that alone: traced during a RaveLevel takeover, 16 thread starts for a handful of files.
        .setMaxFileOpeningThreads(1)
        // The change feed reads the log: keep flushed log files a while (RocksOptions.walTtl).
        .setWalTtlSeconds(options.walTtl().toSeconds())
        .setWalSizeLimitMB(mebibytes(options.walSizeLimitBytes()));
    if (!options.flushAfter().isZero()) {
      smallFlushes(base);
    }
    return base;
  }

  /**
   * Level 0's triggers, the base level and the info log's level when {@link
   * RocksOptions#flushAfter()} is on:
   * compaction at 16 files instead of RocksDB's 4, slowing writes at 48 instead of 20, stopping
   * them at 64 instead of 36; a base level of 16 MiB; warnings and errors only in the info log.
   *
   * <p>Why: RocksDB counts level 0's files, not their bytes, and assumes each is a full write
   * buffer. flushAfter makes them much smaller (a RaveLevel leader serving four followers
   * flushes about 300 KB every 40 ms), and where their keys span the key range each compaction
   * of 4 of them rewrites the whole level below: the more data, the more each put costs.
   * Measured with {@code bench/cpu-per-put.py} (a leader and 4 followers, 40,000 sequential puts
   * each, 3 alternated rounds): the leader's compaction thread 18.5 to 19.9 microseconds of CPU
   * per put at 4 files, 13.3 to 14.7 at 8, 7.0 to 7.4 at 16. Bulk writers still fill whole
   * buffers, so level 0 may hold up to 16 of those before compacting. Lookups consult one bloom
   * filter per level 0 file whose key range holds the key.
   *
   * <p>And a base level of {@link #SMALL_FLUSHES_BASE_BYTES} instead of RocksDB's 256 MiB. Level
   * 0's files are compacted into the base level, the first level under level 0 that holds data;
   * while the whole database fits in the base level's size, that is the last level itself, and with
   * keys spread over the key range each such compaction rewrites all of it. With flushAfter's
   * small files that happened every 16 small flushes, however large the database had grown.
   * Measured with level4j-bench's CompactionCost (45,000 random keys a second with RaveLevel's
   * options, 100-byte values, 4 million possible keys, 25 s, about 150 MB on disk), two
   * alternated pairs, RocksDB's own count of the compactions' CPU: 16.0 and 16.7 microseconds per
   * put at 256 MiB, 8.9 and 7.2 at 16 MiB; bytes they wrote per put 1,319 and 1,408 against 731
   * and 631. A database under 16 MiB is laid out as before.
   *
   * <p>And an info log of warnings and errors only: at INFO, RocksDB writes about 2.5 KB of
   * lines per flush and compaction, which at 25 small flushes a second came to 312 KB in one
   * 2.5-second benchmark run (a follower's 100,000 sequential puts and 100 batches of 1,000 to
   * {@code level4j serve}), and writing them is work on the flush threads. The header (RocksDB's
   * version and every option) is still written at each open. The open itself writes fewer lines
   * too: a scratch variant of level4j-bench's TakeoverOpen (a takeover's open of a killed
   * leader's directory, 12 table files, 3,000 entries in the log, 60 and 2 × 80 alternated
   * rounds) measured 5.10, 5.29 and 5.57 ms at WARN against 5.46, 5.65 and 5.94 at INFO
   * (medians; the opening thread's CPU 4.25, 4.60, 4.75 against 4.57, 4.95, 5.23 ms). {@code
   * adjust(o -> o.setInfoLogLevel(InfoLogLevel.INFO_LEVEL))} brings the events back.
   *
   * <p>And a new MANIFEST once the current one passes {@link #MANIFEST_ROLL_BYTES}: each flush
   * and compaction appends an entry to it, every open reads all of them, and RocksDB's default
   * starts a new one only at 1 GiB (then, with its {@code max_manifest_space_amp_pct}, at six
   * times what the current state takes, which keeps large databases from starting one too often).
   */
  private static void smallFlushes(Options o) {
    o.setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
        .setLevel0FileNumCompactionTrigger(16)
        .setLevel0SlowdownWritesTrigger(48)
        .setLevel0StopWritesTrigger(64)
        .setMaxBytesForLevelBase(SMALL_FLUSHES_BASE_BYTES)
        .setMaxManifestFileSize(MANIFEST_ROLL_BYTES);
  }

  /**
   * RocksDB's default column family options, copied from one set kept for the JVM's life.
   *
   * <p>Why: RocksDB's defaults include a table factory with a 32 MiB block cache of its own, made
   * with every new set of options. Replaced by ours, it was freed when the set closed, during the
   * open; freeing it unmaps its memory, which interrupts every processor (a TLB shootdown). A
   * copy shares the kept set's factory, so nothing is freed. Measured on a RaveLevel takeover
   * (perf, bench --failover 4, 8 kills): that free was 1 to 2 ms of the opening thread's CPU,
   * of 12 to 30.
   */
  static ColumnFamilyOptions defaultFamilyOptions() {
    return new ColumnFamilyOptions(Defaults.FAMILY);
  }

  /** Created on first use, after RocksDB's native library is loaded. */
  private static final class Defaults {
    static final ColumnFamilyOptions FAMILY = new ColumnFamilyOptions();
  }

  /** {@code bytes} in whole MiB, rounded up (RocksDB counts the archive's limit in MiB). */
  private static long mebibytes(long bytes) {
    return (bytes + (1L << 20) - 1) >> 20;
  }

  /**
   * The MANIFEST size at which RocksDB starts a new one when {@link RocksOptions#flushAfter()} is
   * on: about 500 flushes' entries of some 130 bytes. A RaveLevel leader under steady writes
   * appended over 1,000 entries a minute, which every later open read back one by one; a new
   * MANIFEST holds only the current state (a few KiB), written by the flush that passes the size.
   */
  static final long MANIFEST_ROLL_BYTES = 64L << 10;

  /**
   * The size at which RocksDB starts a new info log; with {@code keep_log_file_num} 5, a
   * directory's info logs take at most about six times this.
   */
  static final long INFO_LOG_ROLL_BYTES = 4L << 20;

  /** The base level's size when {@link RocksOptions#flushAfter()} is on (see smallFlushes). */
  static final long SMALL_FLUSHES_BASE_BYTES = 16L << 20;

  /**
   * Database options with {@code reuse_manifest_on_open}, which the Java API does not name: an
   * open appends to the existing MANIFEST instead of writing a new one and pointing CURRENT at
   * it, which costs four synchronous writes to the disk (the new MANIFEST, a temporary CURRENT,
   * its rename and the directory). A RaveLevel takeover opens RocksDB before anyone is answered,
   * so those waits were part of every follower's outage. RocksDB calls the option experimental
   * and falls back to a new MANIFEST whenever it cannot reuse the old one safely. Measured (bench
   * --failover 2 --kills 8, two alternated pairs, a machine busy with other builds): from the lock
   * won to RocksDB open, 15.2 and 22.2 ms without, 12.9 and 13.9 ms with.
   */
  private static DBOptions reopenFast() {
    Properties p = new Properties();
    p.setProperty("reuse_manifest_on_open", "true");
    DBOptions o = DBOptions.getDBOptionsFromProps(p);
    if (o == null) {
      return new DBOptions(); // a RocksDB that does not know the option: open as before
    }
    return o;
  }

  private static CompressionType compression(RocksOptions.Compression c) {
    switch (c) {
      case NONE:
        return CompressionType.NO_COMPRESSION;
      case SNAPPY:
        return CompressionType.SNAPPY_COMPRESSION;
      case ZSTD:
        return CompressionType.ZSTD_COMPRESSION;
      default:
        return CompressionType.LZ4_COMPRESSION;
    }
  }

  java.util.concurrent.locks.Lock nativeRelease() {
    return release.readLock();
  }

  @Override
  public void close() {
    writes.flush(); // asynchronous writes nobody waited for are written, not dropped
    // Before the lock: a feed's thread takes its read side to read the log, and is waited for.
    for (RocksFeed f : List.copyOf(feeds)) {
      f.close();
    }
    release.writeLock().lock();
    try {
      closeLocked();
    } finally {
      release.writeLock().unlock();
    }
  }

  private void closeLocked() {
    Handles h = handles;
    if (h == null) {
      return;
    }
    handles = null;
    for (RocksCursor c : List.copyOf(cursors)) {
      c.close();
    }
    for (RocksSnapshot s : List.copyOf(snapshots)) {
      s.close();
    }
    h.latest.close();
    h.plain.close();
    h.sync.close();
    if (h.bound != null) {
      h.bound.stop();
    }
    if (h.purge != null) {
      h.purge.stop();
    }
    if (h.hold != null) {
      h.hold.stop();
    }
    try {
      h.db.closeE();
    } catch (RocksDBException e) {
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_CLOSED,
          "RocksDB did not close " + dir + " cleanly: " + e.getMessage(), e);
    } finally {
      // closeE() freed every column family handle first; what the families were opened with goes
      // after the database.
      closeAll(h.familyOptions);
      if (h.bound != null) {
        h.bound.close();
      }
      h.requests.close();
      h.options.close();
      h.tuning.close();
      h.filter.close();
      if (h.cache != null) {
        h.cache.close();
      }
    }
  }

  @Override
  public Supports supports() {
    return SUPPORTS;
  }

  // ---- reads ---------------------------------------------------------------------------------

  @Override
  public byte[] get(byte[] key, EngineSnapshot snapshot) {
    writes.flush();
    Handles h = handles;
    PerfCounters.off(h.db);
    try {
      return h.db.get(readOptions(h, snapshot), key);
    } catch (RocksDBException e) {
      throw failure("read", e);
    }
  }

  @Override
  public List<byte[]> getMany(List<byte[]> keys, EngineSnapshot snapshot) {
    writes.flush();
    if (keys.isEmpty()) {
      return new ArrayList<>(0);
    }
    Handles h = handles;
    PerfCounters.off(h.db);
    try {
      return h.db.multiGetAsList(readOptions(h, snapshot), keys);
    } catch (RocksDBException e) {
      throw failure("read", e);
    }
  }

  private static ReadOptions readOptions(Handles h, EngineSnapshot snapshot) {
    return snapshot == null ? h.latest : ((RocksSnapshot) snapshot).readOptions;
  }

  @Override
  public EngineIterator iterator(Range<byte[]> range, boolean keys, boolean values,
      EngineSnapshot snapshot) {
    writes.flush();
    RocksSnapshot s = (RocksSnapshot) snapshot;
    RocksCursor c = new RocksCursor(this, handles.db, range, keys, values,
        s == null ? null : s.snapshot);
    cursors.add(c);
    return c;
  }

  void forget(RocksCursor c) {
    cursors.remove(c);
  }

  @Override
  public EngineSnapshot snapshot() {
    writes.flush();
    RocksSnapshot s = new RocksSnapshot(this, handles.db);
    snapshots.add(s);
    return s;
  }

  void forget(RocksSnapshot s) {
    snapshots.remove(s);
  }

  // ---- writes --------------------------------------------------------------------------------

  /** A RocksDB property of the open database, for tests (WAL syncs in "rocksdb.dbstats"). */
  String property(String name) {
    writes.flush();
    try {
      return handles.db.getProperty(name);
    } catch (RocksDBException e) {
      throw failure("read property " + name, e);
    }
  }

  @Override
  public void write(List<Op<byte[], byte[]>> ops, boolean sync) {
    writes.flush();
    if (!hasExpect(ops)) {
      writeNow(ops, sync);
      return;
    }
    Handles h = handles;
    long stamp = writeOrder.writeLock();
    try {
      check(h, ops);
      apply(h, sync ? h.sync : h.plain, ops);
    } finally {
      writeOrder.unlockWrite(stamp);
    }
    wrote();
  }

  /**
   * Held back and written with the other asynchronous writes made meanwhile (see {@link
   * WriteQueue}); a write with preconditions is written at once, as {@link #write} does.
   */
  @Override
  public CompletableFuture<Void> writeAsync(List<Op<byte[], byte[]>> ops, boolean sync) {
    return hasExpect(ops) ? Engine.super.writeAsync(ops, sync) : writes.add(ops, sync);
  }

  /**
   * Plain puts and dels, written at once by the core's thread (the core's gate keeps the
   * database open), in the order of the other plain writes: they share the write order.
   */
  private void writeNow(List<Op<byte[], byte[]>> ops, boolean sync) {
    Handles h = handles;
    long stamp = writeOrder.readLock();
    try {
      apply(h, sync ? h.sync : h.plain, ops);
    } finally {
      writeOrder.unlockRead(stamp);
    }
    wrote();
  }

  /** Writes a group of held writes: plain puts and dels, in order. */
  private void writeGroup(List<Op<byte[], byte[]>> ops, boolean sync) {
    // The timer's thread writes too, outside the core's gate: the release lock keeps the
    // database open under it.
    java.util.concurrent.locks.Lock l = release.readLock();
    l.lock();
    try {
      if (handles == null) {
        throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPEN,
            "the database closed before the write was applied");
      }
      writeNow(ops, sync);
    } finally {
      l.unlock();
    }
  }

  @Override
  public boolean write(List<Op<byte[], byte[]>> ops, boolean sync, RequestId request) {
    writes.flush();
    Handles h = handles;
    WriteOptions wo = sync ? h.sync : h.plain;
    long stamp = writeOrder.writeLock();
    try {
      if (h.requests.applied(h.db, request)) {
        return false;
      }
      if (hasExpect(ops)) {
        check(h, ops);
      }
      long now = System.currentTimeMillis();
      WriteBatch built = SerializedBatch.of(ops);
      try (WriteBatch batch = built != null ? built : new WriteBatch()) {
        h.requests.record(h.db, batch, request, now);
        h.db.write(wo, batch);
      }
      h.requests.committed(h.db, request, now);
      wrote();
      return true;
    } catch (RocksDBException e) {
      throw failure("write", e);
    } finally {
      writeOrder.unlockWrite(stamp);
    }
  }

  // ---- change feed (see RocksFeed) -------------------------------------------------------------

  /** Revisions are RocksDB's sequence numbers: this is the last one written. */
  @Override
  public long revision() {
    writes.flush();
    return handles.db.getLatestSequenceNumber();
  }

  @Override
  public ChangeFeed changes(Range<byte[]> range, long fromRevision, ChangeListener listener) {
    writes.flush();
    long from = fromRevision > 0 ? fromRevision : revision() + 1;
    RocksFeed f = new RocksFeed(this, range, from, listener);
    feeds.add(f);
    f.start();
    return f;
  }

  /** A slice of the log from {@code from} for a feed's thread; null once the engine closed. */
  WalSlice readLog(long from, Range<byte[]> range) {
    java.util.concurrent.locks.Lock l = release.readLock();
    l.lock();
    try {
      Handles h = handles;
      return h == null ? null : WalSlice.read(h.db, from, range);
    } finally {
      l.unlock();
    }
  }

  void forget(RocksFeed f) {
    feeds.remove(f);
  }

  /** How many times the flush limit's check ran (LogBound), for tests; 0 without a limit. */
  long flushChecks() {
    Handles h = handles;
    return h == null || h.bound == null ? 0 : h.bound.checks();
  }

  /** Whether the flush limit's check sleeps until the next write (LogBound), for tests. */
  boolean flushCheckSleeps() {
    Handles h = handles;
    return h != null && h.bound != null && h.bound.sleeps();
  }

  /**
   * After a write: the flush limit's check wakes if it slept for want of writes, and feeds that
   * caught up look at the log again.
   */
  private void wrote() {
    Handles h = handles;
    if (h != null && h.bound != null) {
      h.bound.written();
    }
    if (!feeds.isEmpty()) {
      for (RocksFeed f : feeds) {
        f.wake();
      }
    }
  }

  private static boolean hasExpect(List<Op<byte[], byte[]>> ops) {
    for (int i = 0, n = ops.size(); i < n; i++) {
      if (ops.get(i).type() == Op.Type.EXPECT) {
        return true;
      }
    }
    return false;
  }

  /** Fails with LEVEL_CONFLICT unless every EXPECT holds now; caller holds the write order. */
  private void check(Handles h, List<Op<byte[], byte[]>> ops) {
    List<Op<byte[], byte[]>> expects = new ArrayList<>();
    List<byte[]> keys = new ArrayList<>();
    for (Op<byte[], byte[]> op : ops) {
      if (op.type() == Op.Type.EXPECT) {
        expects.add(op);
        keys.add(op.key());
      }
    }
    List<byte[]> actual;
    try {
      actual = h.db.multiGetAsList(h.latest, keys);
    } catch (RocksDBException e) {
      throw failure("read the keys a conditional batch expects", e);
    }
    for (int i = 0; i < expects.size(); i++) {
      Op<byte[], byte[]> op = expects.get(i);
      byte[] a = actual.get(i);
      if (!Arrays.equals(a, op.value())) {
        throw Engine.conflict(op, a);
      }
    }
  }

  private void apply(Handles h, WriteOptions wo, List<Op<byte[], byte[]>> ops) {
    PerfCounters.off(h.db);
    try {
      if (ops.size() == 1) {
        // One operation needs no batch object: one native call instead of four.
        Op<byte[], byte[]> op = ops.get(0);
        if (op.type() == Op.Type.PUT) {
          h.db.put(wo, op.key(), op.value());
        } else if (op.type() == Op.Type.DEL) {
          h.db.delete(wo, op.key());
        }
        return;
      }
      WriteBatch batch = SerializedBatch.of(ops);
      if (batch != null) {
        try (batch) {
          h.db.write(wo, batch);
        }
      }
    } catch (RocksDBException e) {
      throw failure("write", e);
    }
  }

  @Override
  public void clear(Range<byte[]> range) {
    writes.flush();
    Handles h = handles;
    Bounds b = Bounds.of(range);
    if (b.empty) {
      return;
    }
    long stamp = writeOrder.readLock();
    try {
      if (range.limit() < 0) {
        clearAll(h, b);
      } else if (range.limit() > 0) {
        clearSome(h, range);
      }
    } catch (RocksDBException e) {
      throw failure("clear", e);
    } finally {
      writeOrder.unlockRead(stamp);
    }
    wrote();
  }

  /** Deletes everything between the bounds with one range tombstone. */
  private void clearAll(Handles h, Bounds b) throws RocksDBException {
    byte[] start = b.lower == null ? EMPTY : b.lower;
    if (b.upper != null) {
      h.db.deleteRange(h.plain, start, b.upper);
      return;
    }
    // deleteRange needs an end: use the last key there is, deleted on its own.
    byte[] last;
    try (ReadOptions ro = new ReadOptions();
        org.rocksdb.Slice lower = new org.rocksdb.Slice(start);
        RocksIterator it = h.db.newIterator(ro.setIterateLowerBound(lower))) {
      it.seekToLast();
      if (!it.isValid()) {
        it.status();
        return;
      }
      last = it.key();
    }
    try (WriteBatch batch = new WriteBatch()) {
      batch.deleteRange(start, last);
      batch.delete(last);
      h.db.write(h.plain, batch);
    }
  }

  /** Deletes the first {@code limit} entries in the range's direction, a chunk at a time. */
  private void clearSome(Handles h, Range<byte[]> range) throws RocksDBException {
    RocksCursor c = new RocksCursor(this, h.db, range, true, false, null);
    try {
      int left = range.limit();
      while (left > 0) {
        List<Entry<byte[], byte[]>> part = c.nextv(Math.min(left, CLEAR_CHUNK));
        if (part.isEmpty()) {
          break;
        }
        List<Op<byte[], byte[]>> dels = new ArrayList<>(part.size());
        for (Entry<byte[], byte[]> e : part) {
          dels.add(Op.del(e.key()));
        }
        try (WriteBatch batch = SerializedBatch.of(dels)) {
          h.db.write(h.plain, batch);
        }
        left -= part.size();
      }
    } finally {
      c.close();
    }
  }

  // ---- RocksDB's own features (RocksDatabase) -----------------------------------------------

  /** A call on the open database's native objects; see {@link #withOpen}. */
  interface NativeCall<T> {
    T call(RocksDB db, Statistics statistics) throws RocksDBException;
  }

  /**
   * Runs {@code call} on the open database; {@link #close()} waits for it (it holds the read side
   * of {@code release}). Fails with LEVEL_DATABASE_NOT_OPEN when closed, and turns RocksDB's
   * failure into a LevelException saying what was being done.
   */
  <T> T withOpen(String doing, NativeCall<T> call) {
    writes.flush(); // a checkpoint, a compaction or a figure includes the writes made before
    release.readLock().lock();
    try {
      Handles h = handles;
      if (h == null) {
        throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPEN,
            "cannot " + doing + ": the database in " + dir + " is not open");
      }
      return call.call(h.db, h.tuning.statistics);
    } catch (RocksDBException e) {
      throw failure(doing, e);
    } finally {
      release.readLock().unlock();
    }
  }

  Path dir() {
    return dir;
  }

  // ---- failures ------------------------------------------------------------------------------

  /** A RocksDB failure during an operation, as the LevelException a user can act on. */
  LevelException failure(String doing, RocksDBException e) {
    Status s = e.getStatus();
    ErrorCode code = s != null && s.getCode() == Status.Code.Corruption
        ? ErrorCode.LEVEL_CORRUPTION : ErrorCode.LEVEL_IO_ERROR;
    return new LevelException(code, "RocksDB could not " + doing + " in " + dir + ": "
        + e.getMessage(), e);
  }

  /** Why RocksDB.open failed, told so that the person reading it knows what to do. */
  static LevelException openFailure(Path dir, RocksDBException e) {
    String m = String.valueOf(e.getMessage());
    Status s = e.getStatus();
    Status.Code code = s == null ? null : s.getCode();
    if (m.contains("lock hold by current process")) {
      return new LevelException(ErrorCode.LEVEL_LOCKED, dir
          + " is already open in this process; close that Database first, or share it instead "
          + "of opening the directory twice", e);
    }
    if (m.contains("While lock file") || (code == Status.Code.IOError && m.contains("LOCK:"))) {
      return new LevelException(ErrorCode.LEVEL_LOCKED, dir
          + " is held by another process; use RaveLevel (or ./level4j, which does) to share it",
          e);
    }
    if (m.contains("create_if_missing is false")) {
      return new LevelException(ErrorCode.LEVEL_DATABASE_MISSING, dir
          + " holds no database and createIfMissing is false", e);
    }
    if (m.contains("error_if_exists is true")) {
      return new LevelException(ErrorCode.LEVEL_DATABASE_EXISTS, dir
          + " already holds a database and errorIfExists is true", e);
    }
    if (m.contains("legacy magic number")) {
      return new LevelException(ErrorCode.LEVEL_CORRUPTION, dir
          + " holds table files in the legacy format LevelDB writes, which RocksDB 11 cannot "
          + "read; upgrade it by opening it with RocksDB 10.x and compacting it fully (LevelDB "
          + "cannot read it afterwards): " + m, e);
    }
    if (code == Status.Code.Corruption) {
      return new LevelException(ErrorCode.LEVEL_CORRUPTION, dir
          + " holds damaged data RocksDB cannot open: " + m, e);
    }
    return new LevelException(ErrorCode.LEVEL_IO_ERROR, "RocksDB could not open " + dir + ": " + m,
        e);
  }
}
