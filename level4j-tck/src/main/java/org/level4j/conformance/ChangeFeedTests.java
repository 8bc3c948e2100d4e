package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.level4j.ErrorCode.LEVEL_IO_ERROR;
import static org.level4j.ErrorCode.LEVEL_NOT_SUPPORTED;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DynamicContainer;
import org.level4j.Change;
import org.level4j.ChangeFeed;
import org.level4j.ChangeListener;
import org.level4j.Database;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.Supports;

/**
 * The change feed ({@link Database#changes}): every write to the watched range delivered once, in
 * revision order, from the revision asked for, nothing after the feed is closed, and an end
 * through {@link ChangeListener#onError} when the listener throws. Where
 * {@link Supports#changeFeed()} is false, each case checks that {@code changes} and {@code
 * revision} fail with {@code LEVEL_NOT_SUPPORTED}.
 */
final class ChangeFeedTests {
  private ChangeFeedTests() {}

  /** How long a case waits for a change it expects. */
  private static final long WAIT_SECONDS = 20;

  static DynamicContainer all(LevelFactory factory) {
    Feature f = new Feature("change feed", factory);

    feed(f, "eachWriteArrivesOnceInRevisionOrder", db -> {
      Inbox inbox = new Inbox();
      try (ChangeFeed feed = db.changes(Range.all(), db.revision() + 1, inbox)) {
        db.put("a", "1");
        db.batch(List.of(Op.put("b", "2"), Op.del("a")));
        db.del("b");
        Change put = inbox.next();
        Change batch = inbox.next();
        Change del = inbox.next();
        assertThat(show(put)).containsExactly("put a=1");
        assertThat(show(batch)).containsExactly("put b=2", "del a");
        assertThat(show(del)).containsExactly("del b");
        assertThat(batch.revision()).isGreaterThan(put.revision());
        assertThat(del.revision()).isGreaterThan(batch.revision());
        inbox.nothingMore();
        assertThat(feed.nextRevision()).isEqualTo(del.revision() + 1);
      }
    });
    feed(f, "aFeedFromAnEarlierRevisionReplaysFromExactlyThere", db -> {
      db.put("first", "1");
      long from = db.revision() + 1;
      db.put("second", "2");
      db.put("third", "3");
      Inbox inbox = new Inbox();
      try (ChangeFeed feed = db.changes(Range.all(), from, inbox)) {
        assertThat(show(inbox.next())).containsExactly("put second=2");
        assertThat(show(inbox.next())).containsExactly("put third=3");
        inbox.nothingMore();
      }
    });
    feed(f, "revisionZeroMeansWritesFromNowOn", db -> {
      db.put("before", "1");
      Inbox inbox = new Inbox();
      try (ChangeFeed feed = db.changes(Range.all(), 0, inbox)) {
        db.put("after", "2");
        assertThat(show(inbox.next())).containsExactly("put after=2");
        inbox.nothingMore();
      }
    });
    feed(f, "aFeedResumedFromNextRevisionNeitherLosesNorRepeats", db -> {
      Inbox first = new Inbox();
      long resume;
      try (ChangeFeed feed = db.changes(Range.all(), db.revision() + 1, first)) {
        db.put("a", "1");
        first.next();
        resume = feed.nextRevision();
      }
      db.put("b", "2");
      db.put("c", "3");
      Inbox second = new Inbox();
      try (ChangeFeed feed = db.changes(Range.all(), resume, second)) {
        assertThat(show(second.next())).containsExactly("put b=2");
        assertThat(show(second.next())).containsExactly("put c=3");
        second.nothingMore();
      }
    });
    feed(f, "aRangeSeesOnlyItsKeysAndOnlyWritesThatTouchIt", db -> {
      Inbox inbox = new Inbox();
      Range<byte[]> watched = Range.<byte[]>all().gte(bytes("b")).lt(bytes("c"));
      try (ChangeFeed feed = db.changes(watched, db.revision() + 1, inbox)) {
        db.put("a", "outside");
        db.batch(List.of(Op.put("a", "x"), Op.put("b1", "in"), Op.put("c", "x")));
        db.put("c", "outside");
        db.put("b2", "in");
        assertThat(show(inbox.next())).containsExactly("put b1=in");
        assertThat(show(inbox.next())).containsExactly("put b2=in");
        inbox.nothingMore();
      }
    });
    feed(f, "replayingTheChangesOfAClearGivesTheDatabase", db -> {
      db.batch(List.of(Op.put("a", "1"), Op.put("b", "2"), Op.put("c", "3"), Op.put("d", "4")));
      TreeMap<String, String> model = new TreeMap<>(Arrays.asList("a", "b", "c", "d").stream()
          .collect(java.util.stream.Collectors.toMap(k -> k, db::get)));
      Inbox inbox = new Inbox();
      try (ChangeFeed feed = db.changes(Range.all(), db.revision() + 1, inbox)) {
        db.clear(Range.<String>all().gt("a").lte("c"));
        apply(model, inbox.next());
        assertThat(model).containsOnlyKeys("a", "d");
        db.clear();
        apply(model, inbox.next());
        assertThat(model).isEmpty();
        inbox.nothingMore();
      }
    });
    feed(f, "aClosedFeedDeliversNothingMore", db -> {
      Inbox inbox = new Inbox();
      ChangeFeed feed = db.changes(Range.all(), db.revision() + 1, inbox);
      db.put("a", "1");
      inbox.next();
      feed.close();
      feed.close(); // harmless
      db.put("b", "2");
      inbox.nothingMore();
    });
    feed(f, "aListenerThatThrowsEndsItsFeedThroughOnError", db -> {
      Inbox inbox = Inbox.throwing(new IllegalStateException("listener bug"));
      try (ChangeFeed feed = db.changes(Range.all(), db.revision() + 1, inbox)) {
        db.put("a", "1");
        assertThat(show(inbox.next())).containsExactly("put a=1");
        LevelException ended = inbox.error();
        assertThat(ended.code()).as(ended.getMessage()).isEqualTo(LEVEL_IO_ERROR);
        assertThat(ended).hasRootCauseMessage("listener bug");
        db.put("b", "2");
        inbox.nothingMore();
        // The change the listener threw at does not count as delivered.
        Inbox again = new Inbox();
        try (ChangeFeed resumed = db.changes(Range.all(), feed.nextRevision(), again)) {
          assertThat(show(again.next())).containsExactly("put a=1");
          assertThat(show(again.next())).containsExactly("put b=2");
          again.nothingMore();
        }
      }
    });
    feed(f, "sublevelKeysArriveWithTheirPrefix", db -> {
      Inbox inbox = new Inbox();
      try (ChangeFeed feed = db.changes(Range.all(), db.revision() + 1, inbox)) {
        db.sublevel("s").put("k", "v");
        assertThat(show(inbox.next())).containsExactly("put !s!k=v");
      }
    });
    return f.build();
  }

  private static void feed(Feature f, String name, Feature.Body body) {
    f.test(name, Supports::changeFeed, db -> {
      Expect.code(LEVEL_NOT_SUPPORTED, db::revision);
      Expect.code(LEVEL_NOT_SUPPORTED, () -> db.changes(Range.all(), 0, c -> { }));
    }, body);
  }

  /** Applies a change to a model of the database, as a follower of the feed would. */
  private static void apply(TreeMap<String, String> model, Change c) {
    for (Range<byte[]> r : c.cleared()) {
      model.keySet().removeIf(k -> inside(r, bytes(k)));
    }
    for (Op<byte[], byte[]> op : c.ops()) {
      if (op.type() == Op.Type.PUT) {
        model.put(text(op.key()), text(op.value()));
      } else {
        model.remove(text(op.key()));
      }
    }
  }

  private static boolean inside(Range<byte[]> r, byte[] key) {
    int lo = r.lower() == null ? 1 : Arrays.compareUnsigned(key, r.lower());
    int hi = r.upper() == null ? -1 : Arrays.compareUnsigned(key, r.upper());
    return (lo > 0 || (lo == 0 && r.lowerInclusive())) && (hi < 0 || (hi == 0 && r.upperInclusive()));
  }

  private static List<String> show(Change c) {
    List<String> out = new ArrayList<>();
    for (Op<byte[], byte[]> op : c.ops()) {
      out.add(op.type() == Op.Type.PUT ? "put " + text(op.key()) + "=" + text(op.value())
          : "del " + text(op.key()));
    }
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** The changes a feed delivered, waited for one at a time. */
  private static final class Inbox implements ChangeListener {
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    /** What {@link #onChange} throws after taking the change, or null. */
    private final RuntimeException toThrow;

    Inbox() {
      this(null);
    }

    private Inbox(RuntimeException toThrow) {
      this.toThrow = toThrow;
    }

    /** An inbox whose listener throws {@code e} at each change it is given. */
    static Inbox throwing(RuntimeException e) {
      return new Inbox(e);
    }

    @Override
    public void onChange(Change change) {
      queue.add(change);
      if (toThrow != null) {
        throw toThrow;
      }
    }

    @Override
    public void onError(LevelException error) {
      queue.add(error);
    }

    Change next() throws InterruptedException {
      Object o = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(o).as("a change within " + WAIT_SECONDS + " s").isInstanceOf(Change.class);
      return (Change) o;
    }

    /** The error the feed ended with ({@link #onError}). */
    LevelException error() throws InterruptedException {
      Object o = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(o).as("the feed's end within " + WAIT_SECONDS + " s")
          .isInstanceOf(LevelException.class);
      return (LevelException) o;
    }

    /** Nothing else arrives within a moment (a feed may deliver late, not twice). */
    void nothingMore() throws InterruptedException {
      assertThat(queue.poll(200, TimeUnit.MILLISECONDS)).as("nothing more delivered").isNull();
    }
  }
}
