package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.MemoryLevel;
import org.level4j.Op;
import org.level4j.Range;

/**
 * What one connection may make a host hold, with real sockets and misbehaving peers: a peer that
 * never reads its answers stops being read, and iterators and requests in flight beyond their
 * caps are refused with {@code LEVEL_LIMIT_EXCEEDED}; the connection stays usable and the other
 * connections are served meanwhile.
 */
class HostLimitsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final byte[] BIG = b("big");

  @TempDir
  Path dir;

  private final Opened opened = new Opened();

  @AfterEach
  void stop() throws Exception {
    opened.close();
  }

  private Host serve(Database db, HostOptions options, Path socket) throws Exception {
    return opened.keep(Host.of(db, options)).listen(Listener.unix(socket));
  }

  @Test
  void aPeerThatNeverReadsIsNoLongerReadWhileOthersAreServed() throws Exception {
    Database db = opened.keep(MemoryLevel.open());
    byte[] value = new byte[100_000];
    Arrays.fill(value, (byte) 'v');
    db.bytes().put(BIG, value);
    int bound = 256 * 1024;
    Path socket = dir.resolve("db.sock");
    Host host = serve(db, HostOptions.builder().maxUnsentBytes(bound).build(), socket);
    Guest good = opened.keep(Guest.connect(Connector.unix(socket)));

    int sent = 3000; // 300 MB of answers
    Protobuf.Out gets = new Protobuf.Out(64 * 1024);
    for (int id = 1; id <= sent; id++) {
      GuestMessage.get(gets, id, BIG, 0);
    }
    try (RawPeer flooder = new RawPeer(socket)) {
      long served = host.requestsServed();
      flooder.send(gets); // 33 KB: the socket takes them all
      // The host fills the socket, then keeps what does not fit up to its bound, then waits.
      await(() -> host.unsentBytes() > bound);
      for (int i = 0; i < 100; i++) {
        assertThat(host.unsentBytes()).isLessThanOrEqualTo(bound + value.length + 64L);
        good.put("k" + i, "v" + i);
        assertThat(good.get("k" + i)).isEqualTo("v" + i);
      }
      long flooderServed = host.requestsServed() - served - 200;
      assertThat(flooderServed).as("requests of the flooder taken while it did not read")
          .isLessThan(100);
      assertThat(host.connections()).isEqualTo(2);

      // Throttled, not dropped: once it reads, every answer comes, and it may ask again.
      for (int id = 1; id <= sent; id++) {
        HostMessage.Callback c = (HostMessage.Callback) flooder.response(WAIT);
        assertThat(c.id()).isEqualTo(id);
        assertThat(c.error()).isNull();
        assertThat(c.value()).isEqualTo(value);
      }
      Protobuf.Out one = new Protobuf.Out(64);
      GuestMessage.get(one, 999_999, BIG, 0);
      flooder.send(one);
      HostMessage last;
      do {
        last = flooder.response(WAIT);
      } while (last instanceof HostMessage.Callback c && c.id() != 999_999);
      assertThat(((HostMessage.Callback) last).value()).isEqualTo(value);
    }
  }

  @Test
  void twentyThousandIteratorsLeaveTheCapOpenAndTheRestRefused() throws Exception {
    Database db = opened.keep(MemoryLevel.open());
    db.put("a", "1");
    Path socket = dir.resolve("db.sock");
    Host host = serve(db, HostOptions.defaults(), socket);
    int cap = HostOptions.defaults().maxIterators();
    Guest good = opened.keep(Guest.connect(Connector.unix(socket)));
    try (RawPeer peer = new RawPeer(socket)) {
      int opened = 0;
      int refused = 0;
      int total = 20_000;
      for (int chunk = 0; chunk < total; chunk += 500) {
        Protobuf.Out o = new Protobuf.Out(16 * 1024);
        for (int id = chunk + 1; id <= chunk + 500; id++) {
          GuestMessage.iterator(o, id, 0, Range.all(), true, true, 0, null, null, 0);
        }
        peer.send(o);
        for (int i = 0; i < 500; i++) {
          HostMessage m = peer.response(WAIT);
          if (m instanceof HostMessage.IteratorError e) {
            assertThat(e.error().code()).isEqualTo(ErrorCode.LEVEL_LIMIT_EXCEEDED);
            assertThat(e.error().getMessage()).contains("maxIterators");
            refused++;
          } else {
            assertThat(m).isInstanceOf(HostMessage.IteratorData.class);
            opened++;
          }
        }
        assertThat(host.openIterators()).isEqualTo(Math.min(chunk + 500, cap));
        assertThat(good.get("a")).as("another connection meanwhile").isEqualTo("1");
      }
      assertThat(opened).isEqualTo(cap);
      assertThat(refused).isEqualTo(total - cap);

      // The refused ones may still be acknowledged, sought and closed; the connection goes on.
      Protobuf.Out o = new Protobuf.Out(256);
      GuestMessage.iteratorAck(o, cap + 1, 0, 1);
      GuestMessage.iteratorSeek(o, cap + 2, 1, b("a"));
      GuestMessage.iteratorClose(o, cap + 3);
      GuestMessage.get(o, 1, b("a"), 0);
      peer.send(o);
      HostMessage.Callback answer = (HostMessage.Callback) peer.response(WAIT);
      assertThat(answer.value()).isEqualTo(b("1"));

      // Closing one makes room for one more.
      o = new Protobuf.Out(256);
      GuestMessage.iteratorClose(o, 1);
      GuestMessage.iterator(o, total + 1, 0, Range.all(), true, true, 0, null, null, 0);
      peer.send(o);
      assertThat(peer.response(WAIT)).isInstanceOf(HostMessage.IteratorData.class);
      assertThat(host.openIterators()).isEqualTo(cap);
    }
    await(() -> host.openIterators() == 0); // a connection's iterators close with it
  }

  @Test
  void aGuestsIteratorBeyondTheCapFailsWithLimitExceededAndTheGuestGoesOn() throws Exception {
    Database db = opened.keep(MemoryLevel.open());
    db.put("a", "1");
    Path socket = dir.resolve("db.sock");
    Host host = serve(db, HostOptions.builder().maxIterators(3).build(), socket);
    Guest guest = opened.keep(Guest.connect(Connector.unix(socket)));
    List<LevelIterator<String, Entry<String, String>>> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      LevelIterator<String, Entry<String, String>> it = opened.keep(guest.iterator(Range.all()));
      assertThat(it.next().key()).isEqualTo("a");
      held.add(it);
    }
    LevelIterator<String, Entry<String, String>> fourth = opened.keep(guest.iterator(Range.all()));
    assertThatThrownBy(fourth::next).isInstanceOfSatisfying(LevelException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_LIMIT_EXCEEDED);
      assertThat(e.getMessage()).contains("3 iterators open");
    });
    fourth.seek("a"); // a failed iterator stays failed; the host ignores what it is sent
    assertThat(guest.get("a")).isEqualTo("1");
    assertThat(host.openIterators()).isEqualTo(3);

    held.get(0).close();
    fourth.close();
    try (LevelIterator<String, Entry<String, String>> again = guest.iterator(Range.all())) {
      assertThat(again.next().key()).isEqualTo("a");
    }
    assertThat(guest.isConnected()).isTrue();
  }

  @Test
  void aGetManyWhoseAnswerWouldPassTheFrameLimitIsRefusedAndTheGuestGoesOn() throws Exception {
    Database db = opened.keep(MemoryLevel.open());
    db.put("big", "v".repeat(100_000));
    Path socket = dir.resolve("db.sock");
    serve(db, HostOptions.builder().maxFrameBytes(1 << 20).build(), socket);
    Guest guest = opened.keep(Guest.connect(Connector.unix(socket)));
    for (int copies : new int[] {11, GetManyAnswer.SLICE * 2}) { // read whole; read in slices
      List<String> keys = java.util.Collections.nCopies(copies, "big");
      assertThatThrownBy(() -> guest.getMany(keys))
          .isInstanceOfSatisfying(LevelException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_LIMIT_EXCEEDED);
            assertThat(e.getMessage()).contains(copies + " keys take more than 1048576 bytes");
          });
    }
    assertThat(guest.getMany(java.util.Collections.nCopies(10, "big"))).hasSize(10)
        .allMatch(v -> v.length() == 100_000);
    List<String> many = new ArrayList<>();
    for (int i = 0; i < GetManyAnswer.SLICE * 3; i++) {
      many.add("k" + i);
      db.put("k" + i, "v" + i);
    }
    List<String> values = guest.getMany(many);
    for (int i = 0; i < many.size(); i++) {
      assertThat(values.get(i)).isEqualTo("v" + i);
    }
  }

  /**
   * Host B serves a guest of host A, so B's requests are in flight until A answers; A's hook
   * holds the first batch, and with it everything behind it on that connection.
   */
  @Test
  void requestsBeyondTheInFlightCapAreRefusedWithLimitExceeded() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Database data = opened.keep(MemoryLevel.open());
    data.put("a", "1");
    Path socketA = dir.resolve("a.sock");
    serve(data, HostOptions.builder().prebatch(ops -> {
      if (Arrays.equals(ops.get(0).key(), b("stall"))) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }).build(), socketA);
    Guest relay = opened.keep(Guest.connect(Connector.unix(socketA)));
    Path socketB = dir.resolve("b.sock");
    int cap = 8;
    Host b = serve(relay, HostOptions.builder().maxRequestsInFlight(cap).build(), socketB);
    Guest guest = opened.keep(Guest.connect(Connector.unix(socketB)));

    try {
      assertInFlightCap(guest, b, cap, release);
    } finally {
      release.countDown();
    }
    assertThat(guest.get("b")).isEqualTo("2");
    await(() -> b.requestsInFlight() == 0);
  }

  private static void assertInFlightCap(Guest guest, Host b, int cap, CountDownLatch release)
      throws Exception {
    CompletableFuture<Void> stalled = guest.async().batch(
        List.of(Op.put("stall", "x"), Op.put("b", "2")));
    List<CompletableFuture<String>> gets = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      gets.add(guest.async().get("a"));
    }
    int refused = 0;
    for (CompletableFuture<String> f : gets.subList(cap - 1, gets.size())) {
      assertThatThrownBy(f::join).isInstanceOf(CompletionException.class)
          .cause().isInstanceOfSatisfying(LevelException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_LIMIT_EXCEEDED);
            assertThat(e.getMessage()).contains("maxRequestsInFlight");
          });
      refused++;
    }
    assertThat(refused).isEqualTo(20 - (cap - 1));
    assertThat(b.requestsInFlight()).isEqualTo(cap);
    assertThat(gets.subList(0, cap - 1)).allMatch(f -> !f.isDone());

    release.countDown();
    stalled.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    for (CompletableFuture<String> f : gets.subList(0, cap - 1)) {
      assertThat(f.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("1");
    }
  }

  /** Waits for {@code condition}, failing after {@link #WAIT}. */
  static void await(BooleanSupplier condition) {
    Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(1))
        .until(condition::getAsBoolean);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
