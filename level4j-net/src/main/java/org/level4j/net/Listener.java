package org.level4j.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * Where a {@link Host} accepts connections: a Unix domain socket or a TCP port. Give it to
 * {@link Host#listen}, or call {@link #accept()} yourself.
 *
 * <p>Anything reachable over a network is authenticated. A Unix socket file is made readable and
 * writable by its owner only, in a directory other users cannot write, and each peer's user id is
 * checked when it connects (by default only the host's own user may connect). {@link #tls}
 * authenticates both sides with certificates. Plain {@link #tcp} listens on a loopback address
 * only, and lets in only processes of the host's own user (told by Linux's socket table, as a
 * Unix socket's peer is told by its credentials); anywhere else it is refused, unless asked for
 * with {@link #tcpInsecure} (for Node {@code many-level} guests that do not speak TLS, on a
 * network you trust).
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
   * @throws LevelException {@code LEVEL_IO_ERROR}, naming {@code path} and with the {@link
   *     IOException} as its cause, if the file exists or the socket cannot be bound; {@code
   *     LEVEL_INVALID_ARGUMENT} if other users can write the directory
   */
  static Listener unix(Path path) {
    return unix(path, false);
  }

  /**
   * Listens on a Unix domain socket at {@code path}; if {@code replaceExisting}, a file already
   * there is deleted first. The path may have at most about 100 bytes (an OS limit).
   *
   * @param path the socket file to create
   * @param replaceExisting whether to delete a file already at {@code path}
   * @return the listener
   * @throws LevelException {@code LEVEL_IO_ERROR}, naming {@code path} and with the {@link
   *     IOException} as its cause, if the socket cannot be bound (or a file is in the way and
   *     {@code replaceExisting} is false); {@code LEVEL_INVALID_ARGUMENT} if other users can
   *     write the directory
   */
  static Listener unix(Path path, boolean replaceExisting) {
    return unix(path, replaceExisting, Set.of());
  }

  /**
   * Listens on a Unix domain socket at {@code path}, accepting only peers whose user id is one of
   * {@code allowedUids} (if empty: the host's own user id, as the other {@code unix} methods do),
   * checked with the peer credentials the kernel gives ({@code SO_PEERCRED}); the others are closed at once, before anything is read
   * (and logged). The directory of {@code path} must not be writable by other users (unless it
   * has the sticky bit, as {@code /tmp} does), since they could replace the socket there.
   *
   * @param path the socket file to create
   * @param replaceExisting whether to delete a file already at {@code path}
   * @param allowedUids the user ids allowed to connect (empty: only the host's own); the socket
   *     file stays owner-only, so other users also need its permissions widened
   * @return the listener
   * @throws LevelException {@code LEVEL_IO_ERROR}, naming {@code path} and with the {@link
   *     IOException} as its cause, if the socket cannot be bound (or a file is in the way and
   *     {@code replaceExisting} is false); {@code LEVEL_INVALID_ARGUMENT} if other users can
   *     write the directory
   */
  static Listener unix(Path path, boolean replaceExisting, Set<Integer> allowedUids) {
    return unix(path, replaceExisting, allowedUids, null);
  }

  /**
   * Listens on a Unix domain socket at {@code path} for the host's own user and for processes
   * that run with group {@code group}: the socket file belongs to that group, readable and
   * writable by it ({@code rw-rw----}), and each peer's group id, as the kernel gives it for the
   * connection ({@code SO_PEERCRED}: the group the peer process runs with, its user's primary
   * group unless changed with {@code sg} or {@code newgrp}), must be that group's; a user who is
   * only a supplementary member must start its process with {@code sg GROUP}. The host's user
   * must be a member of the group (or root) to hand the socket file to it.
   *
   * @param path the socket file to create
   * @param replaceExisting whether to delete a file already at {@code path}
   * @param group the name of the group allowed to connect
   * @return the listener
   * @throws LevelException {@code LEVEL_IO_ERROR}, naming {@code path} and with the {@link
   *     IOException} as its cause, if the socket cannot be bound or the file cannot be given to
   *     the group; {@code LEVEL_INVALID_ARGUMENT} if there is no such group, or if other users
   *     can write the directory
   */
  static Listener unixForGroup(Path path, boolean replaceExisting, String group) {
    if (group == null || group.isEmpty()) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "name the group allowed to "
          + "connect to " + path);
    }
    return unix(path, replaceExisting, Set.of(), group);
  }

  private static Listener unix(Path path, boolean replaceExisting, Set<Integer> allowedUids,
      String group) {
    Path p = path.toAbsolutePath();
    try {
      return bindUnix(p, replaceExisting, allowedUids, group);
    } catch (IOException e) {
      String hint;
      if (!replaceExisting && Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        hint = " (a file is already there: if it is the socket of a host that has gone, remove "
            + "it, or pass replaceExisting once you know no live host listens there)";
      } else if (p.toString().length() > 100) {
        hint = " (a socket path may have at most about 100 bytes: choose a shorter one)";
      } else {
        hint = "";
      }
      String why = e instanceof java.nio.file.NoSuchFileException ? "no such directory: "
          + e.getMessage() : e instanceof java.nio.file.AccessDeniedException
          ? "permission denied: " + e.getMessage() : e.getMessage();
      throw new LevelException(ErrorCode.LEVEL_IO_ERROR, "cannot listen on the Unix socket " + p
          + ": " + why + hint, e);
    }
  }

  private static Listener bindUnix(Path p, boolean replaceExisting, Set<Integer> allowedUids,
      String group) throws IOException {
    java.nio.file.attribute.GroupPrincipal groupPrincipal = group == null ? null
        : UnixPeers.group(group);
    UnixPeers.checkDirectory(p.getParent());
    if (replaceExisting) {
      Files.deleteIfExists(p);
    }
    ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.bind(UnixDomainSocketAddress.of(p));
      // bind() creates the file as the umask allows (0755 by default: only its owner can
      // connect, since connecting needs write permission); narrow it to the owner at once.
      try {
        if (groupPrincipal == null) {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } else {
          Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class)
              .setGroup(groupPrincipal);
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-rw----"));
        }
      } catch (UnsupportedOperationException notPosix) {
        // Windows: the socket file inherits the directory's ACL.
      }
      return new SocketListener(ch, p, UnixPeers.of(p, allowedUids, groupPrincipal));
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Listens on {@code port} (0: any free port) of the loopback address 127.0.0.1, for processes
   * of this process's user only (see {@link #tcp(InetSocketAddress)}).
   *
   * @param port the port, or 0 for any free one (see {@link #address()})
   * @return the listener
   * @throws LevelException {@code LEVEL_IO_ERROR}, naming the port and with the {@link
   *     IOException} as its cause, if the port cannot be bound; {@code LEVEL_NOT_SUPPORTED}
   *     where the users of connections cannot be told (not Linux)
   */
  static Listener tcp(int port) {
    return tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  /**
   * Listens without TLS on {@code address}, which must be a loopback address, for processes of
   * this process's user only: every user of the machine can reach a loopback port, so each
   * connection's peer is looked up in Linux's socket table ({@code /proc/net/tcp}) and closed,
   * before anything is read from it, unless it runs as this process's user. Use {@link #tls} on a
   * network or for other users, or {@link #tcpInsecure} if the port must be open to everyone
   * who can reach it.
   *
   * @param address a loopback address and port to bind
   * @return the listener
   * @throws LevelException {@code LEVEL_IO_ERROR}, naming {@code address} and with the {@link
   *     IOException} as its cause, if the address cannot be bound; {@code
   *     LEVEL_INVALID_ARGUMENT} if the address is not a loopback address; {@code
   *     LEVEL_NOT_SUPPORTED} where the socket table cannot be read (not Linux)
   */
  static Listener tcp(InetSocketAddress address) {
    if (address.getAddress() == null || !address.getAddress().isLoopbackAddress()) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "refusing to listen on "
          + address + " without TLS: anyone who reaches it could read and write the whole "
          + "database. Use Listener.tls (guests with client certificates), a loopback address, "
          + "or Listener.tcpInsecure if the network is trusted (`level4j serve --insecure`)");
    }
    if (!LoopbackPeers.available()) {
      throw new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED, "cannot tell the users of "
          + "connections to " + address + " here (no /proc/net/tcp), and every user of this "
          + "machine could reach that port. Use a Unix socket (Listener.unix), Listener.tls, or "
          + "Listener.tcpInsecure to let in everyone who can reach it");
    }
    return bindTcp(address, true);
  }

  /**
   * Listens without TLS on any {@code address}, with no authentication at all: for Node {@code
   * many-level} guests that do not speak TLS, on a network where everyone who can reach the port
   * may read and write the whole database (on a loopback address: every user of this machine).
   * Logs a warning when the address is not loopback.
   *
   * @param address the address and port to bind
   * @return the listener
   * @throws LevelException {@code LEVEL_IO_ERROR}, naming {@code address} and with the {@link
   *     IOException} as its cause, if the address cannot be bound
   */
  static Listener tcpInsecure(InetSocketAddress address) {
    return bindTcp(address, false);
  }

  private static Listener bindTcp(InetSocketAddress address, boolean ownUserOnly) {
    try {
      ServerSocketChannel ch = ServerSocketChannel.open();
      try {
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        ch.bind(address);
        SocketListener l = new SocketListener(ch, null, null, ownUserOnly);
        if (address.getAddress() == null || !address.getAddress().isLoopbackAddress()) {
          Host.LOG.log(System.Logger.Level.WARNING, "listening on " + l.address()
              + " without TLS: anyone who reaches it can read and write the whole database");
        }
        return l;
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    } catch (IOException e) {
      throw cannotBind(address, e);
    }
  }

  /**
   * Listens with TLS on {@code address}, accepting only guests that present a certificate which
   * {@code context}'s trust store trusts (mutual TLS); the others are refused during the
   * handshake, before any request is read. {@link Tls#context} builds a context from PKCS12
   * stores. A Node guest connects with {@code tls.connect} and its own key and certificate.
   *
   * @param address the address and port to bind (port 0: any free port)
   * @param context this host's key and the certificates it trusts for guests
   * @return the listener
   * @throws LevelException {@code LEVEL_IO_ERROR}, naming {@code address} and with the {@link
   *     IOException} as its cause, if the address cannot be bound
   */
  static Listener tls(InetSocketAddress address, SSLContext context) {
    try {
      ServerSocket s = new ServerSocket();
      try {
        s.setReuseAddress(true);
        s.bind(address);
      } catch (IOException | RuntimeException e) {
        s.close();
        throw e;
      }
      return new TlsListener(s, context);
    } catch (IOException e) {
      throw cannotBind(address, e);
    }
  }

  private static LevelException cannotBind(InetSocketAddress address, IOException e) {
    return new LevelException(ErrorCode.LEVEL_IO_ERROR, "cannot listen on "
        + address.getHostString() + ":" + address.getPort() + ": " + e.getMessage()
        + " (is another process listening on that port, or is the address not one of this "
        + "machine's?)", e);
  }
}
