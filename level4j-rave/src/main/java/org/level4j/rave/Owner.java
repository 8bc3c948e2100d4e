package org.level4j.rave;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Whether a file in a shared directory was made by this process's user. A follower only trusts
 * a {@code LEADER.info} and connects only to a socket of its own user: another local user who can
 * write to the directory (or who planted the socket where a long path's socket goes) must not be
 * able to pose as the leader and receive this process's reads and writes.
 */
final class Owner {
  private static final System.Logger LOG = System.getLogger("org.level4j.rave");
  /** This process's user id; -1 where the platform has no user ids (no check is possible). */
  private static final int SELF = selfUid();
  /** Files already warned about: a follower looks again every few milliseconds while it waits. */
  private static final java.util.Set<Path> WARNED =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private Owner() {}

  /** This process's user id, or -1 where the platform has no user ids. */
  static int uid() {
    return SELF;
  }

  /** True if {@code file} belongs to this process's user (or user ids do not exist here). */
  static boolean isOurs(Path file) {
    if (SELF < 0) {
      return true;
    }
    try {
      int uid = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      if (uid == SELF) {
        return true;
      }
      if (WARNED.add(file)) {
        LOG.log(System.Logger.Level.WARNING, file + " belongs to user " + uid + ", not to this "
            + "process's user " + SELF + "; ignoring it (another user may be posing as the "
            + "leader)");
      }
      return false;
    } catch (IOException | RuntimeException e) {
      return false; // gone, or unreadable: not something to trust either way
    }
  }

  /**
   * This process's user id, from the user database (getpwuid) as the JDK reads it; -1 only where
   * the platform has no user ids at all. Not from a probe file: one that cannot be made (a full or
   * read-only temporary directory) must not turn the check off.
   */
  private static int selfUid() {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("unix")) {
      return -1;
    }
    return (int) new com.sun.security.auth.module.UnixSystem().getUid();
  }
}
