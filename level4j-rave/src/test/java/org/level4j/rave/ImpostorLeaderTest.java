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

  /**
   * The socket file is this user's, but the process listening on it is not: the file was chowned
   * after it was bound, as a rename in a directory another user may write would also give. The
   * follower asks the kernel who listens ({@code SO_PEERCRED}) and hangs up before it sends a
   * byte. The impostor is a real process of uid 65534 (a Node one-liner run with setpriv), which
   * counts what each connection sent it.
   */
  @Test
  void aFollowerHangsUpUnusedOnAnotherUsersProcessBehindASocketFileOfItsOwn() throws Exception {
    assumeTrue(ChildProcess.isRoot(), "needs root to run a process as another user");
    UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName(Integer.toString(NOBODY));
    Path nest = Files.createTempDirectory("level4j-impostor");
    Path socket = nest.resolve("db.sock");
    try (ChildProcess lockHolder = ChildProcess.java(HoldLock.class,
        dir.resolve(Seat.LOCK_FILE).toString())) {
      lockHolder.await("LOCKED");
      Files.setOwner(nest, nobody);
      String counter = "const net = require('net');"
          + "net.createServer((s) => { let n = 0; s.on('data', (d) => { n += d.length });"
          + " s.on('close', () => console.log('READ ' + n)) })"
          + ".listen(process.argv[1], () => console.log('LISTENING'))";
      try (ChildProcess impostor = ChildProcess.start(new ProcessBuilder("setpriv",
          "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "node", "-e", counter,
          socket.toString()))) {
        impostor.await("LISTENING");
        Files.setOwner(socket, Files.getOwner(dir));
        new LeaderInfo(impostor.pid(), socket).write(dir);

        RaveOptions brief = RaveOptions.builder().giveUpAfter(Duration.ofSeconds(2)).build();
        assertThatThrownBy(() -> RaveLevel.open(dir, brief).close())
            .isInstanceOf(LevelException.class)
            .hasMessageContaining("runs as user nobody")
            .hasMessageContaining("not as this process's user 0");
        impostor.await("READ ");
        assertThat(impostor.lines()).filteredOn(l -> l.startsWith("READ "))
            .as("what each of the follower's connections sent the impostor")
            .isNotEmpty().allMatch(l -> l.equals("READ 0"));
      }
    } finally {
      Files.deleteIfExists(socket);
      Files.deleteIfExists(nest);
    }
  }
}
