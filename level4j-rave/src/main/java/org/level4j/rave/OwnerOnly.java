package org.level4j.rave;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The directory and lock files of a RaveLevel election, kept to their owner: directories it
 * creates are {@code rwx------}, the lock files {@code LEADER}, {@code STANDBY} and RocksDB's
 * {@code LOCK} are {@code rw-------}, and a lock file this user owns that is open to others (made
 * by a version before this one, or by RocksDB under a umask of 022) is narrowed when opened.
 *
 * <p>Why: a POSIX lock needs only a file opened for reading. Another local user who can read a
 * lock file can hold a shared lock on it for as long as they like, and the election's exclusive
 * lock then never comes: no process leads the directory again, and a follower's takeover waits
 * for good. RaveLevel serves one user (its socket admits no other: README, "Who may connect"),
 * so nothing is lost by closing its files to everyone else. Data files are RocksDB's, made under the
 * process's umask: a directory level4j creates keeps them from other users; one the user made
 * keeps the mode they gave it (RocksLevel warns when that lets others read them).
 *
 * <p>Where the file system has no POSIX permissions, files and directories are made as before.
 */
final class OwnerOnly {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> FILE = EnumSet.of(PosixFilePermission.OWNER_READ,
      PosixFilePermission.OWNER_WRITE);
  /** Never through a link: one planted in place of a lock file would make us open, and narrow, any file. */
  private static final Set<OpenOption> READ_WRITE = Set.of(StandardOpenOption.CREATE,
      StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

  private OwnerOnly() {}

  /** Creates {@code dir} and any missing parent, each created one {@code rwx------}. */
  static void createDirectories(Path dir) throws IOException {
    if (POSIX) {
      Files.createDirectories(dir,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
  }

  /**
   * Opens lock file {@code file} for reading and writing, creating it {@code rw-------} if it is
   * missing, and narrows it to that if this user may and it is open to others.
   */
  static FileChannel openLockFile(Path file) throws IOException {
    if (!POSIX) {
      return FileChannel.open(file, READ_WRITE);
    }
    FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(FILE);
    FileChannel c = FileChannel.open(file, READ_WRITE, mode);
    try {
      PosixFileAttributeView view = Files.getFileAttributeView(file,
          PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      if (!FILE.containsAll(view.readAttributes().permissions())) {
        view.setPermissions(FILE);
      }
    } catch (IOException notOurs) {
      // Another user's file (only root may make one here, or a user who may write the
      // directory, which is refused for the socket anyway): left as it is.
    } catch (RuntimeException | Error e) {
      try {
        c.close(); // the caller never sees the channel, so nobody else would close it
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return c;
  }
}
