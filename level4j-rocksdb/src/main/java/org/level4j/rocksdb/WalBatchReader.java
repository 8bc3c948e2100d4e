package org.level4j.rocksdb;

import java.util.Arrays;
import java.util.List;
import org.level4j.Op;
import org.level4j.Range;
import org.rocksdb.WriteBatch;

/**
 * Reads one logged write batch into a change's puts, dels and cleared ranges, keeping only the
 * default column family (the data) and only what falls inside the watched bounds. A cleared
 * range is cut to the bounds. level4j writes no merges and no single deletes; should a batch
 * written by another program carry them, a single delete reads as a del and a merge is left out.
 */
final class WalBatchReader extends WriteBatch.Handler {

  private final Bounds watched;
  private final List<Op<byte[], byte[]>> ops;
  private final List<Range<byte[]>> cleared;

  WalBatchReader(Bounds watched, List<Op<byte[], byte[]>> ops, List<Range<byte[]>> cleared) {
    this.watched = watched;
    this.ops = ops;
    this.cleared = cleared;
  }

  @Override
  public void put(int family, byte[] key, byte[] value) {
    if (family == 0) {
      put(key, value);
    }
  }

  @Override
  public void put(byte[] key, byte[] value) {
    if (WalSlice.inside(watched, key)) {
      ops.add(Op.put(key, value));
    }
  }

  @Override
  public void delete(int family, byte[] key) {
    if (family == 0) {
      delete(key);
    }
  }

  @Override
  public void delete(byte[] key) {
    if (WalSlice.inside(watched, key)) {
      ops.add(Op.del(key));
    }
  }

  @Override
  public void singleDelete(int family, byte[] key) {
    delete(family, key);
  }

  @Override
  public void singleDelete(byte[] key) {
    delete(key);
  }

  @Override
  public void deleteRange(int family, byte[] begin, byte[] end) {
    if (family == 0) {
      deleteRange(begin, end);
    }
  }

  @Override
  public void deleteRange(byte[] begin, byte[] end) {
    byte[] lo = watched.lower != null && Arrays.compareUnsigned(watched.lower, begin) > 0
        ? watched.lower : begin;
    byte[] hi = watched.upper != null && Arrays.compareUnsigned(watched.upper, end) < 0
        ? watched.upper : end;
    if (Arrays.compareUnsigned(lo, hi) < 0) {
      cleared.add(Range.of(lo.length == 0 ? null : lo, lo.length != 0, hi, false, false, -1));
    }
  }

  @Override
  public void merge(int family, byte[] key, byte[] value) {}

  @Override
  public void merge(byte[] key, byte[] value) {}

  @Override
  public void logData(byte[] blob) {}

  @Override
  public void putBlobIndex(int family, byte[] key, byte[] value) {}

  @Override
  public void markBeginPrepare() {}

  @Override
  public void markEndPrepare(byte[] xid) {}

  @Override
  public void markNoop(boolean emptyBatch) {}

  @Override
  public void markRollback(byte[] xid) {}

  @Override
  public void markCommit(byte[] xid) {}

  @Override
  public void markCommitWithTimestamp(byte[] xid, byte[] ts) {}
}
