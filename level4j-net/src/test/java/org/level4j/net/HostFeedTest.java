package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Change;
import org.level4j.ErrorCode;
import org.level4j.MemoryLevel;
import org.level4j.Range;
import org.level4j.rocksdb.RocksDatabase;
import org.level4j.rocksdb.RocksLevel;
import org.level4j.rocksdb.RocksOptions;

/**
 * The host's side of change feeds, with a raw peer speaking the wire: a subscriber that does not
 * read stops its feed (the host holds at most its bound, the database reads no further) and, once it reads again, gets every change it can still be
 * given and then a clear error, never a gap; unsubscribing and hanging up release the host's
 * feeds; a database without a feed does not announce one.
 */
class HostFeedTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private final Opened opened = new Opened();

  @AfterEach
  void stop() throws Exception {
    opened.close();
  }

  @Test
  void aSubscriberThatDoesNotReadHoldsTheHostAtItsBoundThenGetsEveryChangeKeptAndTheError()
      throws Exception {
    RocksDatabase db = opened.keep(RocksLevel.open(dir.resolve("db"), RocksOptions.builder()
        .walTtl(Duration.ofSeconds(1)).walSizeLimitBytes(0).build()));
    int bound = 256 * 1024;
    Path socket = dir.resolve("db.sock");
    Host host = opened.keep(Host.of(db, HostOptions.builder().maxUnsentBytes(bound).build()))
        .listen(Listener.unix(socket));
    byte[] value = new byte[100_000];
    Arrays.fill(value, (byte) 'v');
    try (RawPeer peer = new RawPeer(socket)) {
      Protobuf.Out subscribe = new Protobuf.Out(64);
      GuestMessage.subscribe(subscribe, 1, 7, Range.all(), 0);
      peer.send(subscribe);
      HostLimitsTest.await(() -> host.openFeeds() == 1);
      int written = 300; // 30 MB of changes
      for (int i = 0; i < written; i++) {
        db.bytes().put(key(i), value);
      }
      // The host fills the socket, then its feed waits: what it holds stays within its bound.
      Thread.sleep(300);
      for (int i = 0; i < 50; i++) {
        assertThat(host.unsentBytes()).isLessThanOrEqualTo(bound + value.length + 1024L);
        Thread.sleep(10);
      }
      // Meanwhile the log the feed stands at is flushed, archived and expired.
      List<Path> first = archivedAfterFlush(db);
      for (int round = 0; first.stream().anyMatch(Files::exists); round++) {
        assertThat(round).as("the first log files expired").isLessThan(60);
        Thread.sleep(600);
        db.put("more" + round, "x");
        db.compactRange();
      }

      // It reads again: the changes the host had read before, in order, then the error.
      HostMessage.Callback answer = (HostMessage.Callback) peer.response(WAIT);
      assertThat(answer.id()).isEqualTo(1);
      assertThat(peer.hello.features() & Wire.FEATURE_CHANGES).isNotZero();
      assertThat(answer.error()).isNull();
      int received = 0;
      long last = 0;
      HostMessage.Changes end;
      while (true) {
        HostMessage.Changes c = (HostMessage.Changes) peer.response(WAIT);
        assertThat(c.feed()).isEqualTo(7);
        if (c.error() != null) {
          end = c;
          break;
        }
        for (Change change : c.changes()) {
          assertThat(change.revision()).isGreaterThan(last);
          last = change.revision();
          assertThat(change.ops().get(0).key()).isEqualTo(key(received));
          received++;
        }
      }
      assertThat(received).as("changes delivered before the error").isLessThan(written);
      assertThat(end.error().code()).isEqualTo(ErrorCode.LEVEL_SNAPSHOT_NOT_OPEN);
      assertThat(end.error().getMessage()).contains("revision " + (last + 1)).contains("walTtl");
      HostLimitsTest.await(() -> host.openFeeds() == 0);
    }
  }

  @Test
  void aHostServesAtMostItsBoundOfFeedsOverAllConnectionsAndRefusesTheNextClearly()
      throws Exception {
    RocksDatabase db = opened.keep(RocksLevel.open(dir.resolve("db")));
    Path socket = dir.resolve("db.sock");
    Host host = opened.keep(Host.of(db)).listen(Listener.unix(socket));
    int perConnection = HostFeeds.MAX_FEEDS;
    int connections = HostFeeds.MAX_HOST_FEEDS / perConnection;
    List<RawPeer> peers = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      peers.add(subscribedToAll(socket, perConnection));
    }
    assertThat(host.openFeeds()).isEqualTo(HostFeeds.MAX_HOST_FEEDS);

    // One more connection: its first feed is over the host's bound, not the connection's.
    RawPeer late = opened.keep(new RawPeer(socket));
    Protobuf.Out one = new Protobuf.Out(64);
    GuestMessage.subscribe(one, 1, 1, Range.all(), 0);
    late.send(one);
    HostMessage.Callback refused = (HostMessage.Callback) late.response(WAIT);
    assertThat(refused.error().code()).isEqualTo(ErrorCode.LEVEL_LIMIT_EXCEEDED);
    assertThat(refused.error().getMessage()).contains(HostFeeds.MAX_HOST_FEEDS + " change feeds")
        .contains("close feeds");

    // A feed closed elsewhere makes room.
    Protobuf.Out u = new Protobuf.Out(64);
    GuestMessage.unsubscribe(u, 1);
    peers.get(0).send(u);
    HostLimitsTest.await(() -> host.openFeeds() == HostFeeds.MAX_HOST_FEEDS - 1);
    Protobuf.Out again = new Protobuf.Out(64);
    GuestMessage.subscribe(again, 2, 2, Range.all(), 0);
    late.send(again);
    assertThat(((HostMessage.Callback) late.response(WAIT)).error()).isNull();

    for (RawPeer p : peers) {
      p.close();
    }
    late.close();
    HostLimitsTest.await(() -> host.openFeeds() == 0 && host.connections() == 0);
    db.put("after", "all"); // the host goes on counting right: room for a full connection again
    subscribedToAll(socket, perConnection);
  }

  /** A new raw connection to {@code socket} that subscribed to {@code n} feeds, each accepted. */
  private RawPeer subscribedToAll(Path socket, int n) throws Exception {
    RawPeer peer = opened.keep(new RawPeer(socket));
    Protobuf.Out o = new Protobuf.Out(64 * n);
    for (int f = 1; f <= n; f++) {
      GuestMessage.subscribe(o, f, f, Range.all(), 0);
    }
    peer.send(o);
    for (int f = 1; f <= n; f++) {
      assertThat(((HostMessage.Callback) peer.response(WAIT)).error()).isNull();
    }
    return peer;
  }

  @Test
  void unsubscribingAndHangingUpReleaseTheHostsFeeds() throws Exception {
    RocksDatabase db = opened.keep(RocksLevel.open(dir.resolve("db")));
    Path socket = dir.resolve("db.sock");
    Host host = opened.keep(Host.of(db)).listen(Listener.unix(socket));
    try (RawPeer peer = new RawPeer(socket)) {
      Protobuf.Out o = new Protobuf.Out(64);
      GuestMessage.subscribe(o, 1, 1, Range.all(), 0);
      GuestMessage.subscribe(o, 2, 2, Range.all(), 0);
      peer.send(o);
      HostLimitsTest.await(() -> host.openFeeds() == 2);
      Protobuf.Out u = new Protobuf.Out(64);
      GuestMessage.unsubscribe(u, 1);
      peer.send(u);
      HostLimitsTest.await(() -> host.openFeeds() == 1);
    }
    HostLimitsTest.await(() -> host.openFeeds() == 0 && host.connections() == 0);
    // Awaited, not asserted at once: the feed thread of an earlier test in this JVM whose feed
    // ended on its own may still be on its way out. This test's own feeds stopped theirs.
    await("the database's feed threads ended").atMost(WAIT)
        .until(() -> Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.isAlive() && t.getName().equals("level4j-rocks-feed")));
  }

  @Test
  void aHostOfADatabaseWithoutAFeedAnnouncesNoneAndRefusesASubscription() throws Exception {
    Path socket = dir.resolve("db.sock");
    opened.keep(Host.of(opened.keep(MemoryLevel.open()))).listen(Listener.unix(socket));
    Guest guest = opened.keep(Guest.connect(Connector.unix(socket)));
    assertThat(guest.supports().changeFeed()).isFalse();
    try (RawPeer peer = new RawPeer(socket)) {
      Protobuf.Out o = new Protobuf.Out(64);
      GuestMessage.subscribe(o, 1, 1, Range.all(), 0);
      peer.send(o);
      HostMessage.Callback refused = (HostMessage.Callback) peer.response(WAIT);
      assertThat(refused.error().code()).isEqualTo(ErrorCode.LEVEL_NOT_SUPPORTED);
      assertThat(peer.hello.features() & Wire.FEATURE_CHANGES).isZero();
    }
  }

  @Test
  void aGuestsSlowListenerPausesItsFeedAndGetsEveryChangeOnceInOrder() throws Exception {
    RocksDatabase db = opened.keep(RocksLevel.open(dir.resolve("db")));
    Path socket = dir.resolve("db.sock");
    Host host = opened.keep(Host.of(db)).listen(Listener.unix(socket));
    Guest guest = opened.keep(Guest.connect(Connector.unix(socket)));
    int written = GuestFeed.MAX_QUEUED * 3;
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.BlockingQueue<Change> seen =
        new java.util.concurrent.LinkedBlockingQueue<>();
    try (org.level4j.ChangeFeed feed = guest.changes(Range.all(), 0, c -> {
      try {
        go.await(); // the listener stalls while every write is made
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      seen.add(c);
    })) {
      for (int i = 0; i < written; i++) {
        db.bytes().put(key(i), key(i));
      }
      // The guest held at most its bound and stopped the host's feed meanwhile.
      HostLimitsTest.await(() -> host.openFeeds() == 0);
      go.countDown();
      long last = 0;
      for (int i = 0; i < written; i++) {
        Change c = seen.poll(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(c).as("change %d", i).isNotNull();
        assertThat(c.revision()).isGreaterThan(last);
        last = c.revision();
        assertThat(c.ops().get(0).key()).isEqualTo(key(i));
      }
      assertThat(seen.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS)).isNull();
      assertThat(feed.nextRevision()).isEqualTo(last + 1);
      // Subscribed again once the listener caught up: the guest asks when its queue runs low,
      // which may be before its last changes are delivered, and the host's count follows its
      // reading of the request, which nothing here waits for.
      HostLimitsTest.await(() -> host.openFeeds() == 1);
    }
    HostLimitsTest.await(() -> host.openFeeds() == 0);
  }

  @Test
  void aGuestsListenerMayCallTheDatabaseSynchronously() throws Exception {
    RocksDatabase db = opened.keep(RocksLevel.open(dir.resolve("db")));
    Path socket = dir.resolve("db.sock");
    opened.keep(Host.of(db)).listen(Listener.unix(socket));
    Guest guest = opened.keep(Guest.connect(Connector.unix(socket)));
    java.util.concurrent.BlockingQueue<String> copied =
        new java.util.concurrent.LinkedBlockingQueue<>();
    Range<byte[]> source = Range.<byte[]>all().gte(key(0)).lt(key(99_999));
    try (org.level4j.ChangeFeed feed = guest.changes(source, 0, new org.level4j.ChangeListener() {
      @Override
      public void onChange(Change c) {
        // Reads and writes through the same connection the changes arrive on.
        byte[] k = c.ops().get(0).key();
        byte[] v = guest.bytes().get(k);
        guest.bytes().put(("copy-" + new String(k, StandardCharsets.UTF_8)).getBytes(
            StandardCharsets.UTF_8), v);
        copied.add(new String(k, StandardCharsets.UTF_8));
      }

      @Override
      public void onError(org.level4j.LevelException e) {
        copied.add("ERROR " + e);
      }
    })) {
      for (int i = 0; i < 500; i++) {
        guest.bytes().put(key(i), key(i));
      }
      for (int i = 0; i < 500; i++) {
        assertThat(copied.poll(30, java.util.concurrent.TimeUnit.SECONDS))
            .isEqualTo(new String(key(i), StandardCharsets.UTF_8));
      }
    }
    assertThat(guest.get("copy-k00499")).isEqualTo("k00499");
  }

  /** Flushes, and returns the log files that moved to the archive. */
  private List<Path> archivedAfterFlush(RocksDatabase db) throws Exception {
    db.compactRange();
    Path archive = dir.resolve("db").resolve("archive");
    return await("a log archived").atMost(WAIT).pollInterval(Duration.ofMillis(50))
        .until(() -> archived(archive), list -> !list.isEmpty());
  }

  private static List<Path> archived(Path archive) throws Exception {
    if (!Files.isDirectory(archive)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(archive)) {
      return files.toList();
    }
  }

  private static byte[] key(int i) {
    return String.format("k%05d", i).getBytes(StandardCharsets.UTF_8);
  }
}
