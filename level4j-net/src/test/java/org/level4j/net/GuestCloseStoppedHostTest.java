package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.AsyncLevel;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.child.ChildProcess;

/**
 * Closing a guest whose host is stopped (a real host process, SIGSTOP: its socket stays open and
 * nobody reads or answers) returns at once, with megabytes of requests unsent, writers held at
 * the bound on them, and a snapshot waiting for its answer; every call fails with {@code
 * LEVEL_DATABASE_NOT_OPEN}, and nothing keeps polling afterwards. Once a close waited for the
 * calls in progress first, and those calls waited for the host: it never returned, polling all
 * the while (see {@code Root.close}).
 */
class GuestCloseStoppedHostTest {
  /** Generous: a close is a few milliseconds, but this machine may be loaded. */
  private static final long CLOSE_MILLIS = 10_000;
  /** What the process may burn over {@link #WATCH_MILLIS} after the close: far below a spin's. */
  private static final long CPU_AFTER_MILLIS = 2_000;
  private static final long WATCH_MILLIS = 5_000;

  @TempDir
  Path dir;

  @Test
  void closeWithAStoppedHostHoldingUnsentRequestsReturnsAndFailsEveryCall() throws Exception {
    closeWhileTheHostIsStopped(GuestOptions.defaults());
  }

  @Test
  void closeOfARetryingGuestWithAStoppedHostReturnsAndFailsEveryCall() throws Exception {
    closeWhileTheHostIsStopped(GuestOptions.builder().retry(true).build());
  }

  private void closeWhileTheHostIsStopped(GuestOptions options) throws Exception {
    Path sock = dir.resolve("db.sock");
    try (ChildProcess host = ChildProcess.java(ServeMain.class, sock.toString())) {
      host.await("READY");
      Guest guest = Guest.connect(Connector.unix(sock), options);
      List<CompletableFuture<?>> calls = Collections.synchronizedList(new ArrayList<>());
      List<Thread> callers = new ArrayList<>();
      Thread closer = new Thread(guest::close, "closer");
      try {
        guest.put("before", "the stop");
        host.pause(); // in the try: if it fails, the signal may have been sent all the same
        AtomicInteger issued = new AtomicInteger();
        AsyncLevel<byte[], byte[]> async = guest.bytes().async();
        byte[] value = new byte[64 * 1024];
        for (int t = 0; t < 2; t++) { // one blocks writing, the other at the bound
          String prefix = "w" + t + "-";
          callers.add(caller(calls, () -> {
            for (int i = 0; ; i++) {
              CompletableFuture<Void> put = async.put((prefix + i).getBytes(), value);
              calls.add(put);
              issued.incrementAndGet();
              if (put.isCompletedExceptionally()) {
                return put.join(); // throws: the guest is closed
              }
            }
          }));
        }
        callers.add(caller(calls, guest::snapshot)); // waits for an answer, in the close's gate
        callers.add(caller(calls, () -> guest.get("before")));
        // Until the guest holds most of its bound unsent (a writer that is merely slow on a
        // loaded machine gets there too), then until the writers stop making progress.
        await("bytes the guest holds unsent, past half its bound").atMost(Duration.ofSeconds(30))
            .until(() -> guest.engine().unsentBytes() > GuestEngine.MAX_UNSENT_BYTES / 2);
        int last = -1;
        while (issued.get() != last) {
          last = issued.get();
          Thread.sleep(500);
        }

        closer.start();
        closer.join(CLOSE_MILLIS);
        assertThat(closer.isAlive()).as("close() still running after " + CLOSE_MILLIS
            + " ms, the host stopped").isFalse();
        for (Thread c : callers) {
          c.join(CLOSE_MILLIS);
          assertThat(c.isAlive()).as(() -> c.getName() + " still waiting after the close, at "
              + java.util.Arrays.toString(c.getStackTrace())).isFalse();
        }
        long cpu = processCpuNanos();
        Thread.sleep(WATCH_MILLIS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(processCpuNanos() - cpu))
            .as("CPU ms burnt in the " + WATCH_MILLIS + " ms after the close").isLessThan(
                CPU_AFTER_MILLIS);
        for (CompletableFuture<?> f : calls) {
          assertThat(f).isDone();
          assertThat(code(f)).isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPEN);
        }
      } finally {
        host.resume(); // also when an assertion failed: the host must not stay stopped
        closer.join(60_000); // a close that waited for the host ends once it reads
        guest.close();
      }
      assertThat(host.finish()).isZero();
    }
  }

  /** Runs {@code call} in a thread of its own; how it ended is added to {@code calls}. */
  private static Thread caller(List<CompletableFuture<?>> calls,
      java.util.concurrent.Callable<?> call) {
    CompletableFuture<Object> ended = new CompletableFuture<>();
    calls.add(ended);
    Thread t = new Thread(() -> {
      try {
        ended.complete(call.call());
      } catch (Throwable e) {
        ended.completeExceptionally(e);
      }
    }, "caller-" + calls.size());
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The code a failed call failed with; null if it succeeded. */
  private static ErrorCode code(CompletableFuture<?> f) {
    try {
      f.join();
      return null;
    } catch (CompletionException e) {
      return e.getCause() instanceof LevelException le ? le.code() : null;
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
