package org.level4j.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

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
   * @throws IOException if nothing listens there
   */
  static Connection unix(Path path) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(path));
      return SocketConnection.quiet(ch, path.toString());
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Connects over TCP, with Nagle's algorithm off (requests are small and latency matters).
   *
   * @param host a host name or address
   * @param port the port
   * @return the connection
   * @throws IOException if the host cannot be reached
   */
  static Connection tcp(String host, int port) throws IOException {
    return tcp(new InetSocketAddress(host, port));
  }

  /**
   * Connects over TCP to {@code address}, with Nagle's algorithm off.
   *
   * @param address the host's address
   * @return the connection
   * @throws IOException if the host cannot be reached
   */
  static Connection tcp(InetSocketAddress address) throws IOException {
    SocketChannel ch = SocketChannel.open();
    try {
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      ch.connect(address);
      return SocketConnection.quiet(ch, address.toString());
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
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
