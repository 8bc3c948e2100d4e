package org.level4j.rave;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A process that holds a directory's election lock ({@code LEADER}) without leading it, until its
 * stdin closes: it makes the process under test a follower that has to look for its leader.
 */
public final class HoldLeaderLock {
  private HoldLeaderLock() {}

  public static void main(String[] args) throws IOException {
    try (FileChannel c = FileChannel.open(Path.of(args[0]).resolve(Seat.LOCK_FILE),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        var lock = c.lock()) {
      System.out.println("LOCKED");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold until stdin closes
      }
    }
  }
}
