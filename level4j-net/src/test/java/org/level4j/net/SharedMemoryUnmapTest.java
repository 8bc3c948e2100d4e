package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.LevelException;
import org.level4j.MemoryLevel;

/**
 * A connection in shared memory unmaps its rings when it closes, at both ends, instead of leaving
 * them to the collector (a host held every closed guest's rings until a collection that, for a
 * buffer promoted to the old generation, may not come); and closing while calls are under way
 * lets every thread inside the rings leave before they go, so nothing touches unmapped memory (it
 * would crash this JVM, and the build with it).
 */
@EnabledOnOs(OS.LINUX)
class SharedMemoryUnmapTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  void closedConnectionsLeaveNoMappingBehindAtEitherEnd() throws Exception {
    assumeThat(Mapping.HOW).as("how this JVM unmaps").isNotEqualTo("collector");
    Set<String> before = Set.copyOf(ringMappings());
    try (Database db = MemoryLevel.open();
        Host host = Host.of(db).listen(Listener.unix(dir.resolve("db.sock")))) {
      for (int i = 0; i < 20; i++) {
        Connection c = Connection.unixSharedMemory(dir.resolve("db.sock"));
        try (Guest g = Guest.connect(() -> c)) {
          g.put("k" + i, "v" + i);
          assertThat(g.get("k" + i)).isEqualTo("v" + i);
          assertThat(SocketConnection.sharesMemory(c)).isTrue();
          List<String> mine = madeSince(before);
          assertThat(mine).as("the guest's mapping and the host's").hasSize(2);
          assertThat(mine.get(0)).isEqualTo(mine.get(1));
        }
        // The host's end closes once its session sees the guest gone.
        await().atMost(WAIT).until(() -> madeSince(before).isEmpty());
      }
    }
  }

  @Test
  void closingWhileCallsAreUnderWayLetsEveryThreadLeaveTheRingsFirst() throws Exception {
    Set<String> before = Set.copyOf(ringMappings());
    try (Database db = MemoryLevel.open()) {
      for (int round = 0; round < 40; round++) {
        Path socket = dir.resolve("db" + round + ".sock");
        Host host = Host.of(db).listen(Listener.unix(socket));
        Connection c = Connection.unixSharedMemory(socket);
        Guest g = Guest.connect(() -> c);
        g.put("warm", "up");
        assertThat(SocketConnection.sharesMemory(c)).isTrue();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          String key = "t" + t;
          byte[] value = new byte[t == 0 ? 100_000 : 100]; // one wraps the rings now and then
          callers.add(started(() -> {
            try {
              while (true) {
                g.bytes().put(key.getBytes(), value);
                g.get(key);
              }
            } catch (LevelException expected) {
              // the guest or its host closed under it
            } catch (Throwable e) {
              unexpected.set(e);
            }
          }));
        }
        Thread.sleep(ThreadLocalRandom.current().nextInt(1, 15));
        if (round % 2 == 0) {
          g.close(); // the guest's end goes first
          host.close();
        } else {
          host.close(); // the host's end goes first, the guest's when it notices
          g.close();
        }
        for (Thread t : callers) {
          t.join(WAIT.toMillis());
          assertThat(t.isAlive()).as("a caller still running after both ends closed").isFalse();
        }
        assertThat(unexpected.get()).isNull();
      }
    }
    if (!Mapping.HOW.equals("collector")) {
      await().atMost(WAIT).until(() -> madeSince(before).isEmpty());
    }
  }

  private static Thread started(Runnable r) {
    Thread t = new Thread(r, "caller");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * The files of this process's mappings of shared rings, one per mapping (both ends of a
   * connection in this JVM map the same file).
   */
  private static List<String> ringMappings() throws IOException {
    String prefix = SharedRings.DIR + "/level4j-";
    try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
      return lines.filter(l -> l.contains(prefix)).map(l -> l.substring(l.indexOf(prefix)))
          .toList();
    }
  }

  /**
   * The mappings of ring files not mapped when {@code before} was taken: this test's only, as a
   * connection of an earlier test may still be closing at either end.
   */
  private static List<String> madeSince(Set<String> before) throws IOException {
    return ringMappings().stream().filter(f -> !before.contains(f)).toList();
  }
}
