package org.level4j.net;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * Which users may connect to a Unix socket listener: the host's own user unless others are
 * named, and processes running with an allowed group, told apart by the peer credentials the
 * kernel gives for a Unix socket ({@code SO_PEERCRED}).
 * The socket file's permissions already keep other users out; this holds even when a directory's
 * or the file's permissions are changed later, or a process of another user inherits a socket.
 */
final class UnixPeers {
  private static final int OTHERS_WRITE = 0002;
  private static final int GROUP_WRITE = 0020;
  private static final int STICKY = 01000;

  private final Set<UserPrincipal> allowed;
  private final Set<Integer> uids;
  private final GroupPrincipal group; // null: no group allowed

  private UnixPeers(Set<UserPrincipal> allowed, Set<Integer> uids, GroupPrincipal group) {
    this.allowed = allowed;
    this.uids = uids;
    this.group = group;
  }

  /** The group of this name; {@code LEVEL_INVALID_ARGUMENT} if there is none. */
  static GroupPrincipal group(String name) throws IOException {
    try {
      return FileSystems.getDefault().getUserPrincipalLookupService()
          .lookupPrincipalByGroupName(name);
    } catch (UserPrincipalNotFoundException e) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "there is no group named "
          + name + " on this machine (see /etc/group)", e);
    }
  }

  /**
   * The peers of the socket at {@code socketFile}: users {@code allowedUids}, or if empty its
   * owner (this process's user); null where the platform has no user ids (Windows).
   */
  static UnixPeers of(Path socketFile, Set<Integer> allowedUids, GroupPrincipal group)
      throws IOException {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("unix")) {
      return null;
    }
    Set<Integer> uids = new TreeSet<>(allowedUids);
    if (uids.isEmpty()) {
      uids.add((Integer) Files.getAttribute(socketFile, "unix:uid"));
    }
    UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
    Set<UserPrincipal> allowed = new HashSet<>();
    for (int uid : uids) {
      allowed.add(lookup.lookupPrincipalByName(Integer.toString(uid))); // a number: that uid
    }
    return new UnixPeers(allowed, uids, group);
  }

  /**
   * The peer at the other end of {@code c}, if it is neither an allowed user nor running with
   * the allowed group; null if it is allowed.
   */
  UnixDomainPrincipal refused(SocketChannel c) throws IOException {
    if (!c.supportedOptions().contains(ExtendedSocketOptions.SO_PEERCRED)) {
      return null; // the socket file's permissions are all there is
    }
    UnixDomainPrincipal peer = c.getOption(ExtendedSocketOptions.SO_PEERCRED);
    boolean ok = allowed.contains(peer.user()) || (group != null && group.equals(peer.group()));
    return ok ? null : peer;
  }

  /**
   * Whether the peer at the other end of the Unix socket {@code c} runs as this process's user
   * (false for a TCP socket, or where the platform gives no peer credentials).
   */
  static boolean isOwnUser(SocketChannel c) {
    try {
      return c.getLocalAddress() instanceof java.net.UnixDomainSocketAddress
          && c.supportedOptions().contains(ExtendedSocketOptions.SO_PEERCRED)
          && otherUser(c) == null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The name (or number) of the user running the process at the other end of the Unix socket
   * {@code c} if that is not this process's user; null if it is, or where the platform gives no
   * peer credentials (the socket file's owner is then all there is to go by).
   *
   * @throws LevelException {@code LEVEL_CONNECTION_LOST} if the credentials cannot be read
   */
  static String otherUser(SocketChannel c) {
    try {
      if (!c.supportedOptions().contains(ExtendedSocketOptions.SO_PEERCRED)) {
        return null;
      }
      UserPrincipal own = FileSystems.getDefault().getUserPrincipalLookupService()
          .lookupPrincipalByName(Long.toString(ownUid())); // a number: that uid
      UserPrincipal peer = c.getOption(ExtendedSocketOptions.SO_PEERCRED).user();
      return own.equals(peer) ? null : peer.getName();
    } catch (IOException e) {
      throw new LevelException(ErrorCode.LEVEL_CONNECTION_LOST, "cannot tell which user the "
          + "process at the other end of a Unix socket runs as: " + e.getMessage(), e);
    }
  }

  /**
   * This process's user id, asked once: asking means a look in the user database (getpwuid),
   * about 0.1 ms. Only where there are user ids (a LinkageError elsewhere).
   */
  static long ownUid() {
    return OwnUid.UID;
  }

  private static final class OwnUid {
    static final long UID = new com.sun.security.auth.module.UnixSystem().getUid();
  }

  /** Who is allowed, for messages. */
  String describe() {
    return "the allowed user ids " + uids + (group == null ? "" : " nor runs with group "
        + group.getName());
  }

  /**
   * Refuses a socket directory that users other than its owner may write to (they could remove
   * the socket and put one of theirs in its place), unless it has the sticky bit, which keeps
   * them from removing or renaming files they do not own.
   */
  static void checkDirectory(Path dir) throws IOException {
    if (dir == null || !FileSystems.getDefault().supportedFileAttributeViews().contains("unix")) {
      return;
    }
    int mode = (Integer) Files.getAttribute(dir, "unix:mode");
    if ((mode & (OTHERS_WRITE | GROUP_WRITE)) != 0 && (mode & STICKY) == 0) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "refusing to put a socket in "
          + dir + ": other users can write that directory, so they could replace the socket"
          + " (make it writable by its owner only, e.g. chmod go-w, or choose another directory)");
    }
  }
}
