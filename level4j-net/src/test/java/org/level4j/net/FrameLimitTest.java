package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.LevelException;
import org.level4j.MemoryLevel;

/**
 * The frame limit, both ways: by default 64 MiB on either side (a frame of 64 MiB + 1 closes the
 * connection, a put of 63 MiB goes through), and a guest refuses an answer larger than its own
 * limit instead of buffering it.
 */
class FrameLimitTest {
  private static final int MIB = 1 << 20;
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  @Test
  void theDefaultLimitIs64MiBOnBothSides() {
    assertThat(HostOptions.defaults().maxFrameBytes()).isEqualTo(64 * MIB);
    assertThat(GuestOptions.defaults().maxFrameBytes()).isEqualTo(64 * MIB);
  }

  @Test
  void aDefaultHostClosesAConnectionWhoseFrameClaimsOneByteOver64MiB() throws Exception {
    Path socket = dir.resolve("db.sock");
    try (Database db = MemoryLevel.open();
        Host host = Host.of(db).listen(Listener.unix(socket));
        RawPeer raw = new RawPeer(socket)) {
      raw.send(header(64 * MIB + 1, Wire.PUT)); // the header alone: the limit is checked first
      assertThat(raw.closedWithin(WAIT)).isTrue();
    }
  }

  @Test
  void aDefaultHostAndGuestCarryA63MiBValue() throws Exception {
    Path socket = dir.resolve("db.sock");
    byte[] big = new byte[63 * MIB];
    Arrays.fill(big, (byte) 7);
    try (Database db = MemoryLevel.open();
        Host host = Host.of(db).listen(Listener.unix(socket));
        Guest guest = Guest.connect(Connector.unix(socket))) {
      guest.bytes().put(new byte[] {1}, big);
      assertThat(db.bytes().get(new byte[] {1})).hasSize(63 * MIB);
      assertThat(guest.bytes().get(new byte[] {1})).isEqualTo(big);
    }
  }

  @Test
  void aGuestRefusesAnAnswerOverItsOwnLimit() throws Exception {
    Path socket = dir.resolve("db.sock");
    try (Database db = MemoryLevel.open();
        Host host = Host.of(db).listen(Listener.unix(socket))) {
      db.bytes().put(new byte[] {1}, new byte[64 * 1024]);
      db.bytes().put(new byte[] {2}, new byte[1024]);
      try (Guest guest = Guest.connect(Connector.unix(socket),
          GuestOptions.builder().maxFrameBytes(16 * 1024).build())) {
        assertThat(guest.bytes().get(new byte[] {2})).hasSize(1024);
        assertThatThrownBy(() -> guest.bytes().get(new byte[] {1}))
            .isInstanceOf(LevelException.class);
        assertThat(guest.isConnected()).as("the guest closed the connection that broke its "
            + "limit").isFalse();
      }
    }
  }

  /** A frame header: the length as a varint, then the tag. */
  private static byte[] header(int length, int tag) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long v = length;
    while (v >= 0x80) {
      out.write((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
    out.write(tag);
    return out.toByteArray();
  }
}
