package org.level4j.rocksdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.level4j.RequestId;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * The records of applied requests ({@link RequestId}), kept in a column family of their own so
 * that no iterator, clear or count of the user's data ever meets them. The column family is
 * created on the first write that carries a request id, so databases that never use one stay
 * plain single-column-family RocksDB directories that any RocksDB tool opens.
 *
 * <p>A record's key is {@code length(client) ‖ client ‖ seq (8 bytes, big-endian)}, its value the
 * time it was written (8 bytes, epoch milliseconds). Records are deleted when their client says it
 * will not retry them ({@link RequestId#settledBelow()}): this engine remembers which records it
 * wrote, so it deletes exactly those, in the batch of the client's next request. Records it does
 * not know of (written before a restart, or by a client that went away) are swept after {@link
 * #KEEP_MILLIS}.
 *
 * <p>All methods but the static ones are called under the engine's exclusive write order.
 */
final class RequestLog implements AutoCloseable {
  static final byte[] NAME = "level4j-requests".getBytes(StandardCharsets.US_ASCII);
  /** How long a record nobody settled is kept: a retry later than this may apply twice. */
  static final long KEEP_MILLIS = 60 * 60 * 1000L;
  /** Request writes between two sweeps of stale records. */
  private static final int SWEEP_EVERY = 4096;

  private final ColumnFamilyOptions options = RocksEngine.defaultFamilyOptions()
      .setWriteBufferSize(4 << 20);
  private volatile ColumnFamilyHandle handle;
  private final Map<ByteBuffer, TreeSet<Long>> written = new HashMap<>();
  private long writes;

  /**
   * True if {@code dir} holds a database that has the requests column family, as RocksDB's
   * newest {@code OPTIONS} file lists it; without one, as the MANIFEST does ({@link #listed}).
   *
   * <p>Why the OPTIONS file: asking the MANIFEST reads all of it in a native call, and this runs
   * on the way to every open, a RaveLevel takeover's too, where it took about 1.6 ms, the
   * OPTIONS file about 0.4 ({@code bench --failover 4}, 8 kills, stamped in a build not kept;
   * docs/benchmarks.md, session 13). RocksDB rewrites the OPTIONS file at every open and every
   * family it creates, after the MANIFEST: a crash between the two leaves it behind, and the open
   * it misled fails with {@link #familiesDiffer}; the caller then asks {@link #listed}.
   */
  static boolean exists(Options o, Path dir) {
    if (!Files.exists(dir.resolve("CURRENT"))) {
      return false;
    }
    Boolean inOptions = inNewestOptionsFile(dir);
    return inOptions != null ? inOptions : listed(o, dir);
  }

  /** True if the MANIFEST of the database in {@code dir} lists the requests column family. */
  static boolean listed(Options o, Path dir) {
    try {
      for (byte[] name : RocksDB.listColumnFamilies(o, dir.toString())) {
        if (java.util.Arrays.equals(name, NAME)) {
          return true;
        }
      }
      return false;
    } catch (RocksDBException e) {
      return false; // the open that follows reports what is wrong with the directory
    }
  }

  /**
   * Whether the newest OPTIONS file lists the family; null if there is none or it is unreadable.
   * Plain loops and a plain listing: this runs once per open, interpreted, where a first lambda
   * or a glob's regular expression costs more than the file.
   */
  static Boolean inNewestOptionsFile(Path dir) {
    String[] names = dir.toFile().list();
    if (names == null) {
      return null;
    }
    String newest = null;
    long newestNumber = -1;
    for (String name : names) {
      long number = optionsFileNumber(name);
      if (number > newestNumber) {
        newestNumber = number;
        newest = name;
      }
    }
    if (newest == null) {
      return null;
    }
    try {
      byte[] text = Files.readAllBytes(dir.resolve(newest));
      return new String(text, StandardCharsets.ISO_8859_1).contains(OPTIONS_SECTION);
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  /** The number of an OPTIONS file named {@code name}, or -1 if it names something else. */
  static long optionsFileNumber(String name) {
    if (!name.startsWith("OPTIONS-") || name.length() == 8 || name.length() > 26) {
      return -1;
    }
    long number = 0;
    for (int i = 8; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return -1; // OPTIONS-000014.dbtmp, a file RocksDB has not finished writing
      }
      number = number * 10 + (c - '0');
    }
    return number;
  }

  /** The section of an OPTIONS file that holds the requests family's options. */
  private static final String OPTIONS_SECTION =
      "[CFOptions \"" + new String(NAME, StandardCharsets.US_ASCII) + "\"]";

  /**
   * Whether RocksDB refused to open because the column families asked for are not the
   * database's: one it has was left out, or one asked for is missing.
   */
  static boolean familiesDiffer(RocksDBException e) {
    org.rocksdb.Status s = e.getStatus();
    String m = e.getMessage() == null ? "" : e.getMessage();
    return (s == null || s.getCode() == org.rocksdb.Status.Code.InvalidArgument)
        && (m.contains("Column families not opened") || m.contains("Column family not found"));
  }

  /** The descriptor to open an existing requests column family with. */
  ColumnFamilyDescriptor descriptor() {
    return new ColumnFamilyDescriptor(NAME, options);
  }

  /** Takes the handle RocksDB.open gave for {@link #descriptor()}. */
  void opened(ColumnFamilyHandle h) {
    handle = h;
  }

  /** The column family if this database has one yet, else null. */
  ColumnFamilyHandle family() {
    return handle;
  }

  /** The column family, created if this database has none yet. */
  private ColumnFamilyHandle handle(RocksDB db) throws RocksDBException {
    if (handle == null) {
      handle = db.createColumnFamily(descriptor());
    }
    return handle;
  }

  /** True if {@code request} was applied before. */
  boolean applied(RocksDB db, RequestId request) throws RocksDBException {
    return db.get(handle(db), key(request.client(), request.seq())) != null;
  }

  /**
   * Adds to {@code batch} the record of {@code request} and the deletion of the client's records
   * it settles; call {@link #committed} once the batch is written.
   */
  void record(RocksDB db, WriteBatch batch, RequestId request, long now)
      throws RocksDBException {
    ColumnFamilyHandle cf = handle(db);
    byte[] client = request.client();
    batch.put(cf, key(client, request.seq()), longBytes(now));
    TreeSet<Long> mine = written.get(ByteBuffer.wrap(client));
    if (mine != null) {
      for (Long seq : mine.headSet(request.settledBelow(), false)) {
        batch.delete(cf, key(client, seq));
      }
    }
  }

  /** Notes that the batch {@link #record} filled was written. */
  void committed(RocksDB db, RequestId request, long now) throws RocksDBException {
    TreeSet<Long> mine = written.computeIfAbsent(ByteBuffer.wrap(request.client()),
        k -> new TreeSet<>());
    mine.headSet(request.settledBelow(), false).clear();
    mine.add(request.seq());
    if (writes++ % SWEEP_EVERY == 0) {
      sweep(db, now);
    }
  }

  /** Deletes records older than {@link #KEEP_MILLIS}, and forgets clients with none left. */
  private void sweep(RocksDB db, long now) throws RocksDBException {
    ColumnFamilyHandle cf = handle(db);
    List<byte[]> stale = new ArrayList<>();
    try (RocksIterator it = db.newIterator(cf)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] v = it.value();
        if (v.length != 8 || ByteBuffer.wrap(v).getLong() < now - KEEP_MILLIS) {
          stale.add(it.key());
        }
      }
      it.status();
    }
    if (!stale.isEmpty()) {
      try (WriteBatch b = new WriteBatch(); org.rocksdb.WriteOptions wo =
          new org.rocksdb.WriteOptions()) {
        for (byte[] k : stale) {
          b.delete(cf, k);
        }
        db.write(wo, b);
      }
    }
    written.values().removeIf(TreeSet::isEmpty);
  }

  /** The record key; a RequestId's client has at most 64 bytes, so its length fits a byte. */
  static byte[] key(byte[] client, long seq) {
    return ByteBuffer.allocate(1 + client.length + 8).put((byte) client.length).put(client)
        .putLong(seq).array();
  }

  private static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  /**
   * Frees the family's options; call after closing the database. The family's handle is not
   * freed here: RocksDB's own close frees the handles of every family it opened or created, first.
   */
  @Override
  public void close() {
    handle = null;
    options.close();
  }
}
