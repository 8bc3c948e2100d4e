package org.level4j.rave;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a leader listens: {@code <dir>/rave-level.sock}, the path Node's rave-level uses, so a
 * Node follower can join a level4j leader. Unix socket paths are limited to 106 usable bytes; a
 * deeper directory gets a short path in the temporary directory, named after a hash of the
 * directory, and published in the LEADER record (Node followers cannot join such a leader).
 */
final class SocketPath {
  static final String NAME = "rave-level.sock";
  static final int MAX_BYTES = 106;

  private SocketPath() {}

  static Path of(Path dir) {
    Path own = dir.toAbsolutePath().normalize().resolve(NAME);
    if (own.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
      return own;
    }
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    return tmp.resolve("level4j-" + hash(own.toString()) + ".sock");
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
