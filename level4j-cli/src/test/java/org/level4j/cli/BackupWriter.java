package org.level4j.cli;

import java.nio.file.Path;
import java.util.List;
import org.level4j.Op;
import org.level4j.rave.RaveLevel;

/**
 * A process writing to a directory through RaveLevel until its stdin closes: each batch adds the
 * key {@code k<n>} and sets {@code count} to n, so a consistent copy holds exactly the keys up to
 * its count. Prints its role, then {@code written} once 500 batches are in.
 */
final class BackupWriter {
  public static void main(String[] args) throws Exception {
    try (RaveLevel db = Target.open(Path.of(args[0]), true)) {
      System.out.println(db.isLeader() ? "leading" : "following");
      Thread stdin = new Thread(() -> {
        try {
          while (System.in.read() >= 0) {
            // until the parent closes it
          }
        } catch (java.io.IOException e) {
          // parent gone
        }
      });
      stdin.start();
      for (long n = 1; stdin.isAlive(); n++) {
        db.batch(List.of(Op.put(key(n), "v"), Op.put("count", Long.toString(n))));
        if (n == 500) {
          System.out.println("written");
        }
      }
    }
  }

  static String key(long n) {
    return String.format("k%08d", n);
  }
}
