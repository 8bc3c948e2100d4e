package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Change;
import org.level4j.ChangeFeed;
import org.level4j.ChangeListener;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.Range;

/**
 * The change feed on RocksDB's write-ahead log: what the conformance suite cannot see, the log
 * files being flushed, archived, reopened and expired.
 */
class RocksChangesTest {
  @TempDir
  Path dir;

  /** RaveLevel's leader settings: small buffers flushed after 40 ms, so log files age fast. */
  private static RocksOptions.Builder raveLike() {
    return RocksOptions.builder().writeBufferBytes(2L << 20).flushAfter(Duration.ofMillis(40));
  }

  @Test
  void aFeedReplaysFromTheFirstRevisionAfterFlushesArchivedTheLogAndAfterAReopen()
      throws Exception {
    int writes = 3000;
    try (RocksDatabase db = RocksLevel.open(dir, raveLike().build())) {
      for (int i = 0; i < writes; i++) {
        db.batch(List.of(Op.put("k" + i, "v" + i), Op.put("other" + i, "x")));
        if (i % 500 == 0) {
          db.compactRange(); // flushes: the log so far becomes obsolete and is archived
        }
      }
      db.compactRange();
      assertThat(awaitArchived()).as("flushed log files kept in the archive").isNotEmpty();
      assertThat(everyWrite(db, writes)).isEqualTo(writes);
    }
    try (RocksDatabase db = RocksLevel.open(dir, raveLike().build())) {
      assertThat(everyWrite(db, writes)).as("after a reopen, as a new leader does").isEqualTo(writes);
    }
  }

  /** Reads the whole feed from revision 1 and checks it: each write once, in order. */
  private static int everyWrite(RocksDatabase db, int writes) throws InterruptedException {
    Inbox inbox = new Inbox();
    try (ChangeFeed feed = db.changes(Range.all(), 1, inbox)) {
      long last = 0;
      for (int i = 0; i < writes; i++) {
        Change c = inbox.next();
        assertThat(c.revision()).isGreaterThan(last);
        last = c.revision();
        assertThat(c.ops()).hasSize(2);
        assertThat(text(c.ops().get(0).key())).isEqualTo("k" + i);
      }
      assertThat(inbox.queue.poll(200, TimeUnit.MILLISECONDS)).isNull();
      assertThat(feed.nextRevision()).isEqualTo(last + 1);
      assertThat(last).isEqualTo(db.revision());
    }
    return writes;
  }

  @Test
  void aFeedReadingTheLogsTailWhileFourThreadsAppendGetsEveryWriteOnceInOrder() throws Exception {
    int threads = 4;
    int each = 5000;
    try (RocksDatabase db = RocksLevel.open(dir, raveLike().build())) {
      Inbox inbox = new Inbox();
      try (ChangeFeed feed = db.changes(Range.all(), 0, inbox)) {
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int id = t;
          Thread w = new Thread(() -> {
            for (int i = 0; i < each; i++) {
              db.put("t" + id + ":" + i, "v");
            }
          });
          writers.add(w);
          w.start();
        }
        long last = 0;
        int[] nextOf = new int[threads];
        // Writes made at the same moment may share a change (RocksDB logs a group of them as
        // one record); each arrives once, and each thread's in its order.
        for (int n = 0; n < threads * each; ) {
          Change c = inbox.next(); // an error here (the log's tail read mid-write) fails
          assertThat(c.revision()).isGreaterThan(last);
          last = c.revision();
          for (Op<byte[], byte[]> op : c.ops()) {
            String[] key = text(op.key()).substring(1).split(":");
            int t = Integer.parseInt(key[0]);
            assertThat(Integer.parseInt(key[1])).as("thread %d's writes in its order", t)
                .isEqualTo(nextOf[t]++);
            n++;
          }
        }
        for (Thread w : writers) {
          w.join();
        }
        assertThat(inbox.queue.poll(200, TimeUnit.MILLISECONDS)).isNull();
      }
    }
  }

  @Test
  void aRevisionNoLongerInTheLogEndsTheFeedWithSnapshotNotOpen() throws Exception {
    RocksOptions shortLog = raveLike().walTtl(Duration.ofSeconds(1)).walSizeLimitBytes(0).build();
    try (RocksDatabase db = RocksLevel.open(dir, shortLog)) {
      db.put("old", "1");
      db.compactRange();
      List<Path> first = awaitArchived();
      assertThat(first).as("the log of revision 1, archived").isNotEmpty();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      // RocksDB expires archived files when it cleans up after a flush, at most every ttl/2.
      while (first.stream().anyMatch(Files::exists)) {
        assertThat(System.nanoTime()).as("the archive expired within 30 s").isLessThan(deadline);
        Thread.sleep(600);
        db.put("more", "x");
        db.compactRange();
      }
      Inbox inbox = new Inbox();
      try (ChangeFeed feed = db.changes(Range.all(), 1, inbox)) {
        Object o = inbox.queue.poll(20, TimeUnit.SECONDS);
        assertThat(o).isInstanceOf(LevelException.class);
        LevelException e = (LevelException) o;
        assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_SNAPSHOT_NOT_OPEN);
        assertThat(e.getMessage()).contains("revision 1").contains("walTtl");
        assertThat(inbox.queue.poll(200, TimeUnit.MILLISECONDS)).as("nothing after the error")
            .isNull();
      }
      // From now on the feed works again.
      Inbox fresh = new Inbox();
      try (ChangeFeed feed = db.changes(Range.all(), db.revision() + 1, fresh)) {
        db.put("new", "1");
        assertThat(text(fresh.next().ops().get(0).key())).isEqualTo("new");
      }
    }
  }

  @Test
  void closingTheDatabaseStopsItsFeedsBeforeRocksDbCloses() throws Exception {
    Inbox inbox = new Inbox();
    RocksDatabase db = RocksLevel.open(dir, raveLike().build());
    ChangeFeed feed = db.changes(Range.all(), 0, inbox);
    db.put("a", "1");
    inbox.next();
    db.close();
    assertThat(inbox.queue.poll(200, TimeUnit.MILLISECONDS)).isNull();
    feed.close(); // harmless after the database closed it
    long threads = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("level4j-rocks-feed")).count();
    assertThat(threads).as("feed threads left").isZero();
  }

  /** The log files in the archive once there is one: RocksDB moves them there after a flush. */
  private List<Path> awaitArchived() {
    return await("a log archived").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20)).until(this::archived, list -> !list.isEmpty());
  }

  private List<Path> archived() throws Exception {
    Path archive = dir.resolve("archive");
    if (!Files.isDirectory(archive)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(archive)) {
      return new ArrayList<>(files.toList());
    }
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static final class Inbox implements ChangeListener {
    final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

    @Override
    public void onChange(Change change) {
      queue.add(change);
    }

    @Override
    public void onError(LevelException error) {
      queue.add(error);
    }

    Change next() throws InterruptedException {
      Object o = queue.poll(20, TimeUnit.SECONDS);
      assertThat(o).isInstanceOf(Change.class);
      return (Change) o;
    }
  }
}
