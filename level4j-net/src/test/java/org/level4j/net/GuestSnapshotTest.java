package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.MemoryLevel;
import org.level4j.Range;
import org.level4j.Snapshot;

/**
 * Snapshots a level4j host holds for its guests (the conformance suite covers what reads through
 * them see): how long they live, what happens to them when the connection goes, and the cap.
 */
class GuestSnapshotTest {
  @TempDir
  Path dir;

  private Database db;
  private Host host;
  private CuttableListener listener;
  private Path socket;

  @BeforeEach
  void serve() throws Exception {
    db = MemoryLevel.open();
    socket = dir.resolve("db.sock");
    listener = new CuttableListener(Listener.unix(socket));
    host = Host.of(db, HostOptions.builder().maxSnapshots(3).build()).listen(listener);
  }

  @AfterEach
  void stop() {
    host.close();
    db.close();
  }

  private Guest retryingGuest() {
    return Guest.connect(Connector.unix(socket), GuestOptions.builder().retry(true).build());
  }

  @Test
  void aGuestOfALevel4jHostSupportsExplicitSnapshots() {
    try (Guest guest = retryingGuest()) {
      assertThat(guest.supports().explicitSnapshots()).isTrue();
      assertThat(guest.supports().implicitSnapshots()).isTrue();
    }
  }

  @Test
  void aSnapshotOfALostConnectionFailsWithSnapshotNotOpenAndNeverReadsNewerData() {
    try (Guest guest = retryingGuest()) {
      guest.put("k", "old");
      Snapshot s = guest.snapshot();
      guest.put("k", "new");
      assertThat(guest.get("k", s)).isEqualTo("old");

      listener.cutAll();

      assertGone(() -> guest.get("k", s));
      assertGone(() -> guest.has("k", s));
      assertGone(() -> guest.getMany(List.of("k"), s));
      assertGone(() -> guest.iterator(Range.all(), s));
      assertGone(() -> guest.async().get("k", s).join());
      s.close(); // harmless: the host released it with the connection

      assertThat(guest.get("k")).isEqualTo("new"); // the guest itself reconnected
      try (Snapshot fresh = guest.snapshot()) {
        guest.put("k", "newer");
        assertThat(guest.get("k", fresh)).isEqualTo("new");
      }
    }
  }

  @Test
  void anIteratorOnASnapshotFailsRatherThanResumeOnANewConnection() {
    Database bulk = db;
    String value = "v".repeat(200);
    var batch = bulk.batch();
    for (int i = 0; i < 20_000; i++) {
      batch.put(String.format("k%05d", i), value);
    }
    batch.write();
    try (Guest guest = retryingGuest(); Snapshot s = guest.snapshot()) {
      try (LevelIterator<String, String> it = guest.keys(Range.all(), s)) {
        assertThat(it.next()).isEqualTo("k00000");
        listener.cutAll();
        // 20,000 entries of 200 bytes are far more than a guest buffers: the rest must come
        // from a host, and the one that held the snapshot is gone.
        assertGone(it::all);
      }
    }
  }

  @Test
  void aConnectionMayHoldAtMostMaxSnapshots() {
    try (Guest guest = retryingGuest()) {
      guest.put("k", "1");
      Snapshot one = guest.snapshot();
      Snapshot two = guest.snapshot();
      guest.put("k", "2");
      Snapshot three = guest.snapshot();
      assertThatThrownBy(guest::snapshot)
          .isInstanceOfSatisfying(LevelException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_LIMIT_EXCEEDED);
            assertThat(e.getMessage()).contains("HostOptions.maxSnapshots");
          });
      assertThat(host.heldSnapshots()).isEqualTo(3);
      // the refusal leaves the connection and its snapshots as they were
      assertThat(guest.get("k", one)).isEqualTo("1");
      assertThat(guest.get("k", three)).isEqualTo("2");
      two.close();
      try (Snapshot four = guest.snapshot()) {
        guest.put("k", "3");
        assertThat(guest.get("k", four)).isEqualTo("2");
      }
      one.close();
      three.close();
      guest.get("k"); // answered after the releases before it
      assertThat(host.heldSnapshots()).isZero();
    }
  }

  /**
   * A host (B) that serves a guest of another host (A) holds its snapshots on A; when B's guest
   * goes away, B releases them, and A sees the release.
   */
  @Test
  void theHostReleasesTheSnapshotsOfAConnectionThatGoesAway() throws Exception {
    Path inner = dir.resolve("b.sock");
    try (Guest upstream = Guest.connect(Connector.unix(socket));
        Host b = Host.of(upstream).listen(Listener.unix(inner))) {
      Guest guest = Guest.connect(Connector.unix(inner));
      try {
        guest.put("k", "old");
        Snapshot s = guest.snapshot();
        guest.snapshot();
        guest.put("k", "new");
        assertThat(guest.get("k", s)).isEqualTo("old");
        assertThat(b.heldSnapshots()).isEqualTo(2);
        assertThat(host.heldSnapshots()).isEqualTo(2);
      } finally {
        guest.close(); // without closing its snapshots
      }
      HostLimitsTest.await(() -> b.connections() == 0);
      upstream.get("k"); // A reads B's releases before this get
      assertThat(host.heldSnapshots()).isZero();
    }
  }

  private static void assertGone(Runnable use) {
    assertThatThrownBy(use::run)
        .satisfies(t -> {
          LevelException e = LevelException.of(t, ErrorCode.LEVEL_REMOTE_ERROR);
          assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_SNAPSHOT_NOT_OPEN);
          assertThat(e.getMessage()).contains("the host that held this snapshot is gone");
        });
  }
}
