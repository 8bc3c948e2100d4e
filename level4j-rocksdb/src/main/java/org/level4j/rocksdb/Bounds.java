package org.level4j.rocksdb;

import java.util.Arrays;
import org.level4j.Range;

/**
 * A range's bounds in RocksDB's terms: an inclusive lower and an exclusive upper key. In unsigned
 * byte order the smallest key above {@code k} is {@code k} followed by a zero byte, so {@code gt k}
 * becomes {@code gte k+0x00} and {@code lte k} becomes {@code lt k+0x00}, exactly.
 */
final class Bounds {
  /** Inclusive lower bound, or null for none. */
  final byte[] lower;
  /** Exclusive upper bound, or null for none. */
  final byte[] upper;
  /** True when no key can lie between the bounds. */
  final boolean empty;

  private Bounds(byte[] lower, byte[] upper) {
    this.lower = lower;
    this.upper = upper;
    this.empty = upper != null
        && Arrays.compareUnsigned(lower == null ? new byte[0] : lower, upper) >= 0;
  }

  static Bounds of(Range<byte[]> range) {
    byte[] lo = range.lower();
    if (lo != null && !range.lowerInclusive()) {
      lo = Arrays.copyOf(lo, lo.length + 1);
    }
    byte[] hi = range.upper();
    if (hi != null && range.upperInclusive()) {
      hi = Arrays.copyOf(hi, hi.length + 1);
    }
    return new Bounds(lo, hi);
  }
}
