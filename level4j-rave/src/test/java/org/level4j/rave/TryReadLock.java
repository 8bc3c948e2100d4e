package org.level4j.rave;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens each file given for reading only and tries a shared lock on it, printing one line per
 * file: {@code NAME LOCKED}, {@code NAME HELD} (someone holds a lock that excludes it) or {@code
 * NAME DENIED} (this user may not open it). Run as another user by {@link OwnerOnlyTest}: a shared
 * lock held on an election file would keep every level4j process from leading. Uses nothing but
 * the JDK, so that its one class file is all that user needs to read.
 */
public final class TryReadLock {
  private TryReadLock() {}

  public static void main(String[] args) throws IOException {
    for (String f : args) {
      Path p = Path.of(f);
      String name = p.getFileName().toString();
      try (FileChannel c = FileChannel.open(p, StandardOpenOption.READ);
          var lock = c.tryLock(0, Long.MAX_VALUE, true)) {
        System.out.println(name + (lock != null ? " LOCKED" : " HELD"));
      } catch (AccessDeniedException e) {
        System.out.println(name + " DENIED");
      }
    }
  }
}
