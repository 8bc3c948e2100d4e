package org.level4j.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.Snapshot;

/** What EtcdLevel adds to the shared suite: etcd's limits, revisions, namespaces, failures. */
class EtcdLevelTest {
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
    return open(EtcdOptions.defaults());
  }

  private static EtcdLevel open(EtcdOptions options) {
    return EtcdLevel.open(cluster.endpoints(), "level-test-" + NAMESPACES.incrementAndGet(),
        options);
  }

  private static LevelException code(ErrorCode code, ThrowingCallable call) {
    LevelException[] caught = new LevelException[1];
    assertThatThrownBy(call).isInstanceOfSatisfying(LevelException.class, e -> {
      assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
      caught[0] = e;
    });
    return caught[0];
  }

  private static List<Op<String, String>> puts(int n, int valueBytes) {
    List<Op<String, String>> ops = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ops.add(Op.put(String.format("k%04d", i), "v".repeat(valueBytes)));
    }
    return ops;
  }

  @Test
  void aBatchOfAsManyOperationsAsTheClusterAllowsIsOneTransaction() {
    try (EtcdLevel db = open()) {
      db.batch(puts(EtcdOptions.DEFAULT_MAX_TXN_OPS, 1));
      assertThat(db.keys(Range.all()).all()).hasSize(EtcdOptions.DEFAULT_MAX_TXN_OPS);
    }
  }

  @Test
  void aBatchOverTheTransactionLimitFailsWholeBeforeAnythingIsWritten() {
    try (EtcdLevel db = open()) {
      LevelException e = code(ErrorCode.LEVEL_LIMIT_EXCEEDED,
          () -> db.batch(puts(EtcdOptions.DEFAULT_MAX_TXN_OPS + 1, 1)));
      assertThat(e.getMessage()).contains("--max-txn-ops 128").contains("nothing was written");
      assertThat(db.keys(Range.all()).all()).isEmpty();
    }
  }

  @Test
  void aBatchOverTheRequestSizeFailsWholeBeforeAnythingIsWritten() {
    try (EtcdLevel db = open()) {
      LevelException e = code(ErrorCode.LEVEL_LIMIT_EXCEEDED, () -> db.batch(puts(3, 600_000)));
      assertThat(e.getMessage()).contains("--max-request-bytes").contains("nothing was written");
      assertThat(db.keys(Range.all()).all()).isEmpty();
    }
  }

  @Test
  void aValueTooLargeForOneRequestNamesItsKey() {
    try (EtcdLevel db = open()) {
      LevelException e = code(ErrorCode.LEVEL_LIMIT_EXCEEDED,
          () -> db.put("big", "x".repeat(2 << 20)));
      assertThat(e.getMessage()).contains("\"big\"");
      assertThat(db.has("big")).isFalse();
    }
  }

  @Test
  void aClusterWithLowerLimitsThanTheOptionsSayStillRefusesWithLimitExceeded() {
    try (EtcdLevel db = open(EtcdOptions.builder().maxTxnOps(1000).build())) {
      LevelException e = code(ErrorCode.LEVEL_LIMIT_EXCEEDED, () -> db.batch(puts(200, 1)));
      assertThat(e.getMessage()).contains("maxTxnOps");
      assertThat(db.keys(Range.all()).all()).isEmpty();
    }
  }

  @Test
  void aConflictNamesTheKeyWhosePreconditionFailed() {
    try (EtcdLevel db = open()) {
      db.put("held", "mine");
      LevelException e = code(ErrorCode.LEVEL_CONFLICT, () -> db.batch(List.of(
          Op.expectAbsent("free"), Op.expect("held", "theirs"), Op.put("x", "1"))));
      assertThat(e.getMessage()).contains("\"held\" holds another value");
      e = code(ErrorCode.LEVEL_CONFLICT, () -> db.batch(List.of(
          Op.expect("missing", "v"), Op.put("x", "1"))));
      assertThat(e.getMessage()).contains("\"missing\" is absent");
      assertThat(db.has("x")).isFalse();
    }
  }

  @Test
  void aSnapshotWhoseRevisionWasCompactedFailsWithSnapshotNotOpen() throws Exception {
    try (EtcdLevel db = open(); Client admin = Client.builder()
        .endpoints(cluster.endpoints().toArray(new String[0])).build()) {
      db.put("a", "1");
      try (Snapshot s = db.snapshot()) {
        db.put("a", "2");
        assertThat(db.get("a", s)).isEqualTo("1");
        admin.getKVClient().compact(db.revision()).get();
        LevelException e = code(ErrorCode.LEVEL_SNAPSHOT_NOT_OPEN, () -> db.get("a", s));
        assertThat(e.getMessage()).contains("compacted");
      }
      assertThat(db.get("a")).isEqualTo("2");
    }
  }

  @Test
  void anIteratorSeesOnePointInTimeAcrossItsPages() {
    EtcdOptions smallPages = EtcdOptions.builder().iteratorPageSize(7).build();
    try (EtcdLevel db = open(smallPages); EtcdLevel other = EtcdLevel.open(db.endpoints(),
        db.namespace(), smallPages)) {
      db.batch(puts(100, 1));
      for (boolean reverse : new boolean[] {false, true}) {
        try (LevelIterator<String, String> it = db.keys(Range.<String>all().reverse(reverse))) {
          List<String> seen = new ArrayList<>(it.nextv(10));
          other.put("k0050x", "new");          // inside the range, ahead of the iterator
          other.del(reverse ? "k0000" : "k0099"); // the last key it will reach
          other.put(reverse ? "k0000" : "k0099", "rewritten"); // and back, at a new revision
          other.del("k0042");
          seen.addAll(it.all());
          List<String> expected = new ArrayList<>();
          for (int i = 0; i < 100; i++) {
            expected.add(String.format("k%04d", reverse ? 99 - i : i));
          }
          assertThat(seen).isEqualTo(expected);
          other.put("k0042", "v");
          other.del("k0050x");
        }
      }
    }
  }

  @Test
  void namespacesThatShareAPrefixAreStillDisjoint() {
    try (EtcdLevel app = EtcdLevel.open(cluster.endpoints(), "nsapp", EtcdOptions.defaults());
        EtcdLevel appX = EtcdLevel.open(cluster.endpoints(), "nsapp/x",
            EtcdOptions.defaults())) {
      app.put("/x/k", "of app");
      appX.put("k", "of app/x");
      assertThat(app.keys(Range.all()).all()).containsExactly("/x/k");
      assertThat(appX.keys(Range.all()).all()).containsExactly("k");
      app.clear();
      assertThat(appX.get("k")).isEqualTo("of app/x");
    }
  }

  @Test
  void twoHandlesOnOneNamespaceSeeEachOthersWritesAtOnce() {
    try (EtcdLevel a = open(); EtcdLevel b = EtcdLevel.open(a.endpoints(), a.namespace(),
        EtcdOptions.defaults())) {
      for (int i = 0; i < 20; i++) {
        a.put("k", Integer.toString(i));
        assertThat(b.get("k")).isEqualTo(Integer.toString(i)); // reads are linearizable
      }
    }
  }

  @Test
  void aNamespaceMustBePrintable() {
    code(ErrorCode.LEVEL_INVALID_ARGUMENT,
        () -> EtcdLevel.open(cluster.endpoints(), "a\u0000b", EtcdOptions.defaults()));
    code(ErrorCode.LEVEL_INVALID_ARGUMENT,
        () -> EtcdLevel.open(cluster.endpoints(), "", EtcdOptions.defaults()));
  }

  @Test
  void aClusterThatCannotBeReachedFailsTheOpenWithinTheConnectTimeout() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    LevelException e = code(ErrorCode.LEVEL_DATABASE_NOT_OPENED, () -> EtcdLevel.open(
        List.of("127.0.0.1:" + port), "nowhere",
        EtcdOptions.builder().connectTimeout(Duration.ofSeconds(1)).build()));
    assertThat(e.getMessage()).contains("127.0.0.1:" + port);
  }

  @Test
  void recordsOfExactlyOnceWritesStayOutsideTheNamespacesEntries() throws Exception {
    try (EtcdLevel db = open(); Client admin = Client.builder()
        .endpoints(cluster.endpoints().toArray(new String[0])).build()) {
      db.put("k", "v", org.level4j.WriteOptions.builder().request(
          new org.level4j.RequestId("c".getBytes(StandardCharsets.UTF_8), 5, 0)).build());
      byte[] ns = db.namespace().getBytes(StandardCharsets.UTF_8);
      var all = admin.getKVClient().get(io.etcd.jetcd.ByteSequence.from(ns),
          io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build()).get().getKvs();
      assertThat(all).hasSize(2); // the entry and the record
      assertThat(all.get(0).getKey().getBytes()[ns.length]).isEqualTo((byte) 0);
      assertThat(all.get(1).getKey().getBytes()[ns.length]).isEqualTo((byte) 1);
      assertThat(all.get(1).getLease()).as("records expire").isNotZero();
      assertThat(db.keys(Range.all()).all()).containsExactly("k");
    }
  }
}
