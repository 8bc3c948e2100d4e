package org.level4j.mutex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.child.ChildProcess;
import org.level4j.net.Connector;
import org.level4j.net.Guest;

/**
 * LevelMutex over a real database without conditional batches: a level4j guest of npm
 * many-level's own host ({@code interop/host.js}, over memory-level), which serves no
 * preconditions.
 */
class GuestOfNodeHostMutexTest {
  @TempDir
  Path dir;

  /**
   * A shared mutex carries its reads as preconditions, so over such a database it is refused
   * with {@code LEVEL_NOT_SUPPORTED}; the plain mutex needs none and works there.
   */
  @Test
  void sharedNeedsConditionalBatches() throws Exception {
    Path socket = dir.resolve("node.sock");
    try (ChildProcess node = ChildProcess.node("host.js", "unix:" + socket)) {
      node.await(l -> l.equals("listening"), TimeUnit.SECONDS.toMillis(60));
      try (Database guest = Guest.connect(Connector.unix(socket))) {
        assertThat(guest.supports().conditionalBatch()).as("what the guest declares").isFalse();
        assertThatThrownBy(() -> LevelMutex.shared(guest))
            .isInstanceOfSatisfying(LevelException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_NOT_SUPPORTED));
        try (LevelMutex<String, String> plain = LevelMutex.over(guest)) {
          assertThat(plain.isShared()).isFalse();
          String read = plain.<String>get("k", (v, w) -> {
            w.put("k", "written");
            return v;
          }).get(20, TimeUnit.SECONDS);
          assertThat(read).isNull();
          assertThat(guest.get("k")).isEqualTo("written");
        }
      }
    }
  }
}
