package org.level4j.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * A duplex byte stream between a guest and a host: a Unix domain socket, a TCP connection, or an
 * in-memory {@link #pipe()}. Implement it to carry the protocol over anything else.
 *
 * <p>Threading: one thread reads while another writes; reads do not overlap each other, nor do
 * writes. {@link #close()} may be called from any thread, at any time, more than once, and makes
 * a blocked {@link #read} or {@link #write} fail or return -1.
 */
public interface Connection extends AutoCloseable {
  /**
   * Reads at least one byte into {@code dst}, blocking until some arrive.
   *
   * @param dst the buffer to read into
   * @return the number of bytes read, or -1 once the peer has closed its end
   * @throws IOException if the connection fails
   */
  int read(ByteBuffer dst) throws IOException;

  /**
   * Writes every remaining byte of {@code src}, blocking while the peer is slow to read.
   *
   * @param src the bytes to write, from its position to its limit
   * @throws IOException if the connection fails
   */
  void write(ByteBuffer src) throws IOException;

  /** Closes both directions. Closing twice is harmless. */
  @Override
  void close();

  /**
   * Connects to a Unix domain socket (for example one a {@link Listener#unix} created).
   *
   * @param path the socket file
   * @return the connection
   * @throws LevelException {@code LEVEL_CONNECTION_LOST}, naming {@code path} and with the
   *     {@link IOException} as its cause, if nothing listens there (no such file, a socket left
   *     by a host that has gone, or no permission to connect)
   */
  static Connection unix(Path path) {
    try {
      SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        ch.connect(UnixDomainSocketAddress.of(path));
        return SocketConnection.quiet(ch, path.toString());
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    } catch (IOException e) {
      throw new LevelException(ErrorCode.LEVEL_CONNECTION_LOST, "cannot connect to the Unix "
          + "socket " + path + ": " + e.getMessage() + " (is a host listening there, as the "
          + "user this process runs as or a user it allows?)", e);
    }
  }

  /**
   * Connects to a Unix domain socket as {@link #unix(Path)} does, and offers the host to carry
   * the connection's bytes in shared memory instead: a file of this user's only under {@code
   * /dev/shm}, removed as soon as the host has answered, with the socket kept to tell either end
   * when the other has gone and to wake one that sleeps. A call then costs no system call while
   * both ends poll. A level4j host takes the offer if it runs as this user; otherwise, and with a
   * host that does not know the offer (Node's, an older level4j one), the connection stays a
   * plain socket. Nothing waits for the answer. A guest whose connector returns such a
   * connection after it lost one (a retrying guest reconnecting) makes the offer only 100 ms
   * after the new host first answered, with the next request or iterator, so that the offer's work
   * is not part of the reconnect's. The system property {@code level4j.sharedMemory=false}
   * turns the offer off.
   *
   * @param path the socket file
   * @return the connection
   * @throws LevelException {@code LEVEL_CONNECTION_LOST} as {@link #unix(Path)}
   */
  static Connection unixSharedMemory(Path path) {
    Connection c = unix(path);
    SocketConnection.wantRings(c);
    return c;
  }

  /**
   * Connects as {@link #unixSharedMemory(Path)} does, to a host that must run as this process's
   * user, such as a RaveLevel leader: the kernel's word on the process at the other end ({@code
   * SO_PEERCRED}) is checked before anything is sent, and a host of another user is hung up on.
   * A socket file of this user's may still be another user's listener: a path whose directory
   * someone else could rename, or a file chowned to this user. Where the platform gives no peer
   * credentials, the check is left to the socket file's owner, as before.
   *
   * @param path the socket file
   * @return the connection
   * @throws LevelException {@code LEVEL_CONNECTION_LOST} as {@link #unix(Path)}, or naming the
   *     other user if the host runs as one
   */
  static Connection unixOwnUser(Path path) {
    Connection c = unixSharedMemory(path);
    String other = ((SocketConnection) c).peerUnlessOwnUser();
    if (other != null) {
      c.close();
      throw new LevelException(ErrorCode.LEVEL_CONNECTION_LOST, "hung up on the Unix socket "
          + path + " unused: the process listening there runs as user " + other + ", not as"
          + " this process's user " + UnixPeers.ownUid() + ", and only a host of this user is"
          + " trusted here. Find out who made that socket, and remove it");
    }
    return c;
  }

  /**
   * Connects over TCP, with Nagle's algorithm off (requests are small and latency matters).
   *
   * @param host a host name or address
   * @param port the port
   * @return the connection
   * @throws LevelException {@code LEVEL_CONNECTION_LOST}, naming the address, if the host cannot
   *     be reached or its name cannot be resolved
   */
  static Connection tcp(String host, int port) {
    return tcp(new InetSocketAddress(host, port));
  }

  /**
   * Connects over TCP to {@code address}, with Nagle's algorithm off.
   *
   * @param address the host's address
   * @return the connection
   * @throws LevelException {@code LEVEL_CONNECTION_LOST}, naming {@code address} and with the
   *     {@link IOException} (or, for a name that does not resolve, the {@link
   *     UnresolvedAddressException}) as its cause, if the host cannot be reached
   */
  static Connection tcp(InetSocketAddress address) {
    String where = address.getHostString() + ":" + address.getPort();
    try {
      SocketChannel ch = SocketChannel.open();
      try {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.connect(address);
        return SocketConnection.quiet(ch, address.toString());
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    } catch (IOException e) {
      throw new LevelException(ErrorCode.LEVEL_CONNECTION_LOST, "cannot connect to " + where
          + " over TCP: " + e.getMessage() + " (is a host listening there, and does nothing "
          + "between here and there block the port?)", e);
    } catch (UnresolvedAddressException e) {
      throw new LevelException(ErrorCode.LEVEL_CONNECTION_LOST, "cannot connect to " + where
          + ": the name " + address.getHostString() + " does not resolve to an address (check "
          + "its spelling and this machine's DNS)", e);
    }
  }

  /**
   * A connection over a connected, blocking socket channel of any kind.
   *
   * @param channel a connected socket channel in blocking mode
   * @return a connection that owns the channel
   */
  static Connection of(SocketChannel channel) {
    return new SocketConnection(channel, String.valueOf(channel));
  }

  /**
   * Two connected in-memory ends, for joining a host and a guest inside one process.
   *
   * @return both ends of a new pipe
   */
  static Pipe pipe() {
    return MemoryPipe.open();
  }

  /** The two ends of an in-memory {@link #pipe()}: what one writes, the other reads. */
  record Pipe(Connection host, Connection guest) {}
}
