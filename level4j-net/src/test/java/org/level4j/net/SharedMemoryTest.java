package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.MemoryLevel;
import org.level4j.Range;

/**
 * A guest and a host of the same user on one machine carry their bytes in shared memory beside
 * their Unix socket ({@link Connection#unixSharedMemory}); the host refuses a file that is not a
 * private one of its own user's, and the socket then carries on alone.
 */
@EnabledOnOs(OS.LINUX)
class SharedMemoryTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private Database db;
  private Host host;
  private Path socket;

  @BeforeEach
  void serve() {
    db = MemoryLevel.open();
    socket = dir.resolve("db.sock");
    host = Host.of(db).listen(Listener.unix(socket));
  }

  @AfterEach
  void stop() {
    host.close();
    db.close();
  }

  @Test
  void aGuestOfThisUserMovesToSharedMemoryAndLeavesNoFileBehind() throws Exception {
    Set<Path> before = sharedFiles();
    Connection c = Connection.unixSharedMemory(socket);
    try (Guest g = Guest.connect(() -> c)) { // answered before connect returns: the probe's
      g.put("a", "1");                       // answer comes after the offer's
      assertThat(g.get("a")).isEqualTo("1");
      assertThat(db.get("a")).isEqualTo("1");
      assertThat(SocketConnection.sharesMemory(c)).isTrue();
      assertThat(sharedFiles()).isSubsetOf(before);
    }
  }

  @Test
  void valuesLargerThanTheRingsAndManyCallsAtOnceArriveWhole() throws Exception {
    byte[] big = new byte[3 * SharedRings.CAPACITY + 17];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31 + (i >>> 11));
    }
    try (Guest g = Guest.connect(() -> Connection.unixSharedMemory(socket))) {
      g.bytes().put("big".getBytes(StandardCharsets.UTF_8), big);
      assertThat(g.bytes().get("big".getBytes(StandardCharsets.UTF_8))).isEqualTo(big);
      List<CompletableFuture<Void>> puts = new ArrayList<>();
      for (int i = 0; i < 5000; i++) {
        puts.add(g.async().put(String.format("k%05d", i), "v".repeat(i % 300)));
      }
      CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).join();
      List<String> values = g.values(Range.<String>all().gte("k").lt("l")).all();
      assertThat(values).hasSize(5000);
      for (int i = 0; i < values.size(); i++) {
        assertThat(values.get(i)).isEqualTo("v".repeat(i % 300));
      }
    }
  }

  @Test
  void aSleepingGuestIsWokenAndAHostThatGoesIsNoticed() throws Exception {
    try (Guest g = Guest.connect(() -> Connection.unixSharedMemory(socket))) {
      g.put("a", "1");
      Thread.sleep(200); // both ends stop polling and sleep in their sockets
      db.put("b", "2");
      assertThat(g.get("b")).isEqualTo("2");
      host.close();
      assertThatThrownBy(() -> {
        for (int i = 0; i < 100; i++) {
          g.get("a"); // a call may still be on its way when the host goes
          Thread.sleep(20);
        }
      }).isInstanceOfSatisfying(LevelException.class, e -> assertThat(e.code()).isIn(
          ErrorCode.LEVEL_CONNECTION_LOST, ErrorCode.LEVEL_DATABASE_NOT_OPEN));
    }
  }

  @Test
  void aGuestThatReconnectsOffersOnlyAfterItsHostAnsweredAndThenMoves() throws Exception {
    reconnectThenMove(true, g -> g.put("b", "2"));
  }

  @Test
  void aGuestThatOnlyIteratesAfterItReconnectsMovesToo() throws Exception {
    reconnectThenMove(false, g -> assertThat(g.keys(Range.<String>all()).all()).contains("a"));
  }

  /**
   * A guest on shared memory loses its host and reconnects to a new one; {@code calls} is what
   * it does from then on, until the new host took its offer. With {@code firstFrame}, a raw
   * listener stands in between and checks what the reconnecting guest sends first.
   */
  private void reconnectThenMove(boolean firstFrame, java.util.function.Consumer<Guest> calls)
      throws Exception {
    java.util.concurrent.atomic.AtomicReference<Connection> last =
        new java.util.concurrent.atomic.AtomicReference<>();
    Connector connector = () -> { // as RaveLevel's does: waits for a host to listen
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        try {
          Connection c = Connection.unixSharedMemory(socket);
          last.set(c);
          return c;
        } catch (LevelException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(5);
        }
      }
    };
    try (Guest g = Guest.connect(connector, GuestOptions.builder().retry(true).build())) {
      g.put("a", "1");
      assertThat(SocketConnection.sharesMemory(last.get())).isTrue(); // a first connection
      host.close();

      if (firstFrame) {
        // What a reconnecting guest sends first: its probe, not an offer (made while a new
        // leader is at its busiest, the offer's work would lengthen the failover).
        Files.deleteIfExists(socket);
        int firstTag;
        try (java.nio.channels.ServerSocketChannel raw =
            java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
          raw.bind(java.net.UnixDomainSocketAddress.of(socket));
          try (java.nio.channels.SocketChannel peer = raw.accept()) {
            firstTag = firstTag(peer);
          }
        }
        assertThat(firstTag).isEqualTo(Wire.GET_MANY);
      }

      Files.deleteIfExists(socket);
      host = Host.of(db).listen(Listener.unix(socket));
      assertThat(g.get("a")).isEqualTo("1"); // reconnected
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (host.connectionsInSharedMemory() == 0 && System.nanoTime() < deadline) {
        calls.accept(g); // the offer goes with a request or iterator once it is due
        Thread.sleep(10);
      }
      assertThat(host.connectionsInSharedMemory()).isEqualTo(1);
      assertThat(SocketConnection.sharesMemory(last.get())).isTrue();
      for (int i = 0; i < 200; i++) {
        g.put("k" + i, "v" + i);
      }
      assertThat(g.keys(Range.<String>all().gte("k").lt("l")).all()).hasSize(200);
      assertThat(db.get("k199")).isEqualTo("v199");
    }
  }

  /** The tag of the first frame a guest sends on {@code peer}. */
  private static int firstTag(java.nio.channels.SocketChannel peer) throws IOException {
    java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
    int b;
    do { // the frame's length, a varint
      one.clear();
      if (peer.read(one) < 0) {
        throw new java.io.EOFException();
      }
      b = one.get(0);
    } while ((b & 0x80) != 0);
    one.clear();
    if (peer.read(one) < 0) {
      throw new java.io.EOFException();
    }
    return one.get(0) & 0xff;
  }

  @Test
  void anOfferOfNoFileIsRefusedAndTheSocketCarriesOn() throws Exception {
    assertOfferRefusedThenServed("level4j-" + "0".repeat(32));
  }

  @Test
  void anOfferOfAFileOthersMayReadIsRefused() throws Exception {
    String name = randomName();
    Path file = SharedRings.DIR.resolve(name);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-r--r--")));
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(SharedRings.SIZE);
      assertOfferRefusedThenServed(name);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void anOfferOfALinkIsRefused() throws Exception {
    String name = randomName();
    Path target = dir.resolve("target");
    try (RandomAccessFile f = new RandomAccessFile(target.toFile(), "rw")) {
      f.setLength(SharedRings.SIZE);
    }
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
    Path link = Files.createSymbolicLink(SharedRings.DIR.resolve(name), target);
    try {
      assertOfferRefusedThenServed(name);
    } finally {
      Files.deleteIfExists(link);
    }
  }

  @Test
  void aPlainGuestMakesNoOfferAndStaysOnTheSocket() throws Exception {
    Connection c = Connection.unix(socket);
    try (Guest g = Guest.connect(() -> c)) {
      g.put("a", "1");
      assertThat(g.get("a")).isEqualTo("1");
      assertThat(SocketConnection.sharesMemory(c)).isFalse();
    }
  }

  /** Offers {@code name} as a raw guest: refused, and a get over the socket is answered. */
  private void assertOfferRefusedThenServed(String name) throws IOException {
    db.put("x", "y");
    try (RawPeer raw = new RawPeer(socket)) {
      Protobuf.Out offer = new Protobuf.Out(128);
      GuestMessage.sharedMemoryOffer(offer, name);
      raw.send(offer);
      assertThat(raw.response(WAIT)).isEqualTo(new HostMessage.SharedMemory(false));
      Protobuf.Out o = new Protobuf.Out(64);
      GuestMessage.get(o, 9, "x".getBytes(StandardCharsets.UTF_8), 0);
      raw.send(o);
      HostMessage answer = raw.response(WAIT);
      assertThat(answer).isInstanceOf(HostMessage.Callback.class);
      assertThat(((HostMessage.Callback) answer).value()).isEqualTo("y".getBytes(
          StandardCharsets.UTF_8));
    }
  }

  private static String randomName() {
    return "level4j-" + UUID.randomUUID().toString().replace("-", "");
  }

  private static Set<Path> sharedFiles() throws IOException {
    Set<Path> files = new HashSet<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(SharedRings.DIR, "level4j-*")) {
      s.forEach(files::add);
    }
    return files;
  }
}
