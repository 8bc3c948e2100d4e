package org.level4j.net;

import java.nio.file.Path;
import org.level4j.MemoryLevel;

/**
 * A host in a process of its own, for tests that stop it (SIGSTOP) or kill it: serves a new
 * in-memory database on the Unix socket {@code args[0]}, prints {@code READY}, and closes once
 * its standard input ends.
 */
public final class ServeMain {
  private ServeMain() {}

  public static void main(String[] args) throws Exception {
    try (org.level4j.Database db = MemoryLevel.open();
        Host host = Host.of(db).listen(Listener.unix(Path.of(args[0])))) {
      System.out.println("READY");
      System.out.flush();
      while (System.in.read() >= 0) {
        // until the test closes our input
      }
    }
  }
}
