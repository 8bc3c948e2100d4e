package org.level4j.rave;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A process that holds a lock on one file of a directory until its stdin closes: the election's
 * {@code LEADER} (the process under test then follows a leader it has to look for) or RocksDB's
 * {@code LOCK} (a process outside the election holding the directory). Arguments: the file, and
 * {@code try} to only try: print {@code LOCKED} or {@code HELD} (another process has it) and exit.
 */
public final class HoldLock {
  private HoldLock() {}

  public static void main(String[] args) throws IOException {
    if (args.length > 1 && args[1].equals("try")) {
      try (FileChannel c = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
          var lock = c.tryLock()) {
        System.out.println(lock != null ? "LOCKED" : "HELD");
      }
      return;
    }
    try (FileChannel c = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
        var lock = c.lock()) {
      System.out.println("LOCKED");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold until stdin closes
      }
    }
  }
}
