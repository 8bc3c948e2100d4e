package org.level4j.rocksdb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.level4j.Change;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.Range;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.TransactionLogIterator;
import org.rocksdb.WriteBatch;

/**
 * A bounded slice of RocksDB's write-ahead log, as changes: what a {@link RocksFeed} reads at a
 * time.
 *
 * <p>Revisions. A write batch of {@code n} operations takes the sequence numbers {@code seq ..
 * seq + n - 1}; its change's revision is the last of them, so {@code revision + 1} is exactly
 * where the next batch starts, and a feed resumes there without depending on where RocksDB cut
 * its log files. A slice starting at {@code from} asks RocksDB for the batch that contains {@code
 * from}; if the first batch it gets starts after {@code from}, the log that held {@code from} is
 * gone (flushed and no longer archived), and the slice fails rather than skip it. Between
 * batches the numbers must follow on; where they do not, the slice ends there, and the next one
 * makes that check from there.
 *
 * <p>Only the default column family is data: batches of RequestLog's family alone are skipped, and
 * a request record written with data leaves only the data in the change.
 *
 * <p>The live log file is being appended to while it is read: RocksDB's iterator then stops
 * with {@code TryAgain} ("create a new iterator to fetch the new tail") at a record not yet
 * whole. That ends the slice, keeping what was read; the next slice starts a new iterator.
 *
 * @param changes the changes read, in revision order, only those touching the range
 * @param next the revision to read from next (one past the last batch read)
 * @param retry nothing could be read from {@code next} though it is written: read again soon
 *     (the log's tail was being written), and treat it as lost if it stays so
 */
record WalSlice(List<Change> changes, long next, boolean retry) {
  /** Batches and bytes of operations read at most per slice. */
  private static final int MAX_BATCHES = 512;
  private static final long MAX_BYTES = 4L << 20;

  /**
   * Reads from {@code from} on, while at least {@code from} is written; the caller holds what
   * keeps {@code db} open.
   *
   * @throws LevelException {@code LEVEL_SNAPSHOT_NOT_OPEN} if the log no longer has {@code from}
   */
  static WalSlice read(RocksDB db, long from, Range<byte[]> range) {
    long latest = db.getLatestSequenceNumber();
    if (latest < from) {
      return new WalSlice(List.of(), from, false);
    }
    Bounds watched = Bounds.of(range);
    List<Change> out = new ArrayList<>();
    long next = from;
    long bytes = 0;
    try (TransactionLogIterator it = db.getUpdatesSince(from)) {
      boolean first = true;
      for (int n = 0; n < MAX_BATCHES && bytes < MAX_BYTES && it.isValid(); n++, it.next()) {
        TransactionLogIterator.BatchResult r = it.getBatch();
        long seq = r.sequenceNumber();
        try (WriteBatch batch = r.writeBatch()) {
          if (first && seq > from) {
            throw gone(from, seq);
          }
          if (!first && seq != next) {
            break; // not where the last batch ended: the next slice looks again from there
          }
          first = false;
          long last = seq + Math.max(batch.count(), 1) - 1;
          next = last + 1;
          bytes += batch.getDataSize();
          if (last < from) {
            continue;
          }
          Change c = decode(batch, last, watched);
          if (c != null) {
            out.add(c);
          }
        }
      }
      try {
        it.status();
      } catch (RocksDBException e) {
        if (!isTryAgain(e)) {
          throw e;
        }
      }
      return new WalSlice(out, next, first); // first: not one batch read
    } catch (RocksDBException e) {
      if (isTryAgain(e)) {
        return new WalSlice(out, next, out.isEmpty() && next == from);
      }
      throw new LevelException(ErrorCode.LEVEL_IO_ERROR,
          "cannot read RocksDB's write-ahead log from revision " + from + ": " + e.getMessage(), e);
    }
  }

  private static boolean isTryAgain(RocksDBException e) {
    return e.getStatus() != null && e.getStatus().getCode() == org.rocksdb.Status.Code.TryAgain;
  }

  /** The error of a feed whose revision {@code from} the log no longer has. */
  static LevelException gone(long from, long found) {
    return new LevelException(ErrorCode.LEVEL_SNAPSHOT_NOT_OPEN, "the change feed cannot go on "
        + "from revision " + from + ": RocksDB no longer keeps that part of its write-ahead log"
        + (found > 0 ? " (the oldest kept is " + found + ")" : "") + ". Read the range's current "
        + "state and start a new feed from revision() + 1; to keep the log longer, raise "
        + "RocksOptions.walTtl and walSizeLimitBytes");
  }

  /** The change of one batch, cut to the watched bounds; null if none of it falls there. */
  private static Change decode(WriteBatch batch, long revision, Bounds watched)
      throws RocksDBException {
    List<Op<byte[], byte[]>> ops = new ArrayList<>();
    List<Range<byte[]>> cleared = new ArrayList<>();
    try (WalBatchReader reader = new WalBatchReader(watched, ops, cleared)) {
      batch.iterate(reader);
    }
    return ops.isEmpty() && cleared.isEmpty() ? null : new Change(revision, ops, cleared);
  }

  /** Whether {@code key} is inside {@code b}. */
  static boolean inside(Bounds b, byte[] key) {
    return (b.lower == null || Arrays.compareUnsigned(key, b.lower) >= 0)
        && (b.upper == null || Arrays.compareUnsigned(key, b.upper) < 0);
  }
}
