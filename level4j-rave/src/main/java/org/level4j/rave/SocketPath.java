package org.level4j.rave;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * Where a leader listens: {@code <dir>/rave-level.sock}, the path Node's rave-level uses, so a
 * Node follower can join a level4j leader. Unix socket paths are limited to 106 usable bytes; a
 * deeper directory gets a short path named after a hash of the directory, in this user's own
 * directory of the temporary directory ({@code level4j-<uid>}, {@code rwx------}), and published
 * in the LEADER record (Node followers cannot join such a leader).
 */
/*
 * Why a directory of the user's own, not the temporary directory itself: a name there can be
 * taken by any user first (a file of theirs that this user may not remove, in a sticky /tmp), and
 * every later leader of that database would fail to listen. Nobody else can put anything in a
 * directory that only this user may write; one that someone else made first, or made open to
 * others, is refused with a message that says so.
 */
final class SocketPath {
  static final String NAME = "rave-level.sock";
  static final int MAX_BYTES = 106;

  private SocketPath() {}

  static Path of(Path dir) {
    return of(dir, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** The same, with {@code tmp} for the temporary directory (tests). */
  static Path of(Path dir, Path tmp) {
    Path own = dir.toAbsolutePath().normalize().resolve(NAME);
    if (own.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
      return own;
    }
    return privateDirectory(tmp).resolve(hash(own.toString()) + ".sock");
  }

  /**
   * {@code tmp/level4j-<uid>}, made {@code rwx------} if missing; an existing one must be a
   * directory (not a link) of this user's, that no one else may enter or write.
   *
   * @throws LevelException {@code LEVEL_IO_ERROR} if it cannot be made, or is not such a directory
   */
  static Path privateDirectory(Path tmp) {
    int uid = Owner.uid();
    if (uid < 0) {
      return tmp; // no user ids here
    }
    Path d = tmp.toAbsolutePath().resolve("level4j-" + uid);
    try {
      try {
        Files.createDirectory(d,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException e) {
        // ours from before, or someone else's: looked at below
      }
      PosixFileAttributes a = Files.readAttributes(d, PosixFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      int owner = (Integer) Files.getAttribute(d, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      String mode = PosixFilePermissions.toString(a.permissions());
      if (!a.isDirectory() || owner != uid || !mode.endsWith("------")) {
        throw new LevelException(ErrorCode.LEVEL_IO_ERROR, "cannot put this database's socket "
            + "in " + d + ": it should be a directory of user " + uid + " that only they may "
            + "enter, and it is " + (a.isDirectory() ? "a directory" : "not a directory")
            + " of user " + owner + " with mode " + mode + ". The socket goes there because the "
            + "database's own path is too long for a socket (over " + MAX_BYTES + " bytes): "
            + "remove " + d + " if it is not yours to keep, or give the database a shorter path");
      }
      return d;
    } catch (IOException e) {
      throw new LevelException(ErrorCode.LEVEL_IO_ERROR, "cannot make the directory " + d
          + " for this database's socket (its own path is too long for a socket): " + e, e);
    }
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always present", e);
    }
  }
}
