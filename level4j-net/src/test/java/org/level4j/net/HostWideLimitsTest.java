package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.MemoryLevel;
import org.level4j.Range;
import org.level4j.Snapshot;

/**
 * What all of a host's connections together may make it hold, with real guests over a Unix
 * socket: iterators and snapshots beyond {@link HostOptions#maxHostIterators} and {@link
 * HostOptions#maxHostSnapshots} are refused with {@code LEVEL_LIMIT_EXCEEDED} on whichever
 * connection asks, every connection goes on with what it holds, and an iterator closed, a snapshot
 * released or a connection ended gives back exactly its places.
 */
class HostWideLimitsTest {
  @TempDir
  Path dir;

  private final Opened opened = new Opened();
  private Host host;

  @AfterEach
  void stop() throws Exception {
    opened.close();
  }

  /** A host of a database holding a, b, c, d, with {@code options}, and its socket. */
  private Path serve(HostOptions options) throws Exception {
    Database db = opened.keep(MemoryLevel.open());
    for (String k : List.of("a", "b", "c", "d")) {
      db.put(k, k.toUpperCase());
    }
    Path socket = dir.resolve("db.sock");
    host = opened.keep(Host.of(db, options)).listen(Listener.unix(socket));
    return socket;
  }

  @Test
  void iteratorsBeyondTheHostsBoundAreRefusedOnEveryConnectionUntilOneCloses() throws Exception {
    Path socket = serve(HostOptions.builder().maxHostIterators(4).build());
    Guest a = opened.keep(Guest.connect(Connector.unix(socket)));
    Guest b = opened.keep(Guest.connect(Connector.unix(socket)));
    List<LevelIterator<String, Entry<String, String>>> ofA = List.of(opened(a), opened(a));
    List<LevelIterator<String, Entry<String, String>>> ofB = List.of(opened(b), opened(b));
    assertThat(host.openIterators()).isEqualTo(4);

    assertRefused(a);
    assertRefused(b);
    // Each connection goes on, with the iterators it holds.
    assertThat(a.get("a")).isEqualTo("A");
    assertThat(b.get("b")).isEqualTo("B");
    for (LevelIterator<String, Entry<String, String>> it : List.of(ofA.get(0), ofB.get(1))) {
      assertThat(it.next().key()).isEqualTo("b");
    }
    assertThat(host.openIterators()).isEqualTo(4);

    // An iterator closed on one connection makes room for exactly one more, on another.
    ofB.get(0).close();
    HostLimitsTest.await(() -> host.openIterators() == 3);
    LevelIterator<String, Entry<String, String>> more = opened(a);
    assertRefused(b);
    assertRefused(a);
    assertThat(host.iterators.taken()).isEqualTo(4);

    // A connection that ends gives back the places of all its iterators (B held one).
    b.close();
    HostLimitsTest.await(() -> host.openIterators() == 3 && host.connections() == 1);
    Guest c = opened.keep(Guest.connect(Connector.unix(socket)));
    LevelIterator<String, Entry<String, String>> ofC = opened(c);
    assertRefused(c);
    assertRefused(a);
    assertThat(more.next().key()).isEqualTo("b");
    assertThat(ofC.next().key()).isEqualTo("b");

    // The host's count ends where it started: every place given back once, none twice.
    a.close();
    c.close();
    HostLimitsTest.await(() -> host.openIterators() == 0 && host.connections() == 0);
    assertThat(host.iterators.taken()).isZero();
  }

  @Test
  void snapshotsBeyondTheHostsBoundAreRefusedOnEveryConnectionUntilOneIsReleased()
      throws Exception {
    Path socket = serve(HostOptions.builder().maxHostSnapshots(3).build());
    Guest a = opened.keep(Guest.connect(Connector.unix(socket)));
    Guest b = opened.keep(Guest.connect(Connector.unix(socket)));
    Snapshot a1 = a.snapshot();
    Snapshot a2 = a.snapshot();
    Snapshot b1 = b.snapshot();
    assertThat(host.heldSnapshots()).isEqualTo(3);
    a.put("a", "new");

    assertSnapshotRefused(b);
    assertSnapshotRefused(a);
    // Each connection goes on, reading through the snapshots it holds.
    assertThat(a.get("a", a1)).isEqualTo("A");
    assertThat(b.get("a", b1)).isEqualTo("A");
    assertThat(b.get("a")).isEqualTo("new");

    // A snapshot released on one connection makes room for exactly one more, on another.
    a2.close();
    HostLimitsTest.await(() -> host.heldSnapshots() == 2);
    Snapshot b2 = b.snapshot();
    assertSnapshotRefused(a);
    assertSnapshotRefused(b);
    assertThat(b.get("a", b2)).isEqualTo("new");

    // A connection that ends releases its snapshots and gives back their places (A held one).
    a.close();
    HostLimitsTest.await(() -> host.heldSnapshots() == 2 && host.connections() == 1);
    Guest c = opened.keep(Guest.connect(Connector.unix(socket)));
    Snapshot c1 = c.snapshot();
    assertSnapshotRefused(c);
    assertSnapshotRefused(b);
    assertThat(c.get("a", c1)).isEqualTo("new");
    assertThat(host.snapshots.taken()).isEqualTo(3);

    b.close();
    c.close();
    HostLimitsTest.await(() -> host.heldSnapshots() == 0 && host.connections() == 0);
    assertThat(host.snapshots.taken()).isZero();
  }

  @Test
  void closingTheHostGivesBackEveryPlace() throws Exception {
    Path socket = serve(HostOptions.builder().maxHostIterators(2).maxHostSnapshots(2).build());
    Guest a = opened.keep(Guest.connect(Connector.unix(socket)));
    Guest b = opened.keep(Guest.connect(Connector.unix(socket)));
    opened(a);
    opened(b);
    a.snapshot();
    b.snapshot();
    assertThat(host.iterators.taken()).isEqualTo(2);
    assertThat(host.snapshots.taken()).isEqualTo(2);

    host.close();
    HostLimitsTest.await(() -> host.connections() == 0);
    assertThat(host.iterators.taken()).isZero();
    assertThat(host.snapshots.taken()).isZero();
    assertThat(host.openIterators()).isZero();
    assertThat(host.heldSnapshots()).isZero();
  }

  /** An iterator of {@code guest} over everything, open on the host: it has read its first. */
  private LevelIterator<String, Entry<String, String>> opened(Guest guest) {
    LevelIterator<String, Entry<String, String>> it = opened.keep(guest.iterator(Range.all()));
    assertThat(it.next().key()).isEqualTo("a");
    return it;
  }

  /** {@code guest}'s next iterator is refused for the host's bound; the guest closes it. */
  private static void assertRefused(Guest guest) {
    try (LevelIterator<String, Entry<String, String>> it = guest.iterator(Range.all())) {
      assertThatThrownBy(it::next).isInstanceOfSatisfying(LevelException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_LIMIT_EXCEEDED);
        assertThat(e.getMessage()).contains("over all its connections")
            .contains("HostOptions.maxHostIterators").contains("--max-host-iterators");
      });
    }
    assertThat(guest.isConnected()).isTrue();
  }

  /** {@code guest}'s next snapshot is refused for the host's bound. */
  private static void assertSnapshotRefused(Guest guest) {
    assertThatThrownBy(guest::snapshot).isInstanceOfSatisfying(LevelException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_LIMIT_EXCEEDED);
      assertThat(e.getMessage()).contains("3 snapshots over all its connections")
          .contains("HostOptions.maxHostSnapshots").contains("--max-host-snapshots");
    });
    assertThat(guest.isConnected()).isTrue();
  }
}
