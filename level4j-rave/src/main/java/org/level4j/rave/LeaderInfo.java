package org.level4j.rave;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What a leader publishes in {@code <dir>/LEADER.info}: {@code pid=<n>} and {@code socket=<path>}
 * lines. Written (atomically, by rename) after the leader listens, so a follower that reads it can
 * connect at once.
 *
 * <p>It is a file beside the lock file, not the lock file itself, on purpose: POSIX record locks
 * belong to the process and vanish when the process closes <em>any</em> descriptor of the file,
 * so reading the lock file through a second descriptor would silently drop the leader's lock.
 */
record LeaderInfo(long pid, Path socket) {
  static final String FILE = "LEADER.info";

  /**
   * Publishes this record for {@code dir}, replacing any earlier one in one step. The file is
   * written new (never through a link left in its place: that would write wherever it points).
   */
  void write(Path dir) throws IOException {
    Path tmp = dir.resolve(FILE + ".tmp-" + ProcessHandle.current().pid());
    Files.deleteIfExists(tmp); // left by a process of the same pid, or planted: the name itself
    Files.writeString(tmp, format(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    Files.move(tmp, dir.resolve(FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** Removes the record if it is still this process's. */
  static void withdraw(Path dir) {
    LeaderInfo info = read(dir);
    if (info != null && info.pid() == ProcessHandle.current().pid()) {
      try {
        Files.deleteIfExists(dir.resolve(FILE));
      } catch (IOException ignored) {
        // a stale record names a dead pid, which readers check
      }
    }
  }

  /** Whether the process named in the record is alive. */
  boolean alive() {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
  String format() {
    return "pid=" + pid + "\nsocket=" + socket + "\n";
  }

  /**
   * The published record, or null if no leader has published one (or it is being rewritten), or
   * if another user's process wrote it (see {@link Owner}).
   */
  static LeaderInfo read(Path dir) {
    Path file = dir.resolve(FILE);
    if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Owner.isOurs(file)) {
      return null;
    }
    String text;
    try {
      text = Files.readString(dir.resolve(FILE), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      return null;
    }
    long pid = -1;
    Path socket = null;
    for (String line : text.split("\n")) {
      if (line.startsWith("pid=")) {
        try {
          pid = Long.parseLong(line.substring(4).trim());
        } catch (NumberFormatException e) {
          return null;
        }
      } else if (line.startsWith("socket=")) {
        socket = Path.of(line.substring(7).trim());
      }
    }
    return pid > 0 && socket != null ? new LeaderInfo(pid, socket) : null;
  }
}
