package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.child.ChildProcess;

/**
 * A follower closed while it takes over from a dead leader: close() returns once what the
 * takeover opened (RocksDB, its LOCK) is closed again, not while the takeover still opens it.
 * Before, close() released LEADER and returned with the takeover's RocksDB opening for a few ms
 * more (seconds on a loaded machine): opened in a directory its owner thought closed, and open
 * at the exit of a process that exits right after close().
 */
class CloseDuringTakeoverTest {
  @TempDir Path dir;
  @TempDir Path scratch;

  @Test
  void closeWaitsForATakeoverUnderWayAndClosesWhatItOpened() throws Exception {
    Path gate = scratch.resolve("open-gate");
    Path real = dir.toRealPath();
    // This JVM's takeovers stop once they hold LOCK, before RocksDB opens, until the gate exists.
    System.setProperty(Presence.OPEN_GATE, gate.toString());
    try (ChildProcess leader = ChildProcess.java(RaveWorker.class, "hold", dir.toString())) {
      leader.await("READY");
      RaveLevel follower = RaveLevel.open(dir);
      assertThat(follower.isLeader()).isFalse();
      leader.kill();
      await().atMost(Duration.ofSeconds(60)).until(() -> openHere(real).contains(
          real.resolve(LockGuard.FILE).toString()));
      CompletableFuture<Void> closed = new CompletableFuture<>();
      Thread closing = new Thread(() -> {
        try {
          follower.close();
          closed.complete(null);
        } catch (Throwable t) {
          closed.completeExceptionally(t);
        }
      }, "closing");
      closing.setDaemon(true);
      closing.start();
      await().atMost(Duration.ofSeconds(60))
          .until(() -> closed.isDone() || waitsForTheTakeover(closing));
      if (closed.isDone()) {
        assertThat(openHere(real)).as("open in this process when close() returned, with the "
            + "takeover at the gate").isEmpty();
      }
      Files.createFile(gate);
      closed.get(60, TimeUnit.SECONDS);
      assertThat(openHere(real)).as("open in this process after close()").isEmpty();
    } finally {
      if (!Files.exists(gate)) {
        Files.createFile(gate); // no takeover of this JVM waits for it any longer
      }
      System.clearProperty(Presence.OPEN_GATE);
    }
  }

  /**
   * A leader listener may close its RaveLevel from another thread and wait for it: the listeners
   * of a takeover run after it let go of what a close waits for (they ran inside it for a while,
   * and this listener then waited for ever).
   */
  @Test
  void aLeaderListenerThatClosesOnAnotherThreadAndWaitsDoesNotHang() throws Exception {
    Path real = dir.toRealPath();
    try (ChildProcess leader = ChildProcess.java(RaveWorker.class, "hold", dir.toString())) {
      leader.await("READY");
      RaveLevel follower = RaveLevel.open(dir);
      assertThat(follower.isLeader()).isFalse();
      CompletableFuture<Void> listened = new CompletableFuture<>();
      follower.onLeader(() -> {
        try {
          CompletableFuture.runAsync(follower::close).get(60, TimeUnit.SECONDS);
          listened.complete(null);
        } catch (Throwable t) {
          listened.completeExceptionally(t);
        }
      });
      leader.kill();
      listened.get(120, TimeUnit.SECONDS);
      assertThat(openHere(real)).as("open in this process after close()").isEmpty();
    }
  }

  /** Whether {@code t} waits in Presence.shutdown for a monitor (the takeover's). */
  private static boolean waitsForTheTakeover(Thread t) {
    return t.getState() == Thread.State.BLOCKED && Arrays.stream(t.getStackTrace()).anyMatch(
        f -> f.getClassName().equals(Presence.class.getName())
            && f.getMethodName().equals("shutdown"));
  }

  /** The files in {@code dir} this process has open. */
  private static List<String> openHere(Path dir) throws IOException {
    List<String> open = new ArrayList<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith(dir + "/")) {
            open.add(target);
          }
        } catch (IOException closedMeanwhile) {
          // not open any more
        }
      }
    }
    return open;
  }
}
