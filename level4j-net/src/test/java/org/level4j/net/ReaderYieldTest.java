package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.MemoryLevel;

/**
 * Which threads of a guest may poll its Unix socket yielding while every processor is taken (see
 * {@link Spin}): a caller waiting for its own answer may, the guest's reader thread, which reads
 * the answers of many requests in a row, may not. {@link GuestEngine} sets it each time a thread
 * takes the reading turn; {@code SpinTest} checks what {@link Spin} does with it.
 */
class ReaderYieldTest {
  @TempDir
  Path dir;

  private Database db;
  private Host host;

  @BeforeEach
  void serve() throws Exception {
    db = MemoryLevel.open();
    host = Host.of(db).listen(Listener.unix(dir.resolve("db.sock")));
  }

  @AfterEach
  void stop() {
    host.close();
    db.close();
  }

  private static Boolean yields(Guest guest) {
    return guest.engine().locked(l -> l == null ? null
        : SocketConnection.yieldsWhileBusy(l.connection));
  }

  @Test
  void theReaderThreadSleepsWhileCallersReadingTheirOwnAnswersYield() throws Exception {
    try (Guest guest = Guest.connect(Connector.unix(dir.resolve("db.sock")))) {
      assertThat(yields(guest)).isNotNull(); // a Unix socket: the setting exists
      // Idle, the reader thread takes the reading turn to watch the link: it may not yield.
      await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.FALSE.equals(yields(guest)));

      // A caller calling one call after another reads its own answers, holding the turn.
      AtomicBoolean stop = new AtomicBoolean();
      CompletableFuture<Integer> calls = CompletableFuture.supplyAsync(() -> {
        int n = 0;
        while (!stop.get()) {
          guest.put("k", Integer.toString(n++));
        }
        return n;
      });
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(yields(guest)));
      } finally {
        stop.set(true);
      }
      int n = calls.get(10, TimeUnit.SECONDS);
      assertThat(guest.get("k")).isEqualTo(Integer.toString(n - 1));

      // Idle again, the reader thread takes the turn back, and sleeps again.
      await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.FALSE.equals(yields(guest)));
    }
  }
}
