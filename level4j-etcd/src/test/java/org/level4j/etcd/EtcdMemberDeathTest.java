package org.level4j.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Change;
import org.level4j.ChangeFeed;
import org.level4j.ChangeListener;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.child.ChildProcess;

/**
 * Three writer processes write while one member of the cluster is SIGKILLed and later started
 * again: one puts keys of its own, two increment a shared counter with conditional batches. Two
 * change feeds watch, one through all members and one through the killed member only. The
 * scenario runs once; each test checks one promise about it.
 */
class EtcdMemberDeathTest {
  private static final int WRITERS = 3;
  /** Acknowledged writes each writer makes before the kill, after it, and after the restart. */
  private static final int STEP = 20;

  @TempDir
  static Path root;
  static EtcdCluster cluster;
  static EtcdLevel viewer;
  static EtcdLevel onDoomedMember;
  static long firstRevision;
  static final Set<String> acked = ConcurrentHashMap.newKeySet();
  static final Map<String, AtomicInteger> acks = new ConcurrentHashMap<>();
  static final Map<String, Integer> acksAtKill = new ConcurrentHashMap<>();
  static final Map<String, Integer> acksAtRestart = new ConcurrentHashMap<>();
  static final List<Change> seenThroughAll = new CopyOnWriteArrayList<>();
  static final List<Change> seenThroughDoomed = new CopyOnWriteArrayList<>();
  static final List<Throwable> feedErrors = new CopyOnWriteArrayList<>();
  static final AtomicInteger retries = new AtomicInteger();

  @BeforeAll
  static void writeWhileAMemberDies() throws Exception {
    cluster = EtcdCluster.start(root, 3);
    String ns = "member-death";
    viewer = EtcdLevel.open(cluster.endpoints(), ns, EtcdOptions.defaults());
    onDoomedMember = EtcdLevel.open(List.of(cluster.endpoint(0)), ns, EtcdOptions.defaults());
    firstRevision = viewer.revision() + 1;
    viewer.changes(Range.all(), firstRevision, listener(seenThroughAll));
    onDoomedMember.changes(Range.all(), firstRevision, listener(seenThroughDoomed));

    List<ChildProcess> writers = new ArrayList<>();
    List<Thread> readers = new ArrayList<>();
    try {
      for (int w = 0; w < WRITERS; w++) {
        String name = "w" + w;
        acks.put(name, new AtomicInteger());
        ChildProcess p = ChildProcess.java(List.of("-Xmx128m", "-Dslf4j.internal.verbosity=ERROR"),
            EtcdWriter.class, String.join(",", cluster.endpoints()), ns, name,
            w == 0 ? "put" : "increment");
        writers.add(p);
        readers.add(read(p, name));
      }
      await(() -> everyWriterHas(STEP, Map.of()), "every writer acknowledged " + STEP
          + " writes");
      snapshot(acksAtKill);
      cluster.kill(0);
      await(() -> everyWriterHas(STEP, acksAtKill), "every writer acknowledged " + STEP
          + " more writes after member 0 was killed");
      cluster.start(0);
      cluster.awaitHealthy();
      snapshot(acksAtRestart);
      await(() -> everyWriterHas(STEP, acksAtRestart), "every writer acknowledged " + STEP
          + " more writes after member 0 came back");
      for (ChildProcess p : writers) {
        p.send("stop");
      }
      for (Thread t : readers) {
        t.join(ChildProcess.READ_SECONDS * 1000);
      }
      for (ChildProcess p : writers) {
        assertThat(p.waitFor()).as("writer exit status").isZero();
      }
    } finally {
      for (ChildProcess p : writers) {
        p.close();
      }
    }
    await(() -> markers(seenThroughAll).containsAll(acked), "the feed through all members saw "
        + "every acknowledged write");
    await(() -> markers(seenThroughDoomed).containsAll(acked), "the feed through the killed "
        + "member saw every acknowledged write once it was back");
    System.out.println(acked.size() + " writes acknowledged (" + acksAtKill + " before the kill, "
        + acksAtRestart + " before the restart), " + retries + " writes sent again; the feeds "
        + "delivered " + seenThroughAll.size() + " and " + seenThroughDoomed.size() + " changes");
  }

  @AfterAll
  static void stop() throws Exception {
    for (EtcdLevel db : new EtcdLevel[] {viewer, onDoomedMember}) {
      if (db != null) {
        db.close();
      }
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static ChangeListener listener(List<Change> into) {
    return new ChangeListener() {
      @Override
      public void onChange(Change change) {
        into.add(change);
      }

      @Override
      public void onError(org.level4j.LevelException error) {
        feedErrors.add(error);
      }
    };
  }

  private static Thread read(ChildProcess p, String name) {
    Thread t = new Thread(() -> {
      try {
        for (String line = p.readLine(); line != null; line = p.readLine()) {
          if (line.startsWith("ack ")) {
            acked.add(line.substring(4));
            acks.get(name).incrementAndGet();
          } else if (line.startsWith("retry ")) {
            retries.incrementAndGet();
          }
        }
      } catch (InterruptedException | AssertionError e) {
        // the test fails on the missing acknowledgements
      }
    }, "lines of " + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static boolean everyWriterHas(int more, Map<String, Integer> since) {
    for (Map.Entry<String, AtomicInteger> e : acks.entrySet()) {
      if (e.getValue().get() < since.getOrDefault(e.getKey(), 0) + more) {
        return false;
      }
    }
    return true;
  }

  private static void snapshot(Map<String, Integer> into) {
    acks.forEach((k, v) -> into.put(k, v.get()));
  }

  /** Waits for {@code condition}; a bound on hanging, not a timing claim. */
  private static void await(BooleanSupplier condition, String what) {
    try {
      Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
          .until(condition::getAsBoolean);
    } catch (ConditionTimeoutException late) {
      throw new AssertionError("not seen within 90 s: " + what + " (acks " + acks + ")", late);
    }
  }

  /** The keys the writers put, in the order the feed delivered them, without the counter. */
  private static List<String> markers(List<Change> changes) {
    List<String> keys = new ArrayList<>();
    for (Change c : changes) {
      for (Op<byte[], byte[]> op : c.ops()) {
        String key = new String(op.key(), StandardCharsets.UTF_8);
        if (!key.equals("counter")) {
          keys.add(key);
        }
      }
    }
    return keys;
  }

  /** How many writes the incrementing writers had acknowledged. */
  private static long increments() {
    return acked.stream().filter(k -> !k.startsWith("w0-")).count();
  }

  @Test
  void noAcknowledgedWriteIsLost() {
    Set<String> stored = new HashSet<>(viewer.keys(Range.all()).all());
    stored.remove("counter");
    assertThat(acked).hasSizeGreaterThanOrEqualTo(WRITERS * 3 * STEP);
    assertThat(stored).containsAll(acked);
  }

  @Test
  void everyAcknowledgedIncrementIsAppliedExactlyOnce() {
    assertThat(increments()).isPositive();
    assertThat(viewer.get("counter")).isEqualTo(Long.toString(increments()));
  }

  @Test
  void writesGoOnWhileAMemberIsDead() {
    for (String w : acks.keySet()) {
      assertThat(acksAtRestart.get(w)).as("acks of %s between the kill and the restart", w)
          .isGreaterThanOrEqualTo(acksAtKill.get(w) + STEP);
    }
  }

  @Test
  void theRestartedMemberHasEveryWrite() {
    try (EtcdLevel onRestarted = EtcdLevel.open(List.of(cluster.endpoint(0)), viewer.namespace(),
        EtcdOptions.defaults())) {
      assertThat(new HashSet<>(onRestarted.keys(Range.all()).all())).containsAll(acked);
    }
  }

  @Test
  void aFeedThroughAllMembersSeesEveryWriteOnceInRevisionOrder() {
    checkFeed(seenThroughAll);
  }

  @Test
  void aFeedThroughTheKilledMemberResumesWithoutLossOrRepetition() {
    checkFeed(seenThroughDoomed);
  }

  private static void checkFeed(List<Change> seen) {
    assertThat(feedErrors).isEmpty();
    List<String> keys = markers(seen);
    assertThat(keys).doesNotHaveDuplicates();
    assertThat(new HashSet<>(keys)).isEqualTo(new HashSet<>(acked));
    long last = firstRevision - 1;
    long counter = 0;
    Map<String, String> lastOfWriter = new ConcurrentHashMap<>();
    for (Change c : seen) {
      assertThat(c.revision()).as("revisions increase").isGreaterThan(last);
      last = c.revision();
      for (Op<byte[], byte[]> op : c.ops()) {
        assertThat(op.type()).isEqualTo(Op.Type.PUT);
        String key = new String(op.key(), StandardCharsets.UTF_8);
        if (key.equals("counter")) {
          assertThat(new String(op.value(), StandardCharsets.UTF_8))
              .as("the counter goes up by one with each change").isEqualTo(
                  Long.toString(++counter));
          continue;
        }
        String writer = key.substring(0, key.indexOf('-'));
        String before = lastOfWriter.put(writer, key);
        if (before != null) {
          assertThat(key).as("each writer's writes in the order it made them")
              .isGreaterThan(before);
        }
      }
    }
  }
}
