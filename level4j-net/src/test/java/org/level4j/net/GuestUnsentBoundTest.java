package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.AsyncLevel;
import org.level4j.child.ChildProcess;

/**
 * A guest whose host stops reading (a real host process, stopped with SIGSTOP) holds at most
 * its bound of unsent requests: callers of the async API that keep sending wait for the host,
 * instead of filling the heap, and everything they sent is applied once it reads again.
 */
class GuestUnsentBoundTest {
  @TempDir
  Path dir;

  @Test
  void callersWaitForAStoppedHostInsteadOfBufferingWithoutEnd() throws Exception {
    Path sock = dir.resolve("db.sock");
    int perThread = 20_000;
    byte[] value = new byte[1024]; // two threads: 40 MB, five times the bound
    try (ChildProcess host = ChildProcess.java(ServeMain.class, sock.toString());
        Guest guest = keep(host, sock)) {
      AsyncLevel<byte[], byte[]> async = guest.bytes().async();
      guest.put("before", "the stop");
      AtomicInteger issued = new AtomicInteger();
      List<CompletableFuture<Void>> sent = java.util.Collections.synchronizedList(
          new ArrayList<>());
      List<Thread> writers = new ArrayList<>();
      try {
        host.pause(); // in the try: if it fails, the signal may have been sent all the same
        for (int t = 0; t < 2; t++) {
          int thread = t;
          Thread w = new Thread(() -> {
            for (int i = 0; i < perThread; i++) {
              sent.add(async.put(("k" + thread + "-" + i).getBytes(), value));
              issued.incrementAndGet();
            }
          });
          w.setDaemon(true);
          writers.add(w);
          w.start();
        }
        // Wait until the writers stop making progress (or finish, which they must not).
        int last = -1;
        while (issued.get() != last && issued.get() < 2 * perThread) {
          last = issued.get();
          Thread.sleep(500);
        }
        assertThat(issued.get()).as("puts issued while the host was stopped")
            .isLessThan(2 * perThread);
        assertThat(guest.engine().unsentBytes()).as("bytes the guest holds unsent")
            .isLessThanOrEqualTo(GuestEngine.MAX_UNSENT_BYTES + 2 * (value.length + 64));
      } finally {
        host.resume(); // also when an assertion failed: the host must not stay stopped
      }
      for (Thread w : writers) {
        w.join(60_000);
        assertThat(w.isAlive()).isFalse();
      }
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
          .get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(guest.bytes().get(("k1-" + (perThread - 1)).getBytes())).isEqualTo(value);
      assertThat(guest.get("before")).isEqualTo("the stop");
      assertThat(host.finish()).isZero();
    }
  }

  private static Guest keep(ChildProcess host, Path sock) throws Exception {
    host.await("READY");
    return Guest.connect(Connector.unix(sock));
  }
}
