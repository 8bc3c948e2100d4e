package org.level4j.rocksdb;

import java.util.List;
import org.level4j.Op;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * A {@link WriteBatch} of puts and dels to the default column family, written in RocksDB's own
 * serialized form in Java and handed to RocksDB in one native call.
 *
 * <p>Why: rocksdbjni's {@code WriteBatch.put} is a native call per entry, and each call copies
 * its key and value into buffers it allocates and frees again. For a batch of 1,000 small puts
 * that was 17% of a RaveLevel leader's session thread under a follower's {@code batch_put_1000}
 * (async-profiler); building the same batch as bytes costs about half as much (docs/benchmarks.md,
 * session 18).
 *
 * <p>The form is the one RocksDB writes to its log, stable since LevelDB: a 12-byte header (an
 * 8-byte sequence number RocksDB fills in when it writes, then the 4-byte count of records, both
 * little-endian), then per record a tag byte ({@link #VALUE} or {@link #DELETION}), the key
 * as a varint32 length and its bytes, and for a put the value the same way.
 */
final class SerializedBatch {
  static final int HEADER = 12;
  static final byte DELETION = 0x0;
  static final byte VALUE = 0x1;
  /** The largest array a JVM allocates, with room to spare. */
  private static final long MAX_BYTES = Integer.MAX_VALUE - 16;

  private SerializedBatch() {}

  /**
   * A batch of the puts and dels of {@code ops}, in order (other operations are skipped); null
   * when there are none. The caller closes it.
   */
  static WriteBatch of(List<Op<byte[], byte[]>> ops) throws RocksDBException {
    long size = HEADER;
    int count = 0;
    for (int i = 0, n = ops.size(); i < n; i++) {
      Op<byte[], byte[]> op = ops.get(i);
      if (op.type() == Op.Type.PUT) {
        size += 1 + field(op.key()) + field(op.value());
        count++;
      } else if (op.type() == Op.Type.DEL) {
        size += 1 + field(op.key());
        count++;
      }
    }
    if (count == 0) {
      return null;
    }
    if (size > MAX_BYTES) {
      return entryByEntry(ops); // too large for one array: RocksDB's own calls, one per entry
    }
    byte[] rep = new byte[(int) size];
    rep[8] = (byte) count;
    rep[9] = (byte) (count >>> 8);
    rep[10] = (byte) (count >>> 16);
    rep[11] = (byte) (count >>> 24);
    int pos = HEADER;
    for (int i = 0, n = ops.size(); i < n; i++) {
      Op<byte[], byte[]> op = ops.get(i);
      if (op.type() == Op.Type.PUT) {
        rep[pos++] = VALUE;
        pos = put(rep, pos, op.key());
        pos = put(rep, pos, op.value());
      } else if (op.type() == Op.Type.DEL) {
        rep[pos++] = DELETION;
        pos = put(rep, pos, op.key());
      }
    }
    return new WriteBatch(rep);
  }

  /** The same batch built with one native call per entry. */
  static WriteBatch entryByEntry(List<Op<byte[], byte[]>> ops) throws RocksDBException {
    WriteBatch batch = new WriteBatch();
    try {
      for (int i = 0, n = ops.size(); i < n; i++) {
        Op<byte[], byte[]> op = ops.get(i);
        if (op.type() == Op.Type.PUT) {
          batch.put(op.key(), op.value());
        } else if (op.type() == Op.Type.DEL) {
          batch.delete(op.key());
        }
      }
      return batch;
    } catch (RocksDBException | RuntimeException e) {
      batch.close(); // its native memory, not left to a finalizer that never comes
      throw e;
    }
  }

  /** The bytes a length-prefixed field of {@code b} takes. */
  private static long field(byte[] b) {
    int n = b.length;
    int length = 1;
    while ((n >>>= 7) != 0) {
      length++;
    }
    return length + (long) b.length;
  }

  /** Writes {@code b} as a length-prefixed field at {@code pos}; returns the position after it. */
  private static int put(byte[] rep, int pos, byte[] b) {
    int n = b.length;
    while ((n & ~0x7F) != 0) {
      rep[pos++] = (byte) ((n & 0x7F) | 0x80);
      n >>>= 7;
    }
    rep[pos++] = (byte) n;
    System.arraycopy(b, 0, rep, pos, b.length);
    return pos + b.length;
  }
}
