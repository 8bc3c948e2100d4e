package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.MemoryLevel;
import org.level4j.child.ChildProcess;

/**
 * A plain TCP listener on a loopback address lets in only processes of the host's own user, told
 * by Linux's socket table. The other user is a real process of uid 65534 ("nobody"), started
 * with setpriv, which takes root: those tests run only as root (as CI here does).
 */
class LoopbackPeersTest {
  private static final String NOBODY = "65534";

  private final Opened opened = new Opened();
  @TempDir
  Path dir;

  @AfterEach
  void closeAll() throws Exception {
    opened.close();
  }

  @Test
  void theTablesLineOfTheConnectingSocketGivesItsUser() throws Exception {
    InetSocketAddress guest = new InetSocketAddress("127.0.0.1", 40000);
    InetSocketAddress host = new InetSocketAddress("127.0.0.1", 7007);
    List<String> table = List.of(
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
            + "timeout inode",
        line(0, host, new InetSocketAddress("0.0.0.0", 0), 0), // the host's listening socket
        line(1, host, guest, 0), // the host's end of the connection
        line(2, guest, host, 1000), // the guest's end: its owner is the one asked for
        line(3, new InetSocketAddress("127.0.0.1", 40001), host, 2000));

    assertThat(LoopbackPeers.find(table, guest, host)).isEqualTo(1000);
    assertThat(LoopbackPeers.find(table, new InetSocketAddress("127.0.0.1", 40001), host))
        .isEqualTo(2000);
    assertThat(LoopbackPeers.find(table, new InetSocketAddress("127.0.0.1", 40002), host))
        .isEqualTo(-1);
  }

  @Test
  void anIpv4MappedAddressOfTheIpv6TableIsTheIpv4AddressItMaps() throws Exception {
    InetSocketAddress guest = new InetSocketAddress("127.0.0.1", 40000);
    InetSocketAddress host = new InetSocketAddress("127.0.0.1", 7007);
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 127, 0, 0, 1};
    String line = "   5: " + hex(mapped) + ":9C40 " + hex(mapped) + ":1B5F 01 00000000:00000000"
        + " 00:00000000 00000000  1234        0 99 1 0000000000000000 20 4 0 10 -1";

    assertThat(LoopbackPeers.find(List.of(line), guest, host)).isEqualTo(1234);
  }

  @Test
  void theRealTableKnowsThisProcessAsTheOwnerOfItsOwnConnection() throws Exception {
    assumeTrue(LoopbackPeers.available(), "Linux's socket table");
    try (ServerSocketChannel server = ServerSocketChannel.open()
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept()) {
      long uid = LoopbackPeers.uidOf((InetSocketAddress) accepted.getRemoteAddress(),
          (InetSocketAddress) accepted.getLocalAddress());
      assertThat(uid).isEqualTo(UnixPeers.ownUid());
    }
  }

  @Test
  void aProcessOfTheHostsUserIsServed() throws Exception {
    int port = serve();
    // The host greets a guest it lets in (its hello frame) before anything else.
    assertThat(bytesReadFrom(port, List.of())).isEqualTo("1");
  }

  @Test
  void aProcessOfAnotherUserIsClosedBeforeAnythingIsRead() throws Exception {
    assumeTrue(ChildProcess.isRoot(), "needs root to run a process as another user");
    int port = serve();
    assertThat(bytesReadFrom(port, List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
        "--clear-groups"))).isEqualTo("0");
    // and the host goes on serving its own user
    assertThat(bytesReadFrom(port, List.of())).isEqualTo("1");
  }

  private int serve() {
    Database db = opened.keep(MemoryLevel.open());
    Listener l = Listener.tcp(0);
    opened.keep(Host.of(db)).listen(l);
    return ((InetSocketAddress) l.address()).getPort();
  }

  /**
   * Connects to {@code port} from a new bash process run through {@code prefix}, and returns how
   * many bytes it could read (at most 1): "0" if the host closed the connection unread.
   */
  private String bytesReadFrom(int port, List<String> prefix) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(prefix);
    cmd.addAll(List.of("/bin/bash", "-c",
        "exec 3<>/dev/tcp/127.0.0.1/" + port + " && head -c 1 <&3 | wc -c"));
    ChildProcess.Result r = ChildProcess.run(new ProcessBuilder(cmd), "", dir);
    assertThat(r.code()).as(r.err()).isZero();
    return r.out().trim();
  }

  /** A line of /proc/net/tcp for a connection from {@code own} to {@code other}. */
  private static String line(int n, InetSocketAddress own, InetSocketAddress other, long uid) {
    return String.format("%4d: %s:%04X %s:%04X 01 00000000:00000000 00:00000000 00000000 %5d"
            + "        0 %d 1 0000000000000000 20 4 30 10 -1", n,
        hex(own.getAddress().getAddress()), own.getPort(),
        hex(other.getAddress().getAddress()), other.getPort(), uid, 1000 + n);
  }

  /** An address as the kernel prints it: each 32-bit word as this machine stores it, in hex. */
  private static String hex(byte[] address) {
    ByteBuffer b = ByteBuffer.wrap(address).order(ByteOrder.nativeOrder());
    StringBuilder s = new StringBuilder();
    while (b.hasRemaining()) {
      s.append(String.format("%08X", b.getInt()));
    }
    return s.toString();
  }
}
