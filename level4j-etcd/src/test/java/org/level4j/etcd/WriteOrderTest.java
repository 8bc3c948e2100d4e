package org.level4j.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** WriteOrder alone, with requests the test answers by hand. */
class WriteOrderTest {
  private final WriteOrder order = new WriteOrder();
  private final List<String> started = new ArrayList<>();
  private final List<CompletableFuture<String>> requests = new ArrayList<>();

  private CompletableFuture<String> write(String name, String... keys) {
    List<byte[]> k = new ArrayList<>();
    for (String key : keys) {
      k.add(key.getBytes(StandardCharsets.UTF_8));
    }
    return order.write(k, () -> send(name));
  }

  private CompletableFuture<String> send(String name) {
    started.add(name);
    CompletableFuture<String> f = new CompletableFuture<>();
    requests.add(f);
    return f;
  }

  private void answer(String name) {
    requests.get(started.indexOf(name)).complete(name);
  }

  @Test
  void writesToDisjointKeysGoTogether() {
    write("a", "k1");
    write("b", "k2");
    write("c", "k3", "k4");
    assertThat(started).containsExactly("a", "b", "c");
  }

  @Test
  void aWriteWaitsForEveryEarlierWriteSharingAKey() {
    write("a", "k1");
    write("b", "k2");
    CompletableFuture<String> c = write("c", "k1", "k2");
    assertThat(started).containsExactly("a", "b");
    answer("a");
    assertThat(started).containsExactly("a", "b");
    answer("b");
    assertThat(started).containsExactly("a", "b", "c");
    answer("c");
    assertThat(c).isCompletedWithValue("c");
  }

  @Test
  void aFailedWriteReleasesTheNextOne() {
    CompletableFuture<String> a = write("a", "k");
    write("b", "k");
    requests.get(0).completeExceptionally(new IllegalStateException("lost"));
    assertThat(a).isCompletedExceptionally();
    assertThat(started).containsExactly("a", "b");
  }

  @Test
  void aBarrierWaitsForAllEarlierWritesAndHoldsBackLaterOnes() {
    write("a", "k1");
    write("b", "k2");
    order.barrier(() -> send("clear"));
    write("c", "k3");
    assertThat(started).containsExactly("a", "b");
    answer("a");
    answer("b");
    assertThat(started).containsExactly("a", "b", "clear");
    answer("clear");
    assertThat(started).containsExactly("a", "b", "clear", "c");
  }
}
