package org.level4j.rave;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.function.LongPredicate;

/**
 * Which process holds a POSIX lock on a file, as the kernel reports it in {@code /proc/locks}
 * (Linux): the tests' way to see the line of followers from outside.
 */
final class FileLocks {
  private FileLocks() {}

  /** The pid of the process holding a lock on {@code file} now, if any. */
  static OptionalLong holder(Path file) throws IOException {
    if (!Files.exists(file)) {
      return OptionalLong.empty();
    }
    long inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
    for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
      // "1: POSIX  ADVISORY  WRITE 1234 fe:00:5678 0 EOF"; a waiter's line has "->" after "1:".
      String[] f = line.trim().split("\\s+");
      if (f.length < 6 || f[1].equals("->") || !f[1].equals("POSIX")) {
        continue;
      }
      String id = f[5];
      if (Long.parseLong(id.substring(id.lastIndexOf(':') + 1)) == inode) {
        return OptionalLong.of(Long.parseLong(f[4]));
      }
    }
    return OptionalLong.empty();
  }

  /**
   * Waits (60 s at most) until a process that {@code wanted} holds a lock on {@code file};
   * returns the holder then, or at the end of the wait (-1 if none).
   */
  static long awaitHolder(Path file, LongPredicate wanted)
      throws IOException, InterruptedException {
    long end = System.nanoTime() + 60_000_000_000L;
    while (true) {
      long pid = holder(file).orElse(-1);
      if (wanted.test(pid) || System.nanoTime() > end) {
        return pid;
      }
      Thread.sleep(5);
    }
  }
}
