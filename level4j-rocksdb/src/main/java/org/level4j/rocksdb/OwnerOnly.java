package org.level4j.rocksdb;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A database directory kept to its owner, as RaveLevel keeps its own: the directories {@link
 * RocksLevel} creates are {@code rwx------}, and RocksDB's {@code LOCK} is {@code rw-------}, made
 * so if missing and narrowed if this user owns it and it is open to others. A directory the user
 * made keeps the mode they gave it, and so the data files in it, which RocksDB makes under the
 * process's umask.
 *
 * <p>Why: RocksDB locks {@code LOCK} with a POSIX lock, and such a lock needs only a file opened for
 * reading. Another local user who can read {@code LOCK} can hold a shared lock on it for as long
 * as they like, and no process opens the database again; in a directory open to others, they can
 * read every file of the database too.
 *
 * <p>{@code LOCK} is never opened here when it exists: closing any descriptor of a file ends every
 * POSIX lock this process holds on it, such as a RaveLevel's, taken before RocksDB opens. Where the
 * file system has no POSIX permissions, nothing changes.
 *
 * <p>A directory the user made that lets other users read the database's files gets a warning
 * once it is open ({@link #warnIfOthersCanRead}): RocksDB's Java API cannot make its files
 * owner-only, and a umask of 022 leaves them readable by all.
 */
final class OwnerOnly {
  static final String LOCK = "LOCK";
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> FILE =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private static final System.Logger LOG = System.getLogger("org.level4j.rocksdb");
  /** The directories warned about in this process: at most {@link #WARN_AT_MOST}. */
  private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();
  private static final int WARN_AT_MOST = 1000;

  private OwnerOnly() {}

  /**
   * Logs a warning, once per directory in a process, if other users can read the files of the
   * open database in {@code dir}: the directory lets them in (its group or others may search it)
   * and RocksDB's files are readable by them (judged by {@code CURRENT}, which RocksDB makes as it
   * makes the others, under the process's umask). Returns whether it found them readable.
   */
  static boolean warnIfOthersCanRead(Path dir) {
    if (!POSIX) {
      return false;
    }
    Set<PosixFilePermission> d;
    Set<PosixFilePermission> f;
    try {
      d = Files.getPosixFilePermissions(dir);
      f = Files.getPosixFilePermissions(dir.resolve("CURRENT"), LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
    boolean readable =
        d.contains(PosixFilePermission.OTHERS_EXECUTE) && f.contains(PosixFilePermission.OTHERS_READ)
        || d.contains(PosixFilePermission.GROUP_EXECUTE) && f.contains(PosixFilePermission.GROUP_READ);
    if (readable && WARNED.size() < WARN_AT_MOST && WARNED.add(dir.toAbsolutePath())) {
      LOG.log(System.Logger.Level.WARNING, "other users can read the database in " + dir
          + ": the directory is " + PosixFilePermissions.toString(d) + " and RocksDB makes its "
          + "files under this process's umask (CURRENT is " + PosixFilePermissions.toString(f)
          + "). To keep them to their owner, run chmod 700 on the directory (level4j makes the "
          + "directories it creates so) or give the process a umask of 077.");
    }
    return readable;
  }

  /** Creates {@code dir} and any missing parent, each one created {@code rwx------}. */
  static void createDirectories(Path dir) throws IOException {
    if (POSIX) {
      Files.createDirectories(dir,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
  }

  /** Makes {@code dir}'s LOCK {@code rw-------}, or narrows it to that if this user may. */
  static void lockFile(Path dir) throws IOException {
    if (!POSIX || !Files.isDirectory(dir)) {
      return;
    }
    Path lock = dir.resolve(LOCK);
    try {
      Files.createFile(lock, PosixFilePermissions.asFileAttribute(FILE));
      return;
    } catch (FileAlreadyExistsException exists) {
      // narrowed below, by its path
    }
    if (Files.isSymbolicLink(lock)) {
      return; // RocksDB will refuse or follow it; not ours to change
    }
    if (!FILE.containsAll(Files.getPosixFilePermissions(lock, LinkOption.NOFOLLOW_LINKS))) {
      try {
        Files.setPosixFilePermissions(lock, FILE);
      } catch (IOException notOurs) {
        // Another user's file (root's, or one who may write the directory): left as it is.
      }
    }
  }
}
