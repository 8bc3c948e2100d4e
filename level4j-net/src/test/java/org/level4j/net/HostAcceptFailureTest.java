package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.MemoryLevel;

/**
 * A host whose accept fails while its listener is open (as it does when the process runs out of
 * file descriptors: {@code EMFILE}) keeps its listener and serves again once accepting works;
 * only closing ends listening.
 */
class HostAcceptFailureTest {
  @TempDir
  Path dir;

  private final Opened opened = new Opened();

  @AfterEach
  void closeAll() throws Exception {
    opened.close();
  }

  /** A real listener whose first accepts fail as they do in a process out of descriptors. */
  private static final class OutOfDescriptorsAtFirst implements Listener {
    private final Listener inner;
    final AtomicInteger failuresLeft;

    OutOfDescriptorsAtFirst(Listener inner, int failures) {
      this.inner = inner;
      this.failuresLeft = new AtomicInteger(failures);
    }

    @Override
    public Connection accept() throws IOException {
      if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IOException("Too many open files");
      }
      return inner.accept();
    }

    @Override
    public SocketAddress address() {
      return inner.address();
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  @Test
  void failedAcceptsAreWarnedOfAndTheHostServesOnOnTheSameSocket() throws Exception {
    Path socket = dir.resolve("db.sock");
    Database db = opened.keep(MemoryLevel.open());
    LoggedWarnings warnings = opened.keep(new LoggedWarnings());
    OutOfDescriptorsAtFirst listener = new OutOfDescriptorsAtFirst(Listener.unix(socket), 5);
    Host host = opened.keep(Host.of(db)).listen(listener);

    Guest guest = opened.keep(Guest.connect(Connector.unix(socket)));
    guest.put("a", "1");
    assertThat(guest.get("a")).isEqualTo("1");
    assertThat(listener.failuresLeft).hasValue(0);
    assertThat(socket).as("the socket file, kept").exists();
    assertThat(warnings.messages).filteredOn(m -> m.contains("cannot accept a connection"))
        .as("five failures in a row, warned of once").hasSize(1)
        .first().asString().contains("Too many open files").contains("ulimit -n");

    Guest another = opened.keep(Guest.connect(Connector.unix(socket)));
    assertThat(another.get("a")).isEqualTo("1");
    assertThat(host.connections()).isEqualTo(2);

    host.close();
    assertThat(Files.exists(socket)).as("closing the host removes the socket file").isFalse();
  }
}
