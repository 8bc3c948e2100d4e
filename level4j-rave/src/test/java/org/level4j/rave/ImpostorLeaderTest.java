package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.LevelException;
import org.level4j.child.ChildProcess;

/**
 * Another local user posing as the leader: a socket and a {@code LEADER.info} that are not this
 * user's. A follower never connects to them. Making files of another user takes root, so the test
 * runs only as root (as CI here does) and is skipped elsewhere.
 */
class ImpostorLeaderTest {
  private static final int NOBODY = 65534;

  @TempDir Path dir;

  @Test
  void aFollowerNeverConnectsToAnotherUsersSocketOrTrustsItsLeaderInfo() throws Exception {
    assumeTrue(ChildProcess.isRoot(), "needs root to make files owned by another user");
    try (ChildProcess lockHolder = ChildProcess.java(HoldLock.class,
        dir.resolve(Seat.LOCK_FILE).toString());
        ServerSocketChannel impostor = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      lockHolder.await("LOCKED");
      Path socket = dir.resolve(SocketPath.NAME);
      impostor.bind(UnixDomainSocketAddress.of(socket));
      // It hangs up on whoever connects, so that a guest it fooled gives up within giveUpAfter.
      AtomicInteger accepted = new AtomicInteger();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            SocketChannel c = impostor.accept();
            // Counted before the close: the follower that gives up when it sees the hang-up
            // finds the connection counted.
            accepted.incrementAndGet();
            c.close();
          }
        } catch (java.io.IOException closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      new LeaderInfo(ProcessHandle.current().pid(), socket).write(dir);
      UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService()
          .lookupPrincipalByName(Integer.toString(NOBODY));
      Files.setOwner(socket, nobody);
      Files.setOwner(dir.resolve(LeaderInfo.FILE), nobody);

      RaveOptions brief = RaveOptions.builder().giveUpAfter(Duration.ofSeconds(2)).build();
      assertThatThrownBy(() -> RaveLevel.open(dir, brief).close())
          .isInstanceOf(LevelException.class);
      assertThat(accepted.get()).as("connections the impostor received").isZero();

      // The control: the same socket and record, owned by this user, are used at once.
      UserPrincipal self = Files.getOwner(dir);
      Files.setOwner(socket, self);
      Files.setOwner(dir.resolve(LeaderInfo.FILE), self);
      RaveOptions once = RaveOptions.builder().giveUpAfter(Duration.ofSeconds(2)).retry(false)
          .build();
      assertThatThrownBy(() -> RaveLevel.open(dir, once).close())
          .isInstanceOf(LevelException.class); // the impostor hangs up
      assertThat(accepted.get()).as("connections once the files are this user's").isPositive();
    }
  }

}
