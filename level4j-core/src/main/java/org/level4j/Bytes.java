package org.level4j;

import java.util.Arrays;
import org.level4j.spi.Engine;

/** Byte-array helpers used across the core: unsigned comparison, prefixes, printing. */
final class Bytes {
  static final byte[] EMPTY = new byte[0];

  private Bytes() {}

  /** Unsigned lexicographic comparison, the order every engine sorts keys in. */
  static int compare(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b);
  }

  static byte[] concat(byte[] a, byte[] b) {
    if (a.length == 0) {
      return b;
    }
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  /**
   * The smallest key greater than every key that starts with {@code prefix}, or {@code null} when
   * there is none (the prefix is empty or all 0xff).
   */
  static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xff) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return null;
  }

  /** Printable form for messages (see {@link Engine#show}). */
  static String show(byte[] b) {
    return Engine.show(b);
  }
}
