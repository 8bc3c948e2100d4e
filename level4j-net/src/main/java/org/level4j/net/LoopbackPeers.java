package org.level4j.net;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The user at the other end of a loopback TCP connection, as Linux's table of sockets tells it
 * ({@code /proc/net/tcp} and {@code /proc/net/tcp6}: each socket with its two ends and the user
 * id that owns it). A plain TCP port on a loopback address can be reached by every user of the
 * machine; with this, {@link Listener#tcp} lets in only the host's own user, as a Unix socket
 * does.
 */
/*
 * Why not SO_PEERCRED: the kernel gives peer credentials for Unix sockets only. The socket table
 * lists the guest's own socket (its end is the peer's address, the host's end is ours) for as long
 * as the connection is open, so the lookup made right after accept finds it.
 */
final class LoopbackPeers {
  private static final Path TCP = Path.of("/proc/net/tcp");
  private static final Path TCP6 = Path.of("/proc/net/tcp6");

  private LoopbackPeers() {}

  /** Whether this machine has the socket table (Linux). */
  static boolean available() {
    return Files.isReadable(TCP);
  }

  /**
   * The user id owning the socket whose own end is {@code peer} and whose other end is {@code
   * local}: the process that connected to us. -1 if no such socket is listed (it closed already).
   *
   * @throws IOException if the table cannot be read
   */
  static long uidOf(InetSocketAddress peer, InetSocketAddress local) throws IOException {
    long uid = find(Files.readAllLines(TCP), peer, local);
    if (uid < 0 && Files.isReadable(TCP6)) {
      uid = find(Files.readAllLines(TCP6), peer, local);
    }
    return uid;
  }

  /**
   * The uid column of the first line of a socket table whose local address is {@code own} and
   * whose remote address is {@code other}; -1 if none. Addresses are compared as IP addresses,
   * an IPv4-mapped IPv6 address as the IPv4 address it maps.
   */
  static long find(List<String> table, InetSocketAddress own, InetSocketAddress other) {
    if (own.getAddress() == null || other.getAddress() == null) {
      return -1; // unresolved: not a connection's address
    }
    InetAddress ownIp = plain(own.getAddress());
    InetAddress otherIp = plain(other.getAddress());
    for (String line : table) {
      String[] f = line.trim().split("\\s+");
      // "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid ..."
      if (f.length < 8 || !f[0].endsWith(":")) {
        continue; // the heading
      }
      try {
        if (matches(f[1], ownIp, own.getPort()) && matches(f[2], otherIp, other.getPort())) {
          return Long.parseLong(f[7]);
        }
      } catch (RuntimeException | UnknownHostException e) {
        // a line this parser does not understand cannot be the one we look for
      }
    }
    return -1;
  }

  /** Whether {@code field} ("0100007F:1F90": address, then port, in hex) is {@code ip:port}. */
  private static boolean matches(String field, InetAddress ip, int port)
      throws UnknownHostException {
    int colon = field.indexOf(':');
    if (colon < 0 || Integer.parseInt(field.substring(colon + 1), 16) != port) {
      return false;
    }
    return ip.equals(plain(address(field.substring(0, colon))));
  }

  /**
   * The address the kernel prints as hex: 8 digits (IPv4) or 32 (IPv6), each group of 8 the
   * value of one 32-bit word as this machine stores it, so little-endian machines print the
   * bytes of each word in reverse.
   */
  static InetAddress address(String hex) throws UnknownHostException {
    if (hex.length() != 8 && hex.length() != 32) {
      throw new UnknownHostException("not an address of the socket table: " + hex);
    }
    ByteBuffer bytes = ByteBuffer.allocate(hex.length() / 2).order(ByteOrder.nativeOrder());
    for (int i = 0; i < hex.length(); i += 8) {
      bytes.putInt((int) Long.parseLong(hex.substring(i, i + 8), 16));
    }
    return InetAddress.getByAddress(bytes.array());
  }

  /** {@code a}, or the IPv4 address an IPv4-mapped IPv6 address stands for. */
  private static InetAddress plain(InetAddress a) {
    if (a instanceof Inet6Address) {
      byte[] b = a.getAddress();
      boolean mapped = b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = b[i] == 0;
      }
      if (mapped) {
        try {
          return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
          throw new AssertionError(e); // four bytes are always an address
        }
      }
    }
    return a;
  }
}
