package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.MemoryLevel;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.conformance.Seed;

/**
 * Raw bytes from a misbehaving guest, on a real socket: the host closes that one connection and
 * keeps serving the others; nothing acknowledged is lost and no partial write is applied.
 */
class HostBadInputTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration BRIEF = Duration.ofMillis(300);

  @TempDir
  Path dir;

  private Database db;
  private Host host;
  private Path socket;
  private Guest good;

  @BeforeEach
  void serve() throws Exception {
    db = MemoryLevel.open();
    socket = dir.resolve("db.sock");
    host = Host.of(db, HostOptions.builder().maxFrameBytes(1024).build())
        .listen(Listener.unix(socket));
    good = Guest.connect(Connector.unix(socket));
    good.put("acknowledged", "yes");
  }

  @AfterEach
  void stop() {
    good.close();
    host.close();
    db.close();
  }

  /** The well-behaved guest still works and still sees what it wrote. */
  private void othersUnharmed() {
    assertThat(good.get("acknowledged")).isEqualTo("yes");
    good.put("later", "ok");
    assertThat(good.get("later")).isEqualTo("ok");
  }

  @Test
  void frameOverTheLimitClosesThatConnection() throws Exception {
    try (RawPeer raw = new RawPeer(socket)) {
      raw.send(new byte[] {(byte) 0x88, 0x27, Wire.PUT, 8, 1}); // claims 5000 bytes, limit 1024
      assertThat(raw.closedWithin(WAIT)).isTrue();
    }
    othersUnharmed();
  }

  @Test
  void truncatedFrameIsNotAppliedAndClosesThatConnection() throws Exception {
    Protobuf.Out o = new Protobuf.Out(256);
    GuestMessage.batch(o, 1, List.of(Op.put(b("t1"), b("v")), Op.put(b("t2"), b("v"))));
    try (RawPeer raw = new RawPeer(socket)) {
      raw.send(Arrays.copyOf(o.buf, o.len - 1));
      raw.shutdownOutput();
      assertThat(raw.closedWithin(WAIT)).isTrue();
    }
    othersUnharmed();
    assertThat(db.keys(Range.all()).all()).doesNotContain("t1", "t2");
  }

  @Test
  void undecodableBodyClosesThatConnection() throws Exception {
    try (RawPeer raw = new RawPeer(socket)) {
      raw.send(new byte[] {4, Wire.GET, (byte) 0xff, (byte) 0xff, (byte) 0xff}); // cut varint
      assertThat(raw.closedWithin(WAIT)).isTrue();
    }
    try (RawPeer raw = new RawPeer(socket)) {
      raw.send(new byte[] {3, Wire.GET, 0x08, 0x01}); // Get without its required key
      assertThat(raw.closedWithin(WAIT)).isTrue();
    }
    try (RawPeer raw = new RawPeer(socket)) {
      raw.send(new byte[] {4, Wire.PUT, 0x12, 0x05, 0x61}); // key longer than the frame
      assertThat(raw.closedWithin(WAIT)).isTrue();
    }
    othersUnharmed();
  }

  @Test
  void unknownIteratorIdClosesThatConnection() throws Exception {
    Protobuf.Out ack = new Protobuf.Out(64);
    GuestMessage.iteratorAck(ack, 77, 0, 1);
    try (RawPeer raw = new RawPeer(socket)) {
      raw.send(ack);
      assertThat(raw.closedWithin(WAIT)).isTrue();
    }
    Protobuf.Out seek = new Protobuf.Out(64);
    GuestMessage.iteratorSeek(seek, 78, 1, b("x"));
    try (RawPeer raw = new RawPeer(socket)) {
      raw.send(seek);
      assertThat(raw.closedWithin(WAIT)).isTrue();
    }
    othersUnharmed();
  }

  @Test
  void unknownTagsAndEmptyFramesAreIgnored() throws Exception {
    Protobuf.Out o = new Protobuf.Out(64);
    GuestMessage.get(o, 5, b("acknowledged"), 0);
    byte[] get = Arrays.copyOf(o.buf, o.len);
    try (RawPeer raw = new RawPeer(socket)) {
      raw.send(new byte[] {0, 4, (byte) (Wire.FIRST_EXTENSION_TAG + 28), 1, 2, 3}); // tag 60: none
      raw.send(get);
      HostMessage answer = raw.response(WAIT);
      assertThat(answer).isInstanceOf(HostMessage.Callback.class);
      assertThat(((HostMessage.Callback) answer).id()).isEqualTo(5);
      assertThat(((HostMessage.Callback) answer).value()).isEqualTo(b("yes"));
      assertThat(raw.closedWithin(BRIEF)).isFalse();
    }
  }

  @Test
  void randomBytesNeverHarmOtherConnections() throws Exception {
    long seed = Seed.of("randomBytesNeverHarmOtherConnections");
    Random random = new Random(seed);
    // Read-only, so that random bytes which happen to form a valid write cannot change data.
    try (Host readOnly =
        Host.of(db, HostOptions.builder().readOnly(true).maxFrameBytes(4096).build())) {
      Path ro = dir.resolve("ro.sock");
      readOnly.listen(Listener.unix(ro));
      try (Guest reader = Guest.connect(Connector.unix(ro))) {
        for (int round = 0; round < 150; round++) {
          byte[] junk = new byte[random.nextInt(600)];
          random.nextBytes(junk);
          if (junk.length > 2 && random.nextBoolean()) {
            junk[0] = (byte) random.nextInt(40); // a plausible short frame length
            junk[1] = (byte) random.nextInt(12); // and a known tag
          }
          try (RawPeer raw = new RawPeer(ro)) {
            raw.send(junk);
            raw.shutdownOutput();
            assertThat(raw.closedWithin(WAIT)).as("round %d", round).isTrue();
          }
          assertThat(reader.get("acknowledged")).as("round %d", round).isEqualTo("yes");
        }
        assertThat(db.keys(Range.all()).all()).containsExactly("acknowledged");
      }
    }
    othersUnharmed();
  }

  private static byte[] b(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
