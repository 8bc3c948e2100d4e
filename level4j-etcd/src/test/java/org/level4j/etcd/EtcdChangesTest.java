package org.level4j.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.ErrorCode;
import org.level4j.Level;
import org.level4j.LevelException;
import org.level4j.Change;
import org.level4j.ChangeFeed;
import org.level4j.ChangeListener;
import org.level4j.Op;
import org.level4j.Range;

/** The change feed of one database: what a change holds, ranges, resuming, and its end. */
class EtcdChangesTest {
  @TempDir
  static Path root;
  static EtcdCluster cluster;
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = EtcdCluster.start(root, 3);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static EtcdLevel open() {
    return EtcdLevel.open(cluster.endpoints(), "changes-" + NAMESPACES.incrementAndGet(),
        EtcdOptions.defaults());
  }

  /** Collects changes and errors, and hands them out with a bound on waiting. */
  private static final class Inbox implements ChangeListener {
    final BlockingQueue<Object> items = new LinkedBlockingQueue<>();

    @Override
    public void onChange(Change change) {
      items.add(change);
    }

    @Override
    public void onError(LevelException error) {
      items.add(error);
    }

    Object next() throws InterruptedException {
      Object o = items.poll(30, TimeUnit.SECONDS); // a bound against hanging
      assertThat(o).as("a change within 30 s").isNotNull();
      return o;
    }

    Change change() throws InterruptedException {
      return (Change) next();
    }
  }

  private static String show(Op<byte[], byte[]> op) {
    String k = new String(op.key(), StandardCharsets.UTF_8);
    return op.type() == Op.Type.PUT ? k + "=" + new String(op.value(), StandardCharsets.UTF_8)
        : "del " + k;
  }

  private static List<String> show(Change c) {
    List<String> out = new ArrayList<>();
    for (Op<byte[], byte[]> op : c.ops()) {
      out.add(show(op));
    }
    return out;
  }

  @Test
  void aBatchArrivesAsOneChangeAndAClearAsTheDelsOfWhatItRemoved() throws Exception {
    try (EtcdLevel db = open()) {
      Inbox inbox = new Inbox();
      try (ChangeFeed feed = db.changes(Range.all(), 0, inbox)) {
        db.put("a", "1");
        db.batch(List.of(Op.put("b", "2"), Op.del("a"), Op.put("c", "3")));
        db.clear(Range.<String>all().gte("c"));
        Change put = inbox.change();
        Change batch = inbox.change();
        Change clear = inbox.change();
        assertThat(show(put)).containsExactly("a=1");
        assertThat(show(batch)).containsExactlyInAnyOrder("b=2", "del a", "c=3");
        assertThat(show(clear)).containsExactly("del c");
        assertThat(batch.revision()).isGreaterThan(put.revision());
        assertThat(clear.revision()).isGreaterThan(batch.revision());
        assertThat(feed.nextRevision()).isEqualTo(clear.revision() + 1);
      }
    }
  }

  @Test
  void aFeedStartedFromAnEarlierRevisionDeliversWhatWasWrittenSince() throws Exception {
    try (EtcdLevel db = open()) {
      long from = db.revision() + 1;
      db.put("a", "1");
      db.put("b", "2");
      Inbox inbox = new Inbox();
      try (ChangeFeed feed = db.changes(Range.all(), from, inbox)) {
        assertThat(show(inbox.change())).containsExactly("a=1");
        assertThat(show(inbox.change())).containsExactly("b=2");
      }
    }
  }

  @Test
  void aFeedResumedFromNextRevisionMissesAndRepeatsNothing() throws Exception {
    try (EtcdLevel db = open()) {
      Inbox first = new Inbox();
      long resume;
      try (ChangeFeed feed = db.changes(Range.all(), 0, first)) {
        db.put("k1", "v");
        db.put("k2", "v");
        first.change();
        first.change();
        resume = feed.nextRevision();
      }
      db.put("k3", "v"); // while no feed runs
      Inbox second = new Inbox();
      try (ChangeFeed feed = db.changes(Range.all(), resume, second)) {
        db.put("k4", "v");
        assertThat(show(second.change())).containsExactly("k3=v");
        assertThat(show(second.change())).containsExactly("k4=v");
        assertThat(second.items).isEmpty();
      }
    }
  }

  @Test
  void aFeedOverASublevelsRangeSeesOnlyThatSublevel() throws Exception {
    try (EtcdLevel db = open()) {
      Level<String, String> users = db.sublevel("users");
      byte[] p = users.prefix();
      byte[] end = p.clone();
      end[end.length - 1]++;
      Inbox inbox = new Inbox();
      try (ChangeFeed feed = db.changes(Range.<byte[]>all().gte(p).lt(end), 0, inbox)) {
        db.put("other", "x");
        users.put("ann", "1");
        assertThat(show(inbox.change())).containsExactly("!users!ann=1");
      }
    }
  }

  @Test
  void aFeedFromACompactedRevisionEndsWithSnapshotNotOpen() throws Exception {
    try (EtcdLevel db = open(); Client admin = Client.builder()
        .endpoints(cluster.endpoints().toArray(new String[0])).build()) {
      long from = db.revision() + 1;
      db.put("a", "1");
      db.put("a", "2");
      admin.getKVClient().compact(db.revision()).get();
      Inbox inbox = new Inbox();
      try (ChangeFeed feed = db.changes(Range.all(), from, inbox)) {
        Object o = inbox.next();
        assertThat(o).isInstanceOfSatisfying(LevelException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_SNAPSHOT_NOT_OPEN);
          assertThat(e.getMessage()).contains("compacted");
        });
      }
    }
  }

  @Test
  void closingTheDatabaseClosesItsFeeds() throws Exception {
    EtcdLevel db = open();
    Inbox closed = new Inbox();
    db.changes(Range.all(), 0, closed);
    String ns = db.namespace();
    db.close();
    try (EtcdLevel other = EtcdLevel.open(cluster.endpoints(), ns, EtcdOptions.defaults())) {
      Inbox witness = new Inbox();
      try (ChangeFeed feed = other.changes(Range.all(), 0, witness)) {
        other.put("after", "close");
        assertThat(show(witness.change())).containsExactly("after=close");
      }
    }
    assertThat(closed.items).isEmpty();
  }
}
