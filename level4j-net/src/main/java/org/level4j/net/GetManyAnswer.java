package org.level4j.net;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.level4j.ErrorCode;
import org.level4j.Level;
import org.level4j.LevelException;
import org.level4j.Snapshot;

/**
 * The values a host answers a GetMany with, bounded in bytes: a GetMany of one 64 MiB frame may
 * name a large value millions of times, and its answer must not grow the host without end.
 *
 * <p>A GetMany of up to {@link #SLICE} keys is read in one call (the usual case, unchanged). A
 * longer one is read {@code SLICE} keys at a time from one explicit snapshot, so it still sees
 * one moment of the database, and stops as soon as its values pass the limit: it holds at most
 * the limit plus the values of one slice. A database without explicit snapshots (a leading
 * RaveLevel, a guest) is read in one call, whose answer is then checked: that bounds what is
 * queued to send, not what the database reads first.
 */
final class GetManyAnswer {
  static final int SLICE = 128;

  private GetManyAnswer() {}

  /**
   * The values of {@code keys}; fails with {@code LEVEL_LIMIT_EXCEEDED} if they would take more
   * than {@code maxBytes}. Reads from {@code snapshot} if not null (a guest's explicit one). Call
   * on the connection's reader thread.
   */
  static CompletableFuture<List<byte[]>> read(Level<byte[], byte[]> db, List<byte[]> keys,
      int maxBytes, Snapshot snapshot) {
    if (keys.size() <= SLICE || !db.supports().explicitSnapshots()) {
      return db.async().getMany(keys, snapshot).thenApply(values -> {
        if (size(values) > maxBytes) {
          throw tooLarge(keys.size(), maxBytes);
        }
        return values;
      });
    }
    List<byte[]> values = new ArrayList<>(keys.size());
    long bytes = 0;
    Snapshot own = null;
    try {
      Snapshot s = snapshot != null ? snapshot : (own = db.snapshot());
      for (int from = 0; from < keys.size(); from += SLICE) {
        List<byte[]> slice = db.getMany(keys.subList(from, Math.min(keys.size(), from + SLICE)), s);
        bytes += size(slice);
        if (bytes > maxBytes) {
          return CompletableFuture.failedFuture(tooLarge(keys.size(), maxBytes));
        }
        values.addAll(slice);
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      if (own != null) {
        own.close();
      }
    }
    return CompletableFuture.completedFuture(values);
  }

  /** The bytes of values, as they will travel (at most 6 bytes of framing each). */
  private static long size(List<byte[]> values) {
    long n = 0;
    for (byte[] v : values) {
      n += v == null ? 2 : v.length + 6L;
    }
    return n;
  }

  private static LevelException tooLarge(int keys, int maxBytes) {
    return new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED, "the values of these " + keys
        + " keys take more than " + maxBytes + " bytes, the largest answer the host sends "
        + "(HostOptions.maxFrameBytes, serve --max-frame-bytes): ask for fewer keys at a time");
  }
}
