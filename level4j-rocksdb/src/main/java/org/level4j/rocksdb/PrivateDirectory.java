package org.level4j.rocksdb;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * Checks that a directory can be changed only by this user (or root) before anything in it is
 * loaded into the process, and that files in it are this user's and not writable by others.
 *
 * <p>What "only this user" takes: the directory is owned by this user or root and is not writable
 * by its group or by others; and so is every directory above it, except that a directory others
 * may write to is accepted when its sticky bit is set (as on {@code /tmp}), because then nobody
 * else can rename or remove what this user made in it. Symbolic links in the path are resolved
 * first and the real directories checked. Root is trusted everywhere: it can change any file.
 *
 * <p>Reads the Unix mode through the JDK's {@code unix:} attribute view (the sticky bit has no
 * portable API); callers check {@link #supported()} first.
 */
final class PrivateDirectory {
  private static final int GROUP_OR_OTHERS_WRITE = 0022;
  private static final int STICKY = 01000;
  private static final int TYPE = 0170000;
  private static final int REGULAR = 0100000;

  private PrivateDirectory() {}

  /** True where this class can check anything (Linux, macOS): else it must not be relied on. */
  static boolean supported() {
    try {
      mode(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().getRoot());
      uid();
      return true;
    } catch (IOException | RuntimeException | LinkageError e) {
      return false;
    }
  }

  /**
   * Creates {@code dir} if it is missing (what it creates, owner-only: mode 0700), checks it, and
   * returns its real path: the path to load from, with no symbolic link left in it.
   *
   * @throws LevelException {@link ErrorCode#LEVEL_DATABASE_NOT_OPENED} if another user could
   *     change what is in it
   * @throws IOException if it cannot be created or read
   */
  static Path open(Path dir) throws IOException {
    Files.createDirectories(dir.toAbsolutePath(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path real = dir.toAbsolutePath().toRealPath(); // a directory: createDirectories made sure
    long me = uid();
    checkOwnerAndMode(real, attributes(real), me, false);
    for (Path p = real.getParent(); p != null; p = p.getParent()) {
      checkOwnerAndMode(p, attributes(p), me, true);
    }
    return real;
  }

  /**
   * True if {@code file} (in a directory {@link #open} accepted) is a regular file, not a link,
   * owned by this user or root, and not writable by its group or others. A file that is not must
   * not be loaded (the cache replaces it).
   */
  static boolean isPrivateFile(Path file) throws IOException {
    Map<String, Object> a = attributes(file);
    int mode = (int) a.get("mode");
    long owner = Integer.toUnsignedLong((int) a.get("uid"));
    return (mode & TYPE) == REGULAR && (owner == uid() || owner == 0)
        && (mode & GROUP_OR_OTHERS_WRITE) == 0;
  }

  private static void checkOwnerAndMode(Path p, Map<String, Object> a, long me, boolean above) {
    long owner = Integer.toUnsignedLong((int) a.get("uid"));
    int mode = (int) a.get("mode");
    String what = above ? "which holds the native library directory, " : "";
    if (owner != me && owner != 0) {
      throw refused(p, what + "is owned by uid " + owner + ", not by this user (uid " + me
          + ") or root");
    }
    if ((mode & GROUP_OR_OTHERS_WRITE) != 0 && !(above && (mode & STICKY) != 0)) {
      throw refused(p, what + "can be written by " + ((mode & 0002) != 0 ? "all users" : "its group")
          + " (mode " + Integer.toOctalString(mode & 07777) + ")");
    }
  }

  private static LevelException refused(Path p, String why) {
    return new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED, p + " " + why
        + ", so another user could put a library there that this process would run. RocksDB's"
        + " native library is only loaded from a directory that only you (or root) can change:"
        + " fix the owner or mode (chmod go-w), or set level4j.native.dir to such a directory,"
        + " or leave it unset to use " + NativeLibrary.DEFAULT_DESCRIPTION);
  }

  private static Map<String, Object> attributes(Path p) throws IOException {
    return Files.readAttributes(p, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
  }

  private static int mode(Path p) throws IOException {
    return (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
  }

  private static long uid() {
    return new UnixSystem().getUid();
  }
}
