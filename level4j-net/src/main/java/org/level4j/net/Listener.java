package org.level4j.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where a {@link Host} accepts connections: a Unix domain socket or a TCP port. Give it to
 * {@link Host#listen}, or call {@link #accept()} yourself.
 *
 * <p>A Unix socket file is made readable and writable by its owner only. TCP listens on the
 * loopback address unless given another one: anyone who can reach a host can read and write its
 * whole database.
 */
public interface Listener extends AutoCloseable {
  /**
   * Waits for the next connection; fails once the listener is closed.
   *
   * @return the connection of a guest
   * @throws IOException once the listener is closed, or if accepting fails
   */
  Connection accept() throws IOException;

  /**
   * Where this listener listens (a {@link UnixDomainSocketAddress} or an InetSocketAddress).
   *
   * @return the address guests connect to
   */
  SocketAddress address();

  /** Stops listening (and removes a Unix socket file). Closing twice is harmless. */
  @Override
  void close();

  /**
   * Listens on a Unix domain socket at {@code path}, which must not exist. A socket file left
   * behind by a crashed process makes this fail: use {@link #unix(Path, boolean)} to remove it,
   * once you know that no live process still listens there.
   *
   * @param path the socket file to create
   * @return the listener
   * @throws IOException if the file exists or the socket cannot be bound
   */
  static Listener unix(Path path) throws IOException {
    return unix(path, false);
  }

  /**
   * Listens on a Unix domain socket at {@code path}; if {@code replaceExisting}, a file already
   * there is deleted first. The path may have at most about 100 bytes (an OS limit).
   *
   * @param path the socket file to create
   * @param replaceExisting whether to delete a file already at {@code path}
   * @return the listener
   * @throws IOException if the socket cannot be bound
   */
  static Listener unix(Path path, boolean replaceExisting) throws IOException {
    Path p = path.toAbsolutePath();
    if (replaceExisting) {
      Files.deleteIfExists(p);
    }
    ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.bind(UnixDomainSocketAddress.of(p));
      // bind() creates the file as the umask allows (0755 by default: only its owner can
      // connect, since connecting needs write permission); narrow it to the owner at once.
      try {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // Windows: the socket file inherits the directory's ACL.
      }
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    return new SocketListener(ch, p);
  }

  /**
   * Listens on {@code port} (0: any free port) of the loopback address 127.0.0.1.
   *
   * @param port the port, or 0 for any free one (see {@link #address()})
   * @return the listener
   * @throws IOException if the port cannot be bound
   */
  static Listener tcp(int port) throws IOException {
    return tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  /**
   * Listens on {@code address}; an address other than loopback exposes the database.
   *
   * @param address the address and port to bind
   * @return the listener
   * @throws IOException if the address cannot be bound
   */
  static Listener tcp(InetSocketAddress address) throws IOException {
    ServerSocketChannel ch = ServerSocketChannel.open();
    try {
      ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      ch.bind(address);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    return new SocketListener(ch, null);
  }
}
