package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.MemoryLevel;
import org.level4j.Range;
import org.level4j.conformance.Seed;

/**
 * A thread waiting for its own answer over a socket reads it itself (see GuestEngine): these
 * check what that must not change. Interrupts, close and a lost host reach such a caller as they
 * reach one waiting for the reader thread, and no answer is left unread whichever way callers
 * wait.
 */
class CallerReadsTest {
  @TempDir
  Path dir;

  private Database db;
  private CuttableListener listener;
  private Host host;
  private Path socket;
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicBoolean holdWrites = new AtomicBoolean();
  private final CountDownLatch writeHeld = new CountDownLatch(1);

  @BeforeEach
  void serve() throws Exception {
    db = MemoryLevel.open();
    db.prewrite((op, batch) -> {
      if (holdWrites.get()) {
        writeHeld.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    socket = dir.resolve("db.sock");
    listener = new CuttableListener(Listener.unix(socket));
    host = Host.of(db).listen(listener);
  }

  @AfterEach
  void stop() {
    release.countDown();
    host.close();
    db.close();
  }

  /** Starts a sync put that the host holds until {@link #release}; returns its outcome. */
  private CompletableFuture<Void> heldPut(Guest guest, AtomicReference<Thread> caller) {
    holdWrites.set(true);
    CompletableFuture<Void> outcome = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        guest.put("held", "1");
        outcome.complete(null);
      } catch (Throwable e) {
        outcome.completeExceptionally(e);
      }
    }, "held-put");
    caller.set(t);
    t.start();
    return outcome;
  }

  @Test
  void anInterruptedCallerKeepsItsConnectionAndGetsItsAnswer() throws Exception {
    try (Guest guest = Guest.connect(Connector.unix(socket))) {
      AtomicBoolean stillInterrupted = new AtomicBoolean();
      CompletableFuture<Void> done = new CompletableFuture<>();
      Thread t = new Thread(() -> {
        try {
          guest.put("b", "2"); // this thread now reads its own answers
          holdWrites.set(true);
          guest.put("held", "1");
          stillInterrupted.set(Thread.currentThread().isInterrupted());
          done.complete(null);
        } catch (Throwable e) {
          done.completeExceptionally(e);
        }
      });
      t.start();
      assertThat(writeHeld.await(10, TimeUnit.SECONDS)).isTrue();
      awaitWaitingForItsAnswer(t);
      t.interrupt();
      // The caller takes note of the interrupt (clearing it for now) and waits again.
      awaitWaitingForItsAnswer(t);
      holdWrites.set(false);
      release.countDown();
      done.get(10, TimeUnit.SECONDS);
      assertThat(stillInterrupted).isTrue();
      assertThat(guest.isConnected()).isTrue();
      assertThat(guest.get("held")).isEqualTo("1");
      assertThat(host.requestsServed()).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void closingFailsACallerWaitingForItsAnswerWithNotOpen() throws Exception {
    Guest guest = Guest.connect(Connector.unix(socket));
    try {
      guest.put("a", "1");
      AtomicReference<Thread> caller = new AtomicReference<>();
      CompletableFuture<Void> outcome = heldPut(guest, caller);
      assertThat(writeHeld.await(10, TimeUnit.SECONDS)).isTrue();
      guest.close();
      assertThatThrownBy(() -> outcome.get(10, TimeUnit.SECONDS))
          .cause().isInstanceOf(LevelException.class)
          .extracting(e -> ((LevelException) e).code())
          .isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPEN);
    } finally {
      guest.close();
    }
  }

  @Test
  void withoutRetryAHostLostUnderAWaitingCallerFailsItWithConnectionLost() throws Exception {
    try (Guest guest = Guest.connect(Connector.unix(socket))) {
      guest.put("a", "1");
      AtomicReference<Thread> caller = new AtomicReference<>();
      CompletableFuture<Void> outcome = heldPut(guest, caller);
      assertThat(writeHeld.await(10, TimeUnit.SECONDS)).isTrue();
      listener.cutAll();
      assertThatThrownBy(() -> outcome.get(10, TimeUnit.SECONDS))
          .cause().isInstanceOf(LevelException.class)
          .extracting(e -> ((LevelException) e).code())
          .isEqualTo(ErrorCode.LEVEL_CONNECTION_LOST);
      assertThatThrownBy(() -> guest.get("a")).isInstanceOf(LevelException.class)
          .extracting(e -> ((LevelException) e).code())
          .isEqualTo(ErrorCode.LEVEL_CONNECTION_LOST);
    }
  }

  @Test
  void withRetryAHostLostUnderAWaitingCallerIsReconnectedAndTheCallCompletes() throws Exception {
    try (Guest guest = Guest.connect(Connector.unix(socket),
        GuestOptions.builder().retry(true).build())) {
      guest.put("a", "1");
      AtomicReference<Thread> caller = new AtomicReference<>();
      CompletableFuture<Void> outcome = heldPut(guest, caller);
      assertThat(writeHeld.await(10, TimeUnit.SECONDS)).isTrue();
      holdWrites.set(false); // the put sent again on the new connection goes through
      listener.cutAll();
      outcome.get(10, TimeUnit.SECONDS);
      release.countDown();
      assertThat(guest.get("held")).isEqualTo("1");
      assertThat(guest.get("a")).isEqualTo("1");
    }
  }

  @Test
  void anIdleHostThatGoesAwayAfterSyncCallsIsNoticedWithoutAnotherCall() throws Exception {
    try (Guest guest = Guest.connect(Connector.unix(socket))) {
      CountDownLatch down = new CountDownLatch(1);
      guest.onConnectionChange(new ConnectionListener() {
        @Override
        public void connected() {}

        @Override
        public void disconnected(LevelException reason) {
          down.countDown();
        }
      });
      for (int i = 0; i < 100; i++) {
        guest.put("k" + i, "v"); // callers read their own answers
      }
      listener.cutAll();
      assertThat(down.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(guest.isConnected()).isFalse();
    }
  }

  /**
   * A sync caller whose answer the reader thread happened to read (it took the turn first) is
   * still a sync caller once it joins that answer: its next request does not wake the reader
   * thread, which would race it for the turn again. Until it joins, its requests are announced,
   * as a thread that waits some other way (allOf) needs.
   */
  @Test
  void aCallerJoiningAnAnswerTheReaderThreadReadStillReadsItsNextAnswersItself()
      throws Exception {
    try (Guest guest = Guest.connect(Connector.unix(socket))) {
      guest.put("a", "1");
      CompletableFuture<String> first = guest.async().get("a");
      assertThat(first.join()).isEqualTo("1"); // this thread now reads its own answers
      CompletableFuture<String> readByTheReaderThread = guest.async().get("a");
      // Not joined: the reader thread reads it after one of its parks.
      await().atMost(Duration.ofSeconds(10)).until(readByTheReaderThread::isDone);
      CompletableFuture<String> meanwhile = guest.async().get("a");
      assertThat(announced(meanwhile)).as("sent by a thread that did not wait for its answer")
          .isTrue();
      await().atMost(Duration.ofSeconds(10)).until(meanwhile::isDone);

      assertThat(readByTheReaderThread.join()).isEqualTo("1");
      CompletableFuture<String> afterJoining = guest.async().get("a");
      assertThat(announced(afterJoining)).as("sent by a thread that joined its answer").isFalse();
      assertThat(afterJoining.join()).isEqualTo("1");
      assertThat(meanwhile.join()).isEqualTo("1");
    }
  }

  /** Whether the request behind {@code f} was sent with a nudge to the reader thread. */
  private static boolean announced(CompletableFuture<?> f) {
    assertThat(f).isInstanceOf(GuestAnswer.class);
    return !((GuestAnswer<?>) f).source().unannounced; // set by this thread as it sent
  }

  /**
   * Threads mixing sync calls, async calls waited for by join, by callbacks and by allOf (which
   * does not read), and iterators: every answer arrives and is right.
   */
  @Test
  void everyAnswerArrivesHoweverCallersWait() throws Exception {
    long seed = Seed.of("everyAnswerArrivesHoweverCallersWait");
    int threads = 4;
    int rounds = 300;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (Guest guest = Guest.connect(Connector.unix(socket))) {
      List<Future<?>> all = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Random random = new Random(seed + t);
        String p = "t" + t + "/";
        all.add(pool.submit(() -> {
          for (int i = 0; i < rounds; i++) {
            String k = p + String.format("%04d", i);
            switch (random.nextInt(5)) {
              case 0 -> {
                guest.put(k, "v" + i);
                assertThat(guest.get(k)).isEqualTo("v" + i);
              }
              case 1 -> {
                guest.async().put(k, "v" + i).join();
                assertThat(guest.async().get(k).join()).isEqualTo("v" + i);
              }
              case 2 -> {
                CountDownLatch got = new CountDownLatch(1);
                AtomicReference<String> value = new AtomicReference<>();
                guest.async().put(k, "v" + i)
                    .thenCompose(v -> guest.async().get(k))
                    .thenAccept(v -> {
                      value.set(v);
                      got.countDown();
                    });
                assertThat(got.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(value.get()).isEqualTo("v" + i);
              }
              case 3 -> {
                CompletableFuture.allOf(guest.async().put(k, "v" + i)).get(10, TimeUnit.SECONDS);
                CompletableFuture<String> g = guest.async().get(k);
                CompletableFuture.allOf(g).get(10, TimeUnit.SECONDS);
                assertThat(g.getNow(null)).isEqualTo("v" + i);
              }
              default -> {
                guest.put(k, "v" + i);
                assertThat(guest.keys(Range.<String>all().gte(p).lt(p + "~")).all()).contains(k);
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : all) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(db.keys(Range.all()).all()).hasSize(threads * rounds);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Waits until {@code caller} is blocked waiting inside the guest (parked, or in a selector's
   * wait) with no interrupt pending: its own state is the signal, not time.
   */
  private static void awaitWaitingForItsAnswer(Thread caller) {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
        .untilAsserted(() -> assertThat(waitingInTheGuest(caller))
            .as(() -> "the caller waits in the guest: "
                + java.util.Arrays.toString(caller.getStackTrace()))
            .isTrue());
  }

  private static boolean waitingInTheGuest(Thread t) {
    if (t.isInterrupted()) {
      return false;
    }
    StackTraceElement[] stack = t.getStackTrace();
    boolean inGuest = false;
    boolean blocked = t.getState() == Thread.State.WAITING
        || t.getState() == Thread.State.TIMED_WAITING;
    for (StackTraceElement e : stack) {
      inGuest |= e.getClassName().startsWith("org.level4j.net.");
      blocked |= e.getMethodName().equals("select")
          && e.getClassName().startsWith("sun.nio.ch.");
    }
    return inGuest && blocked;
  }
}
