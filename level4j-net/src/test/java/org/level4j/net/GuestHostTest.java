package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

class GuestHostTest {
  @TempDir
  Path dir;

  private final Opened opened = new Opened();

  @AfterEach
  void closeAll() throws Exception {
    opened.close();
  }

  private Guest guestOverPipe(Database db) {
    Host host = opened.keep(Host.of(db));
    Connection.Pipe pipe = Connection.pipe();
    host.serve(pipe.host());
    return opened.keep(Guest.connect(pipe::guest));
  }

  @Test
  void putGetDelOverAPipe() {
    Database db = opened.keep(MemoryLevel.open());
    Guest guest = guestOverPipe(db);
    guest.put("a", "1");
    assertThat(guest.get("a")).isEqualTo("1");
    assertThat(db.get("a")).isEqualTo("1");
    guest.del("a");
    assertThat(guest.get("a")).isNull();
    assertThat(guest.has("a")).isFalse();
  }

  @Test
  void putGetOverAUnixSocket() throws Exception {
    Database db = opened.keep(MemoryLevel.open());
    Path sock = dir.resolve("db.sock");
    opened.keep(Host.of(db).listen(Listener.unix(sock)));
    assertThat(Files.getPosixFilePermissions(sock))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Guest guest = opened.keep(Guest.connect(Connector.unix(sock)));
    guest.put("k", "v");
    assertThat(guest.get("k")).isEqualTo("v");
    assertThat(guest.getMany(List.of("k", "x"))).containsExactly("v", null);
  }

  @Test
  void putGetOverTcp() throws Exception {
    Database db = opened.keep(MemoryLevel.open());
    Listener l = Listener.tcp(0);
    opened.keep(Host.of(db).listen(l));
    int port = ((java.net.InetSocketAddress) l.address()).getPort();
    Guest guest = opened.keep(Guest.connect(Connector.tcp("127.0.0.1", port)));
    guest.batch(List.of(Op.put("a", "1"), Op.put("b", "2"), Op.del("a")));
    assertThat(guest.get("a")).isNull();
    assertThat(guest.get("b")).isEqualTo("2");
  }

  @Test
  void manyRequestsInFlight() {
    Database db = opened.keep(MemoryLevel.open());
    Guest guest = guestOverPipe(db);
    List<CompletableFuture<Void>> puts = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      puts.add(guest.async().put("k" + i, "v" + i));
    }
    CompletableFuture.allOf(puts.toArray(new CompletableFuture<?>[0])).join();
    List<CompletableFuture<String>> gets = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      gets.add(guest.async().get("k" + i));
    }
    for (int i = 0; i < 1000; i++) {
      assertThat(gets.get(i).join()).isEqualTo("v" + i);
    }
  }

  @Test
  void iteratorsStreamRangesInBothDirections() {
    Database db = opened.keep(MemoryLevel.open());
    for (int i = 0; i < 5000; i++) {
      db.put(String.format("k%05d", i), "v" + i);
    }
    Guest guest = guestOverPipe(db);
    try (LevelIterator<String, Entry<String, String>> it = guest.iterator()) {
      int n = 0;
      for (Entry<String, String> e : it) {
        assertThat(e.key()).isEqualTo(String.format("k%05d", n));
        n++;
      }
      assertThat(n).isEqualTo(5000);
    }
    List<String> rev = guest.keys(Range.<String>all().gte("k00010").lt("k00020").reverse())
        .all();
    assertThat(rev).hasSize(10).first().isEqualTo("k00019");
    assertThat(guest.values(Range.<String>all().limit(3)).all()).containsExactly("v0", "v1", "v2");
    try (LevelIterator<String, String> it = guest.keys(Range.<String>all().limit(100))) {
      assertThat(it.next()).isEqualTo("k00000");
      it.seek("k04000");
      assertThat(it.next()).isEqualTo("k04000");
      assertThat(it.nextv(1000)).hasSize(98);
      assertThat(it.next()).isNull();
    }
  }

  @Test
  void largeValuesStreamInFramesTheGuestAccepts() {
    Database db = opened.keep(MemoryLevel.open());
    byte[] big = new byte[1 << 20];
    for (int i = 0; i < 12; i++) {
      db.bytes().put(new byte[] {(byte) i}, big);
    }
    Host host = opened.keep(Host.of(db));
    Connection.Pipe pipe = Connection.pipe();
    host.serve(pipe.host());
    Guest guest = opened.keep(Guest.connect(pipe::guest,
        GuestOptions.builder().maxFrameBytes(3 << 20).build()));
    assertThat(guest.bytes().values(Range.all()).all()).hasSize(12)
        .allSatisfy(v -> assertThat(v).hasSize(1 << 20));
  }

  @Test
  void clearDeletesTheRange() {
    Database db = opened.keep(MemoryLevel.open());
    for (int i = 0; i < 10; i++) {
      db.put("k" + i, "v");
    }
    Guest guest = guestOverPipe(db);
    guest.clear(Range.<String>all().gte("k3").lt("k6"));
    assertThat(db.keys(Range.all()).all()).containsExactly("k0", "k1", "k2", "k6", "k7", "k8", "k9");
    guest.clear(Range.<String>all().reverse().limit(2));
    assertThat(db.keys(Range.all()).all()).containsExactly("k0", "k1", "k2", "k6", "k7");
  }

  @Test
  void closingFailsPendingOperationsWithNotOpen() throws Exception {
    Database db = opened.keep(MemoryLevel.open());
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    db.prewrite((op, batch) -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Guest guest = guestOverPipe(db);
    CompletableFuture<Void> put = guest.async().put("a", "1");
    CompletableFuture<String> get = guest.async().get("a");
    guest.close();
    release.countDown();
    for (CompletableFuture<?> f : List.of(put, get)) {
      assertThatThrownBy(f::join).hasCauseInstanceOf(LevelException.class)
          .cause().extracting(e -> ((LevelException) e).code())
          .isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPEN);
    }
  }

  @Test
  void oneHostServesManyGuestsAtOnce() throws Exception {
    Database db = opened.keep(MemoryLevel.open());
    Listener l = Listener.tcp(0);
    opened.keep(Host.of(db).listen(l));
    int port = ((java.net.InetSocketAddress) l.address()).getPort();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int g = 0; g < 8; g++) {
      int id = g;
      Thread t = new Thread(() -> {
        try (Guest guest = Guest.connect(Connector.tcp("127.0.0.1", port))) {
          for (int i = 0; i < 200; i++) {
            guest.put("g" + id + "/" + i, "v" + i);
          }
          assertThat(guest.keys(Range.<String>all().gte("g" + id + "/").lt("g" + id + "0")).all())
              .hasSize(200);
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failures).isEmpty();
    assertThat(db.keys(Range.all()).all()).hasSize(1600);
  }

  @Test
  void closingFailsLaterCallsWithNotOpen() {
    Database db = opened.keep(MemoryLevel.open());
    Guest guest = guestOverPipe(db);
    guest.close();
    assertThatThrownBy(() -> guest.get("a")).isInstanceOf(LevelException.class)
        .extracting(e -> ((LevelException) e).code()).isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPEN);
  }
}
