package org.level4j.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The Coalescer alone, with transactions the test answers by hand. */
class CoalescerTest {
  /** Every transaction sent, with the future the test completes to answer it. */
  private final List<List<Integer>> sent = new ArrayList<>();
  private final List<CompletableFuture<List<String>>> answers = new ArrayList<>();

  /** Items are numbers; each weighs its value in operations and 1 byte; at most 10 ops. */
  private final Coalescer<Integer, String> coalescer = new Coalescer<>(10, 1000, i -> i, i -> 1,
      items -> {
        sent.add(items);
        CompletableFuture<List<String>> f = new CompletableFuture<>();
        answers.add(f);
        return f;
      });

  private void answer(int transaction) {
    List<String> out = new ArrayList<>();
    for (int i : sent.get(transaction)) {
      out.add("answer " + i);
    }
    answers.get(transaction).complete(out);
  }

  @Test
  void aRequestAloneGoesOutAtOnce() {
    CompletableFuture<String> f = coalescer.submit(1);
    assertThat(sent).containsExactly(List.of(1));
    answer(0);
    assertThat(f).isCompletedWithValue("answer 1");
  }

  @Test
  void requestsWaitingTogetherGoAsOneTransactionWithinTheLimits() {
    List<CompletableFuture<String>> f = new ArrayList<>();
    for (int i : new int[] {1, 1, 2, 3, 4, 5, 6}) {
      f.add(coalescer.submit(i));
    }
    // Two transactions in flight at most: the first two went alone, the rest wait.
    assertThat(sent).containsExactly(List.of(1), List.of(1));
    answer(0);
    assertThat(sent.get(2)).containsExactly(2, 3, 4); // 2 + 3 + 4 = 9 ops; + 5 would be 14
    answer(1);
    assertThat(sent.get(3)).containsExactly(5);       // 5 + 6 = 11 > 10
    answer(2);
    answer(3);
    assertThat(sent.get(4)).containsExactly(6);
    answer(4);
    assertThat(sent).hasSize(5);
    for (CompletableFuture<String> each : f) {
      assertThat(each).isCompleted();
    }
    assertThat(f.get(6)).isCompletedWithValue("answer 6");
  }

  @Test
  void aRequestHeavierThanTheLimitStillGoesAlone() {
    coalescer.submit(1);
    coalescer.submit(1);
    coalescer.submit(20);
    answer(0);
    assertThat(sent.get(2)).containsExactly(20);
  }

  @Test
  void aFailedTransactionFailsEachOfItsRequestsAndTheNextOnesStillGo() {
    coalescer.submit(1);
    coalescer.submit(1);
    CompletableFuture<String> a = coalescer.submit(2);
    CompletableFuture<String> b = coalescer.submit(3);
    CompletableFuture<String> c = coalescer.submit(9);
    answer(0);
    assertThat(sent.get(2)).containsExactly(2, 3);
    answers.get(2).completeExceptionally(new IllegalStateException("refused"));
    assertThat(a).isCompletedExceptionally();
    assertThat(b).isCompletedExceptionally();
    assertThat(sent.get(3)).containsExactly(9);
    answer(3);
    assertThat(c).isCompletedWithValue("answer 9");
  }
}
