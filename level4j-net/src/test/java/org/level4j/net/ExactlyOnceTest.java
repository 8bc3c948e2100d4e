package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.MemoryLevel;
import org.level4j.Op;

/**
 * Conditional batches sent by a retrying guest while its connection is cut again and again:
 * batches the host applied but could not answer are re-sent with the same request id and not
 * applied twice, nor rejected as conflicts with themselves.
 */
class ExactlyOnceTest {
  @TempDir
  Path dir;

  @Test
  void conditionalIncrementsSurviveCutConnectionsExactlyOnce() throws Exception {
    try (Database db = MemoryLevel.open()) {
      Path socket = dir.resolve("db.sock");
      CuttableListener listener = new CuttableListener(Listener.unix(socket));
      try (Host host = Host.of(db).listen(listener);
          Guest guest = Guest.connect(Connector.unix(socket),
              GuestOptions.builder().retry(true).build())) {
        assertThat(guest.supports().conditionalBatch()).isTrue();
        assertThat(guest.supports().exactlyOnce()).isTrue();
        guest.put("counter", "0");
        AtomicLong acknowledged = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          Thread th = new Thread(() -> {
            try {
              while (!stop.get()) {
                String seen = guest.get("counter");
                String next = Long.toString(Long.parseLong(seen) + 1);
                try {
                  guest.batch(List.of(Op.expect("counter", seen), Op.put("counter", next)));
                  acknowledged.incrementAndGet();
                } catch (LevelException e) {
                  if (e.code() != ErrorCode.LEVEL_CONFLICT) {
                    throw e;
                  }
                }
              }
            } catch (RuntimeException | Error e) {
              failures.add(e);
            }
          });
          threads.add(th);
          th.start();
        }
        // Async batches too, many in flight when a cut comes.
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        for (int cut = 0; cut < 40; cut++) {
          for (int i = 0; i < 20; i++) {
            inFlight.add(guest.async().batch(List.of(Op.expectAbsent("once-" + cut + "-" + i),
                Op.put("once-" + cut + "-" + i, "x"))));
          }
          Thread.sleep(5);
          listener.cutAll();
        }
        Thread.sleep(100);
        stop.set(true);
        for (Thread th : threads) {
          th.join(30_000);
        }
        for (CompletableFuture<Void> f : inFlight) {
          f.join(); // each expectAbsent batch succeeds once: a re-sent one is not a conflict
        }
        assertThat(failures).isEmpty();
        assertThat(acknowledged.get()).isPositive();
        assertThat(Long.parseLong(db.get("counter"))).isEqualTo(acknowledged.get());
      }
    }
  }
}
