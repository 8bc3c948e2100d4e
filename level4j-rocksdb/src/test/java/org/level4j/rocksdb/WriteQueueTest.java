package org.level4j.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.level4j.Op;

/** How WriteQueue groups writes: in order, bounded, written by whoever waits first. */
class WriteQueueTest {
  /** What the two writers were given: each call's keys, and which writer and thread. */
  private final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
  private final List<String> how = Collections.synchronizedList(new ArrayList<>());

  /** A queue whose timer waits 10 s, so that only the test decides when groups are written. */
  private WriteQueue queue(RuntimeException failFirstGroup) {
    return queue(failFirstGroup, 10_000_000_000L);
  }

  private WriteQueue queue(RuntimeException failFirstGroup, long delayNanos) {
    RuntimeException[] fail = {failFirstGroup};
    return new WriteQueue((ops, sync) -> record("now", ops), (ops, sync) -> {
      if (fail[0] != null) {
        RuntimeException e = fail[0];
        fail[0] = null;
        throw e;
      }
      record("group", ops);
    }, delayNanos);
  }

  private void record(String writer, List<Op<byte[], byte[]>> ops) {
    List<String> keys = new ArrayList<>();
    for (Op<byte[], byte[]> op : ops) {
      keys.add(new String(op.key(), StandardCharsets.UTF_8));
    }
    calls.add(keys);
    how.add(writer + " " + Thread.currentThread().getName());
  }

  private static List<Op<byte[], byte[]>> put(int i) {
    return List.of(Op.put(("k" + i).getBytes(StandardCharsets.UTF_8), new byte[] {1}));
  }

  @Test
  void aThreadThatWaitsHasItsBurstHeldUntilItWaitsAgain() {
    WriteQueue q = queue(null);
    q.add(put(0), false).join();
    assertThat(q.add(put(1), false)).isDone(); // the first write after a wait goes at once
    List<CompletableFuture<Void>> burst = new ArrayList<>();
    for (int i = 2; i <= 10; i++) {
      burst.add(q.add(put(i), false));
    }
    assertThat(burst).noneMatch(CompletableFuture::isDone);
    assertThat(calls).containsExactly(List.of("k0"), List.of("k1"));
    burst.get(8).thenApply(v -> "a stage").join(); // waiting for a stage writes the group
    assertThat(burst).allMatch(CompletableFuture::isDone);
    assertThat(calls.get(2)).containsExactly("k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9",
        "k10");
    assertThat(how.get(2)).isEqualTo("group " + Thread.currentThread().getName());
  }

  @Test
  void aThreadThatNeverWaitsHasEachWriteWrittenAtOnce() {
    WriteQueue q = queue(null);
    for (int i = 0; i < 100; i++) {
      assertThat(q.add(put(i), false)).isDone();
    }
    assertThat(calls).hasSize(100);
    assertThat(how).allMatch(h -> h.startsWith("now "));
  }

  @Test
  void anotherThreadsWriteGoesAfterWhatIsHeld() throws Exception {
    WriteQueue q = queue(null);
    q.add(put(0), false).join();
    q.add(put(1), false);
    CompletableFuture<Void> held = q.add(put(2), false);
    Thread other = new Thread(() -> q.add(put(99), false), "other");
    other.start();
    other.join();
    assertThat(held).isDone();
    assertThat(calls).containsExactly(List.of("k0"), List.of("k1"), List.of("k2"),
        List.of("k99"));
    assertThat(how.get(2)).isEqualTo("group other");
    assertThat(how.get(3)).isEqualTo("now other");
  }

  @Test
  void heldWritesAreWrittenInOrderInGroupsOfBoundedSize() {
    WriteQueue q = queue(null);
    q.add(put(0), false).join();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int i = 1; i < 5000; i++) {
      all.add(q.add(put(i), false));
    }
    all.forEach(CompletableFuture::join);
    List<String> written = new ArrayList<>();
    for (List<String> c : calls) {
      assertThat(c.size()).isLessThanOrEqualTo(WriteQueue.MAX_OPS);
      written.addAll(c);
    }
    assertThat(calls.size()).isGreaterThan(5).isLessThan(20);
    assertThat(written).hasSize(5000);
    for (int i = 0; i < 5000; i++) {
      assertThat(written.get(i)).isEqualTo("k" + i);
    }
  }

  @Test
  void aGroupThatFailsFailsEachOfItsWritesAndTheNextGroupIsWritten() {
    IllegalStateException boom = new IllegalStateException("no space");
    WriteQueue q = queue(boom);
    q.add(put(0), false).join();
    q.add(put(1), false);
    CompletableFuture<Void> a = q.add(put(2), false);
    CompletableFuture<Void> b = q.add(put(3), false);
    assertThatThrownBy(b::join).isInstanceOf(CompletionException.class).hasCause(boom);
    assertThat(a).isCompletedExceptionally();
    // b was waited for: k4 is written at once, k5 held, then written as a group of its own
    CompletableFuture<Void> c = q.add(put(4), false);
    CompletableFuture<Void> d = q.add(put(5), false);
    d.join();
    assertThat(c).isDone().isNotCompletedExceptionally();
    assertThat(calls).containsExactly(List.of("k0"), List.of("k1"), List.of("k4"),
        List.of("k5"));
  }

  @Test
  void theTimerWritesWhatNobodyWaitsFor() {
    WriteQueue q = queue(null, WriteQueue.DELAY_NANOS);
    q.add(put(0), false).join();
    q.add(put(1), false);
    CompletableFuture<Void> held = q.add(put(2), false);
    // not join: that would write it here
    CompletableFuture.allOf(held).orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
    assertThat(how.get(2)).isEqualTo("group level4j-rocksdb-writes");
  }
}
