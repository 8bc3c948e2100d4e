package org.level4j.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import jdk.net.UnixDomainPrincipal;

/** A {@link Listener} over a bound server socket channel, Unix domain or TCP. */
final class SocketListener implements Listener {
  private final ServerSocketChannel channel;
  private final Path socketFile;
  private final Object socketFileKey;
  private final SocketAddress address;
  private final UnixPeers peers; // null for TCP, or where there are no peer credentials
  /** TCP on a loopback address: only this process's user may connect ({@link LoopbackPeers}). */
  private final boolean ownUserOnly;

  SocketListener(ServerSocketChannel channel, Path socketFile, UnixPeers peers)
      throws IOException {
    this(channel, socketFile, peers, false);
  }

  SocketListener(ServerSocketChannel channel, Path socketFile, UnixPeers peers,
      boolean ownUserOnly) throws IOException {
    this.channel = channel;
    this.peers = peers;
    this.ownUserOnly = ownUserOnly;
    this.socketFile = socketFile;
    this.socketFileKey = socketFile == null ? null : fileKey(socketFile);
    this.address = channel.getLocalAddress();
  }

  @Override
  public Connection accept() throws IOException {
    SocketChannel c = channel.accept();
    while ((peers != null && refuse(c)) || (ownUserOnly && refuseOtherUser(c))) {
      c = channel.accept();
    }
    try {
      if (socketFile == null) {
        c.setOption(StandardSocketOptions.TCP_NODELAY, true);
      }
      return SocketConnection.quiet(c, String.valueOf(address));
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Closes {@code c} if its peer is a user not allowed here, before reading anything from it. */
  private boolean refuse(SocketChannel c) throws IOException {
    UnixDomainPrincipal peer;
    try {
      peer = peers.refused(c);
    } catch (IOException | RuntimeException e) {
      Host.LOG.log(System.Logger.Level.WARNING, "refused a peer on " + address
          + ": its user could not be told (" + e + ")");
      c.close();
      return true;
    }
    if (peer == null) {
      return false;
    }
    Host.LOG.log(System.Logger.Level.WARNING, "refused a peer on " + address + ": its user "
        + peer.user().getName() + " (group " + peer.group().getName() + ") is not one of "
        + peers.describe() + " (allow it with Listener.unix(path, replaceExisting, allowedUids)"
        + " or Listener.unixForGroup)");
    c.close();
    return true;
  }

  /**
   * Closes the loopback TCP connection {@code c} unless the process at its other end runs as this
   * process's user, before reading anything from it.
   */
  private boolean refuseOtherUser(SocketChannel c) throws IOException {
    long uid;
    try {
      uid = LoopbackPeers.uidOf((InetSocketAddress) c.getRemoteAddress(),
          (InetSocketAddress) c.getLocalAddress());
    } catch (IOException | RuntimeException e) {
      Host.LOG.log(System.Logger.Level.WARNING, "refused a peer on " + address
          + ": its user could not be told (" + e + ")");
      c.close();
      return true;
    }
    if (uid == UnixPeers.ownUid()) {
      return false;
    }
    Host.LOG.log(System.Logger.Level.WARNING, "refused a peer on " + address + ": "
        + (uid < 0 ? "its socket is not in the kernel's table (it closed already)"
            : "it runs as user " + uid + ", not as this host's user " + UnixPeers.ownUid())
        + "; a plain TCP listener on a loopback address lets in only its own user (use "
        + "Listener.tls for others, or Listener.tcpInsecure to let in everyone who can reach it)");
    c.close();
    return true;
  }

  @Override
  public SocketAddress address() {
    return address;
  }

  @Override
  public void close() {
    if (!channel.isOpen()) {
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing a listening socket has nothing to report
    }
    // Remove the socket file only if it is still ours: another process may have replaced it
    // (a new leader binding after this one gave up its lock).
    if (socketFile != null && socketFileKey != null) {
      try {
        if (Objects.equals(fileKey(socketFile), socketFileKey)) {
          Files.deleteIfExists(socketFile);
        }
      } catch (IOException ignored) {
        // already gone, or not ours to remove
      }
    }
  }

  private static Object fileKey(Path p) throws IOException {
    return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
  }

  @Override
  public String toString() {
    return String.valueOf(address);
  }
}
