package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.MemoryLevel;

/**
 * A retrying guest whose host accepts and hangs up without answering does not dial it again in a
 * tight loop: it waits longer after each such connection, and a host that answers again serves
 * what was pending.
 */
class ReconnectBackoffTest {
  @TempDir
  Path dir;

  @Test
  void aHostThatHangsUpBeforeAnsweringIsDialledLessAndLessOften() throws Exception {
    Database db = MemoryLevel.open();
    Path good = dir.resolve("good.sock");
    Path rude = dir.resolve("rude.sock");
    AtomicInteger rudeConnections = new AtomicInteger();
    AtomicReference<Path> target = new AtomicReference<>(good);
    try (Host host = Host.of(db).listen(Listener.unix(good));
        ServerSocketChannel hangsUp = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      hangsUp.bind(UnixDomainSocketAddress.of(rude));
      Thread rudeHost = new Thread(() -> {
        try {
          while (true) {
            SocketChannel c = hangsUp.accept();
            rudeConnections.incrementAndGet();
            c.close();
          }
        } catch (java.io.IOException closed) {
          // the test is over
        }
      }, "rude-host");
      rudeHost.setDaemon(true);
      rudeHost.start();
      Connector dial = () -> Connection.unix(target.get());
      try (Guest guest = Guest.connect(dial, GuestOptions.builder().retry(true).build())) {
        guest.put("a", "1");
        // From now on every connection goes to a host that hangs up at once.
        target.set(rude);
        host.close();
        CompletableFuture<Void> pending = guest.async().put("b", "2");
        Thread.sleep(1500);
        int dialled = rudeConnections.get();
        // Without a pause it dials as fast as the machine allows: thousands in 1.5 s. With 5 ms
        // doubling up to a second: about 9. (A loaded machine only dials less.)
        assertThat(dialled).as("connections to the host that hangs up, in 1.5 s")
            .isLessThanOrEqualTo(30);
        // The guest noticed the host go and dialled again, however long that took.
        await().atMost(Duration.ofSeconds(30)).until(() -> rudeConnections.get() >= 1);

        try (Host again = Host.of(db).listen(Listener.unix(dir.resolve("again.sock")))) {
          target.set(dir.resolve("again.sock"));
          pending.get(30, java.util.concurrent.TimeUnit.SECONDS);
          assertThat(db.get("b")).isEqualTo("2");
        }
      }
    } finally {
      db.close();
    }
  }
}
