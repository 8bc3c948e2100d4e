package org.level4j.rave;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What a leader publishes in {@code <dir>/LEADER}: {@code pid=<n>} and {@code socket=<path>} lines.
 * Written after the leader listens, so a follower that reads it can connect at once.
 */
record LeaderInfo(long pid, Path socket) {
  String format() {
    return "pid=" + pid + "\nsocket=" + socket + "\n";
  }

  /** The published record, or null if no leader has published one (or it is being rewritten). */
  static LeaderInfo read(Path dir) {
    String text;
    try {
      text = Files.readString(dir.resolve(Seat.LOCK_FILE), StandardCharsets.UTF_8);
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
