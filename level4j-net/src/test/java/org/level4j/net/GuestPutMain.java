package org.level4j.net;

import java.nio.file.Path;
import org.level4j.LevelException;

/**
 * A guest in a process of its own (UnixGroupTest runs it as another user): connects to the Unix
 * socket {@code args[0]} and puts {@code args[1]} = {@code args[2]}, then, if there is an {@code
 * args[3]}, asks the host for a checkpoint there. Prints {@code PUT} (and {@code CHECKPOINT}) and
 * exits 0, or prints {@code REFUSED <code> <message>} and exits 3.
 */
public final class GuestPutMain {
  private GuestPutMain() {}

  public static void main(String[] args) {
    try (Guest guest = Guest.connect(Connector.unix(Path.of(args[0])),
        GuestOptions.builder().openTimeout(java.time.Duration.ofSeconds(5)).build())) {
      guest.put(args[1], args[2]);
      System.out.println("PUT");
      if (args.length > 3) {
        guest.checkpoint(Path.of(args[3]));
        System.out.println("CHECKPOINT");
      }
    } catch (LevelException e) {
      System.out.println("REFUSED " + e.code() + " " + e.getMessage());
      System.exit(3);
    }
  }
}
