package org.level4j.etcd;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Range;

/**
 * Where one namespace's keys live in etcd's flat key space.
 *
 * <pre>
 *   namespace 0x00 key                         the database's entries
 *   namespace 0x01 len(client) client seq(8)   request records (exactly-once writes)
 * </pre>
 *
 * <p>The namespace may not contain bytes below 0x20, so neither separator can occur in it and no
 * namespace's keys fall inside another's: "app" and "app/x" hold disjoint ranges whatever their
 * keys are (with a printable separator, "app" + "/x/k" would be "app/x" + "/k").
 */
final class Keyspace {
  private static final byte DATA = 0x00;
  private static final byte RECORDS = 0x01;

  final String namespace;
  private final byte[] ns;
  /** First key of the data space, and the first key after it. */
  final byte[] dataStart;
  final byte[] dataEnd;

  Keyspace(String namespace) {
    if (namespace == null || namespace.isEmpty()) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "an etcd namespace must be a non-empty string, as \"myapp\"");
    }
    for (int i = 0; i < namespace.length(); i++) {
      if (namespace.charAt(i) < 0x20) {
        throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "the etcd namespace "
            + "may not contain control characters (below U+0020); got " + show(namespace));
      }
    }
    this.namespace = namespace;
    this.ns = namespace.getBytes(StandardCharsets.UTF_8);
    this.dataStart = with(ns, DATA);
    this.dataEnd = with(ns, RECORDS);
  }

  /** The etcd key of the database key {@code key}. */
  byte[] data(byte[] key) {
    byte[] k = Arrays.copyOf(dataStart, dataStart.length + key.length);
    System.arraycopy(key, 0, k, dataStart.length, key.length);
    return k;
  }

  ByteSequence dataKey(byte[] key) {
    return ByteSequence.from(data(key));
  }

  /** The database key of an etcd key of the data space. */
  byte[] user(byte[] etcdKey) {
    return Arrays.copyOfRange(etcdKey, dataStart.length, etcdKey.length);
  }

  boolean isData(byte[] etcdKey) {
    return etcdKey.length >= dataStart.length
        && Arrays.equals(etcdKey, 0, dataStart.length, dataStart, 0, dataStart.length);
  }

  /** The record of a request: its client, then its number, so one client's are contiguous. */
  byte[] record(byte[] client, long seq) {
    byte[] k = Arrays.copyOf(ns, ns.length + 2 + client.length + 8);
    int at = ns.length;
    k[at++] = RECORDS;
    k[at++] = (byte) client.length;
    System.arraycopy(client, 0, k, at, client.length);
    at += client.length;
    for (int i = 7; i >= 0; i--) {
      k[at + i] = (byte) seq;
      seq >>>= 8;
    }
    return k;
  }

  /**
   * The half-open etcd interval [start, end) that {@code range} covers in the data space, or null
   * if it is empty. Direction and limit are the caller's business.
   */
  byte[][] interval(Range<byte[]> range) {
    byte[] start = dataStart;
    byte[] end = dataEnd;
    if (range.lower() != null) {
      start = range.lowerInclusive() ? data(range.lower()) : successor(data(range.lower()));
    }
    if (range.upper() != null) {
      end = range.upperInclusive() ? successor(data(range.upper())) : data(range.upper());
    }
    return Arrays.compareUnsigned(start, end) >= 0 ? null : new byte[][] {start, end};
  }

  /** The smallest key greater than {@code key}: {@code key} followed by a zero byte. */
  static byte[] successor(byte[] key) {
    return Arrays.copyOf(key, key.length + 1);
  }

  private static byte[] with(byte[] a, byte b) {
    byte[] r = Arrays.copyOf(a, a.length + 1);
    r[a.length] = b;
    return r;
  }

  /** A key for messages: printable ASCII as is, other bytes as \xNN, at most 64 bytes. */
  static String show(byte[] key) {
    StringBuilder s = new StringBuilder("\"");
    for (int i = 0; i < Math.min(key.length, 64); i++) {
      int c = key[i] & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        s.append((char) c);
      } else {
        s.append(String.format("\\x%02x", c));
      }
    }
    if (key.length > 64) {
      s.append("...(").append(key.length).append(" bytes)");
    }
    return s.append('"').toString();
  }

  private static String show(String s) {
    return show(s.getBytes(StandardCharsets.UTF_8));
  }
}
