package org.level4j.rocksdb;

import java.util.concurrent.locks.LockSupport;
import org.level4j.Change;
import org.level4j.ChangeListener;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Range;
import org.level4j.spi.AbstractChangeFeed;
import org.level4j.spi.ChangeDelivery;
import org.level4j.spi.DaemonThread;

/**
 * A change feed read from RocksDB's write-ahead log: revisions are sequence numbers, and the log
 * (live files and, once flushed, the archived ones RocksOptions.walTtl keeps) is the feed's only
 * buffer.
 *
 * <p>One thread per feed reads a bounded slice of the log ({@link RocksEngine#readLog}), hands its
 * changes to the listener one by one, and reads on from the revision after the last batch it
 * read. When it has caught up it parks until the engine wakes it after a write (or for at most
 * {@link #IDLE_NANOS}, in case a write came from somewhere that does not wake it). So a listener
 * that is slow, or a host connection that is not read, costs one slice of memory and no more: the
 * feed stops reading the log until the listener returns. Such a feed may fall behind what the log
 * keeps; it then ends with {@code LEVEL_SNAPSHOT_NOT_OPEN} instead of skipping writes.
 *
 * <p>Threads: {@code next} and the {@link ChangeDelivery} are written by the feed's thread only. {@link
 * #close()} may come from any thread, the listener included; from another thread it waits until
 * the feed's thread has stopped, so nothing is delivered after it returns and the engine may
 * close RocksDB.
 */
final class RocksFeed extends AbstractChangeFeed {
  private static final long IDLE_NANOS = 100_000_000L;
  private static final long RETRY_NANOS = 1_000_000L;
  private static final long STUCK_NANOS = 5_000_000_000L;

  private final RocksEngine engine;
  private final Range<byte[]> range;
  /** The revision to read from next: one past the last batch read. */
  private long next;
  /** When reading from {@code next} first came back empty though it is written, or 0. */
  private long stuckSince;

  RocksFeed(RocksEngine engine, Range<byte[]> range, long from, ChangeListener listener) {
    super(listener, from, "level4j-rocks-feed");
    this.engine = engine;
    this.range = range;
    this.next = from;
  }

  /** A write was applied: look at the log again. */
  void wake() {
    LockSupport.unpark(thread());
  }

  @Override
  protected void deliverAll() {
    try {
      while (!isClosed()) {
        WalSlice slice = engine.readLog(next, range);
        if (slice == null) {
          return; // the engine closed
        }
        if (slice.retry()) {
          // Written, yet not readable: the log's tail was being appended (it passes at once),
          // or the log lost it (it stays so).
          if (stuckSince == 0) {
            stuckSince = System.nanoTime();
          } else if (System.nanoTime() - stuckSince > STUCK_NANOS) {
            throw WalSlice.gone(next, -1);
          }
          LockSupport.parkNanos(this, RETRY_NANOS);
          continue;
        }
        stuckSince = 0;
        if (slice.changes().isEmpty() && slice.next() == next) {
          LockSupport.parkNanos(this, IDLE_NANOS);
          continue;
        }
        for (Change c : slice.changes()) {
          if (isClosed()) {
            return;
          }
          LevelException threw = deliver(c);
          if (threw != null) {
            end(threw);
            return;
          }
        }
        next = slice.next();
        skipTo(next);
      }
    } catch (LevelException e) {
      end(e);
    } catch (RuntimeException | Error e) {
      end(new LevelException(ErrorCode.LEVEL_IO_ERROR,
          "the change feed failed at revision " + next + ": " + e, e));
    } finally {
      engine.forget(this);
    }
  }

  @Override
  public void close() {
    markClosed();
    LockSupport.unpark(thread());
    DaemonThread.awaitStopped(thread());
    engine.forget(this);
  }
}
