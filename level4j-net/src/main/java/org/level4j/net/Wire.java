package org.level4j.net;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.Range;

/**
 * Everything that is on the wire, in one place: framing, tags, messages and their protobuf
 * encoding. The protocol is npm many-level's (1.0.1 and 2.0.0 speak the same one), so Node
 * guests and hosts talk to level4j's and back.
 *
 * <h2>Framing</h2>
 * Every frame is {@code varint(length) ‖ tag ‖ body}: {@code length} counts the tag byte and the
 * body, and is an unsigned LEB128 varint. A frame longer than the receiver's limit (64 MiB by
 * default) ends the connection; an empty frame is skipped, as Node does.
 *
 * <h2>Tags</h2>
 * <pre>
 *   guest → host                          host → guest
 *   0 Get         5 Clear                 0 Callback
 *   1 Put         6 GetMany               1 IteratorData
 *   2 Delete      7 IteratorClose         2 GetManyCallback
 *   3 Batch       8 IteratorAck           3 IteratorError
 *   4 Iterator    9 IteratorSeek          4 IteratorEnd
 * </pre>
 * Tags from {@link #FIRST_EXTENSION_TAG} up are level4j's own extensions (a Node peer ignores
 * them, and so does a level4j peer that does not know one):
 * <pre>
 *   guest → host                          host → guest
 *   32 Write                              32 Hello
 *   33 Snapshot
 *   34 SnapshotRelease
 * </pre>
 * A level4j host sends Hello first thing on every connection, saying which extensions it
 * serves. A guest learns whether its host is a level4j one by asking something (a GetMany of no
 * keys): a Hello, if any, arrives before the answer. Only then does it send Write, a batch that
 * may carry preconditions and a request id ({@link org.level4j.RequestId}); Write is answered
 * with a Callback whose value is one byte: 1 if applied now, 0 if its request was applied before.
 *
 * <p>Explicit snapshots (feature 4): Snapshot asks the host to take a snapshot under a number the
 * guest chooses, answered with a Callback (an error, say {@code LEVEL_LIMIT_EXCEEDED}, or none);
 * SnapshotRelease, unanswered, lets it go. Get, GetMany and Iterator then name it in their field
 * 14, which only such a host is sent (a Node host would skip the field and read the latest data).
 * A snapshot lives as long as its connection: the host releases a connection's snapshots when it
 * goes away, and a guest never names a snapshot of an earlier connection on a new one.
 *
 * <h2>Messages (proto2; field number, type; * = required)</h2>
 * <pre>
 *   Get             1 id*, 2 key*, 14 snapshot‡
 *   Put             1 id*, 2 key*, 3 value
 *   Delete          1 id*, 2 key*
 *   Batch           1 id*, 2 repeated Operation ops
 *     Operation     1 type* ("put" | "del"), 2 key*, 3 value
 *   Clear           1 id*, 2 Options options
 *   GetMany         1 id*, 2 repeated bytes keys, 14 snapshot‡
 *   Iterator        1 id*, 2 seq*, 3 Options options*, 4 consumed* (uint64), 5 bookmark, 6 seek,
 *                   14 snapshot‡
 *   IteratorClose   1 id*
 *   IteratorAck     1 id*, 2 seq*, 3 consumed* (uint64)
 *   IteratorSeek    1 id*, 2 seq*, 3 target*
 *   Options         1 keys, 2 values (bool), 3 gt, 4 gte, 5 lt, 6 lte, 7 limit (sint32, -1 = none),
 *                   8 reverse (bool)          (Clear's options use fields 3..8 only)
 *
 *   Callback        1 id*, 2 error (code), 3 value (absent = not found), 15 reason†
 *   IteratorData    1 id*, 2 seq*, 3 repeated bytes data   (flat: k, v, k, v… or keys or values)
 *   GetManyCallback 1 id*, 2 error, 3 repeated Value values, 15 reason†
 *     Value         1 value (absent = not found)
 *   IteratorError   1 id*, 2 seq*, 3 error*, 15 reason†
 *   IteratorEnd     1 id*, 2 seq*
 *
 *   Write (32)      1 id*, 2 repeated Operation ops, 3 client, 4 seq (uint64),
 *                   5 settledBelow (uint64), 6 sync (bool)
 *     Operation     as Batch's, plus type "expect": field 3 absent means "expect absent"
 *   Hello (32)      1 version* (1), 2 features (uint: 1 = preconditions, 2 = request ids,
 *                   4 = snapshots)
 *   Snapshot (33)   1 id*, 2 snapshot*
 *   SnapshotRelease (34)  1 snapshot*
 * </pre>
 * ‡ field 14 (uint32, 0 or absent = none) is a level4j extension: the snapshot to read from.
 * A get of a missing key is answered with the error {@code LEVEL_NOT_FOUND} and no value: a
 * many-level 1.x guest (abstract-level 1) expects exactly that, and Node hosts send it. A guest
 * reads either that or a Callback without value and error as "not found".
 *
 * <p>Ids are uint32, per connection, one space for requests and another for iterators, starting at
 * 1 and wrapping from 0xffffffff to 1. Errors travel as a {@code LEVEL_…} code only (a Node guest
 * compares codes); † field 15 is a level4j extension carrying the human-readable reason, which
 * Node's decoder skips as an unknown field.
 */
final class Wire {
  private Wire() {}

  // ---- tags ----------------------------------------------------------------------------------

  static final int GET = 0;
  static final int PUT = 1;
  static final int DELETE = 2;
  static final int BATCH = 3;
  static final int ITERATOR = 4;
  static final int CLEAR = 5;
  static final int GET_MANY = 6;
  static final int ITERATOR_CLOSE = 7;
  static final int ITERATOR_ACK = 8;
  static final int ITERATOR_SEEK = 9;

  static final int CALLBACK = 0;
  static final int ITERATOR_DATA = 1;
  static final int GET_MANY_CALLBACK = 2;
  static final int ITERATOR_ERROR = 3;
  static final int ITERATOR_END = 4;

  /** Tags from here up (both directions) are level4j extensions; tags 10..31 stay unused. */
  static final int FIRST_EXTENSION_TAG = 32;
  /** Guest → host: a batch with preconditions and/or a request id. */
  static final int WRITE = 32;
  /** Host → guest: the extensions this host serves, sent when a connection opens. */
  static final int HELLO = 32;
  /** Guest → host: take a snapshot, under the number the guest gives it. */
  static final int SNAPSHOT = 33;
  /** Guest → host: release a snapshot; not answered. */
  static final int SNAPSHOT_RELEASE = 34;

  static final int VERSION = 1;
  /** A Write's Callback value: applied now, or (its request id) applied before. */
  static final byte[] APPLIED = {1};
  static final byte[] APPLIED_BEFORE = {0};
  /** Hello's feature bits. */
  static final int FEATURE_PRECONDITIONS = 1;
  static final int FEATURE_REQUEST_IDS = 2;
  static final int FEATURE_SNAPSHOTS = 4;
  /** The extension field of Get, GetMany and Iterator naming the snapshot to read from. */
  private static final int SNAPSHOT_FIELD = 14;

  /** The extension field carrying an error's human-readable reason. */
  private static final int REASON_FIELD = 15;

  static final int DEFAULT_MAX_FRAME_BYTES = 64 << 20;

  private static final byte[] NOT_FOUND = "LEVEL_NOT_FOUND".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PUT_TYPE = "put".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DEL_TYPE = "del".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EXPECT_TYPE = "expect".getBytes(StandardCharsets.US_ASCII);

  // protobuf wire types
  private static final int VARINT = 0;
  private static final int I64 = 1;
  private static final int LEN = 2;
  private static final int I32 = 5;

  // ---- guest → host: encoding ----------------------------------------------------------------

  static void get(Out o, int id, byte[] key) {
    get(o, id, key, 0);
  }

  /** A get from snapshot {@code snapshot} (0: the latest data). */
  static void get(Out o, int id, byte[] key, int snapshot) {
    int f = o.begin(GET);
    o.uint(1, id);
    o.bytes(2, key);
    snapshotField(o, snapshot);
    o.end(f);
  }

  private static void snapshotField(Out o, int snapshot) {
    if (snapshot != 0) {
      o.uint(SNAPSHOT_FIELD, snapshot);
    }
  }

  static void snapshot(Out o, int id, int snapshot) {
    int f = o.begin(SNAPSHOT);
    o.uint(1, id);
    o.uint(2, snapshot);
    o.end(f);
  }

  static void snapshotRelease(Out o, int snapshot) {
    int f = o.begin(SNAPSHOT_RELEASE);
    o.uint(1, snapshot);
    o.end(f);
  }

  static void put(Out o, int id, byte[] key, byte[] value) {
    int f = o.begin(PUT);
    o.uint(1, id);
    o.bytes(2, key);
    o.bytes(3, value);
    o.end(f);
  }

  static void delete(Out o, int id, byte[] key) {
    int f = o.begin(DELETE);
    o.uint(1, id);
    o.bytes(2, key);
    o.end(f);
  }

  /** A batch of puts and dels; other operation types must have been refused before. */
  static void batch(Out o, int id, List<Op<byte[], byte[]>> ops) {
    int f = o.begin(BATCH);
    o.uint(1, id);
    for (Op<byte[], byte[]> op : ops) {
      int n = o.beginNested(2);
      o.bytes(1, op.type() == Op.Type.PUT ? PUT_TYPE : DEL_TYPE);
      o.bytes(2, op.key());
      if (op.type() == Op.Type.PUT) {
        o.bytes(3, op.value());
      }
      o.endNested(n);
    }
    o.end(f);
  }

  /** The level4j Write extension: any operations, and a request id if not null. */
  static void write(Out o, int id, List<Op<byte[], byte[]>> ops, org.level4j.RequestId request,
      boolean sync) {
    int f = o.begin(WRITE);
    o.uint(1, id);
    for (Op<byte[], byte[]> op : ops) {
      int n = o.beginNested(2);
      o.bytes(1, op.type() == Op.Type.PUT ? PUT_TYPE
          : op.type() == Op.Type.DEL ? DEL_TYPE : EXPECT_TYPE);
      o.bytes(2, op.key());
      if (op.type() != Op.Type.DEL && op.value() != null) {
        o.bytes(3, op.value());
      }
      o.endNested(n);
    }
    if (request != null) {
      o.bytes(3, request.client());
      o.varintField(4, request.seq());
      o.varintField(5, request.settledBelow());
    }
    o.bool(6, sync);
    o.end(f);
  }

  static void clear(Out o, int id, Range<byte[]> range) {
    int f = o.begin(CLEAR);
    o.uint(1, id);
    int n = o.beginNested(2);
    rangeFields(o, range);
    o.endNested(n);
    o.end(f);
  }

  static void getMany(Out o, int id, List<byte[]> keys) {
    getMany(o, id, keys, 0);
  }

  static void getMany(Out o, int id, List<byte[]> keys, int snapshot) {
    int f = o.begin(GET_MANY);
    o.uint(1, id);
    for (byte[] k : keys) {
      o.bytes(2, k);
    }
    snapshotField(o, snapshot);
    o.end(f);
  }

  static void iterator(Out o, int id, int seq, Range<byte[]> range, boolean keys, boolean values,
      long consumed, byte[] bookmark, byte[] seek) {
    iterator(o, id, seq, range, keys, values, consumed, bookmark, seek, 0);
  }

  static void iterator(Out o, int id, int seq, Range<byte[]> range, boolean keys, boolean values,
      long consumed, byte[] bookmark, byte[] seek, int snapshot) {
    int f = o.begin(ITERATOR);
    o.uint(1, id);
    o.uint(2, seq);
    int n = o.beginNested(3);
    o.bool(1, keys);
    o.bool(2, values);
    rangeFields(o, range);
    o.endNested(n);
    o.varintField(4, consumed);
    o.bytes(5, bookmark);
    o.bytes(6, seek);
    snapshotField(o, snapshot);
    o.end(f);
  }

  static void iteratorClose(Out o, int id) {
    int f = o.begin(ITERATOR_CLOSE);
    o.uint(1, id);
    o.end(f);
  }

  static void iteratorAck(Out o, int id, int seq, long consumed) {
    int f = o.begin(ITERATOR_ACK);
    o.uint(1, id);
    o.uint(2, seq);
    o.varintField(3, consumed);
    o.end(f);
  }

  static void iteratorSeek(Out o, int id, int seq, byte[] target) {
    int f = o.begin(ITERATOR_SEEK);
    o.uint(1, id);
    o.uint(2, seq);
    o.bytes(3, target);
    o.end(f);
  }

  /** Fields 3..8 of Options: bounds, limit and direction. */
  private static void rangeFields(Out o, Range<byte[]> r) {
    if (r.lower() != null) {
      o.bytes(r.lowerInclusive() ? 4 : 3, r.lower());
    }
    if (r.upper() != null) {
      o.bytes(r.upperInclusive() ? 6 : 5, r.upper());
    }
    o.varintField(7, zigzag(r.limit()));
    o.bool(8, r.isReverse());
  }

  // ---- host → guest: encoding ----------------------------------------------------------------

  static void callback(Out o, int id, LevelException error, byte[] value) {
    int f = o.begin(CALLBACK);
    o.uint(1, id);
    if (error != null) {
      o.string(2, error.code().name());
      o.string(REASON_FIELD, error.reason());
    }
    o.bytes(3, value);
    o.end(f);
  }

  /** The answer to a get of a missing key. */
  static void notFound(Out o, int id) {
    int f = o.begin(CALLBACK);
    o.uint(1, id);
    o.bytes(2, NOT_FOUND);
    o.end(f);
  }

  static void getManyCallback(Out o, int id, LevelException error, List<byte[]> values) {
    int f = o.begin(GET_MANY_CALLBACK);
    o.uint(1, id);
    if (error != null) {
      o.string(2, error.code().name());
      o.string(REASON_FIELD, error.reason());
    } else {
      for (byte[] v : values) {
        int n = o.beginNested(3);
        o.bytes(1, v);
        o.endNested(n);
      }
    }
    o.end(f);
  }

  static void iteratorData(Out o, int id, int seq, List<byte[]> data) {
    int f = o.begin(ITERATOR_DATA);
    o.uint(1, id);
    o.uint(2, seq);
    for (byte[] d : data) {
      o.bytes(3, d);
    }
    o.end(f);
  }

  static void iteratorError(Out o, int id, int seq, LevelException error) {
    int f = o.begin(ITERATOR_ERROR);
    o.uint(1, id);
    o.uint(2, seq);
    o.string(3, error.code().name());
    o.string(REASON_FIELD, error.reason());
    o.end(f);
  }

  static void iteratorEnd(Out o, int id, int seq) {
    int f = o.begin(ITERATOR_END);
    o.uint(1, id);
    o.uint(2, seq);
    o.end(f);
  }

  static void hello(Out o, int features) {
    int f = o.begin(HELLO);
    o.uint(1, VERSION);
    o.uint(2, features);
    o.end(f);
  }

  // ---- messages, as decoded ------------------------------------------------------------------

  /** A guest's request that the host answers once, by its id (not an iterator's message). */
  sealed interface Request permits Get, Put, Delete, Batch, Clear, Write, GetMany, TakeSnapshot {
    int id();
  }

  /** {@code snapshot} 0: the latest data (as in GetMany and Iterator). */
  record Get(int id, byte[] key, int snapshot) implements Request {}

  /** {@code value} is null when the guest sent none (the host refuses that put). */
  record Put(int id, byte[] key, byte[] value) implements Request {}

  record Delete(int id, byte[] key) implements Request {}

  /** {@code problem} names the first operation that is neither a put with a value nor a del. */
  record Batch(int id, List<Op<byte[], byte[]>> ops, String problem) implements Request {}

  record Clear(int id, Range<byte[]> range) implements Request {}

  /** {@code request} is null if none was sent; {@code problem} as in {@link Batch}. */
  record Write(int id, List<Op<byte[], byte[]>> ops, org.level4j.RequestId request, boolean sync,
      String problem) implements Request {}

  record Hello(int version, int features) {}

  record GetMany(int id, List<byte[]> keys, int snapshot) implements Request {}

  record Iterator(int id, int seq, Range<byte[]> range, boolean keys, boolean values,
      long consumed, byte[] bookmark, byte[] seek, int snapshot) {}

  /** The Snapshot extension: take one, numbered {@code snapshot} on this connection. */
  record TakeSnapshot(int id, int snapshot) implements Request {}

  record ReleaseSnapshot(int snapshot) {}

  record IteratorClose(int id) {}

  record IteratorAck(int id, int seq, long consumed) {}

  record IteratorSeek(int id, int seq, byte[] target) {}

  /** {@code error} is null on success; {@code value} null means not found. */
  record Callback(int id, LevelException error, byte[] value) {}

  record GetManyCallback(int id, LevelException error, List<byte[]> values) {}

  record IteratorData(int id, int seq, List<byte[]> data) {}

  record IteratorError(int id, int seq, LevelException error) {}

  record IteratorEnd(int id, int seq) {}

  // ---- guest → host: decoding ----------------------------------------------------------------

  /**
   * The request in a frame, or null for a tag this side does not know (ignored, for extensions).
   *
   * @throws Malformed if the body is not a valid message of its tag
   */
  static Object decodeRequest(int tag, In in) {
    switch (tag) {
      case GET: {
        Fields m = in.fields(1 << SNAPSHOT_FIELD, 0b100, 0b110);
        return new Get(m.id, m.b2, (int) m.v14);
      }
      case PUT: {
        Fields m = in.fields(0, 0b1100, 0b110);
        return new Put(m.id, m.b2, m.b3);
      }
      case DELETE: {
        Fields m = in.fields(0, 0b100, 0b110);
        return new Delete(m.id, m.b2);
      }
      case BATCH:
        return decodeBatch(in);
      case CLEAR:
        return decodeClear(in);
      case GET_MANY:
        return decodeGetMany(in);
      case ITERATOR:
        return decodeIterator(in);
      case ITERATOR_CLOSE: {
        Fields m = in.fields(0, 0, 0b10);
        return new IteratorClose(m.id);
      }
      case ITERATOR_ACK: {
        Fields m = in.fields(0b1100, 0, 0b1110);
        return new IteratorAck(m.id, (int) m.v2, m.v3);
      }
      case ITERATOR_SEEK: {
        Fields m = in.fields(0b100, 0b1000, 0b1110);
        return new IteratorSeek(m.id, (int) m.v2, m.b3);
      }
      case WRITE:
        return decodeWrite(in);
      case SNAPSHOT: {
        Fields m = in.fields(0b100, 0, 0b110);
        if ((int) m.v2 == 0) {
          throw new Malformed("Snapshot numbers its snapshot 0");
        }
        return new TakeSnapshot(m.id, (int) m.v2);
      }
      case SNAPSHOT_RELEASE: {
        Fields m = in.fields(0, 0, 0b10);
        return new ReleaseSnapshot(m.id);
      }
      default:
        return null;
    }
  }

  private static Batch decodeBatch(In in) {
    int id = 0;
    boolean hasId = false;
    List<Op<byte[], byte[]>> ops = new ArrayList<>();
    String problem = null;
    while (in.more()) {
      int key = in.key();
      if (key == (1 << 3 | VARINT)) {
        id = (int) in.varint();
        hasId = true;
      } else if (key == (2 << 3 | LEN)) {
        String p = operation(in.nested(), ops, false);
        if (problem == null) {
          problem = p;
        }
      } else {
        in.skip(key);
      }
    }
    if (!hasId) {
      throw new Malformed("Batch lacks its id");
    }
    return new Batch(id, ops, problem);
  }

  /**
   * Reads one Operation into {@code ops}; returns why it cannot be applied (an unknown type, a
   * put without value), or null. {@code expects}: whether "expect" is allowed (Write only).
   */
  private static String operation(In op, List<Op<byte[], byte[]>> ops, boolean expects) {
    byte[] type = null;
    byte[] k = null;
    byte[] v = null;
    while (op.more()) {
      int ok = op.key();
      if (ok == (1 << 3 | LEN)) {
        type = op.bytes();
      } else if (ok == (2 << 3 | LEN)) {
        k = op.bytes();
      } else if (ok == (3 << 3 | LEN)) {
        v = op.bytes();
      } else {
        op.skip(ok);
      }
    }
    if (type == null || k == null) {
      throw new Malformed("a batch operation lacks its type or key");
    }
    if (Arrays.equals(type, PUT_TYPE) && v != null) {
      ops.add(Op.put(k, v));
    } else if (Arrays.equals(type, DEL_TYPE)) {
      ops.add(Op.del(k));
    } else if (expects && Arrays.equals(type, EXPECT_TYPE)) {
      ops.add(v == null ? Op.expectAbsent(k) : Op.expect(k, v));
    } else {
      return "batch operation " + ops.size() + " has type \""
          + new String(type, StandardCharsets.UTF_8) + "\"" + (v == null ? " and no value" : "")
          + "; only \"put\" with a value" + (expects ? ", \"del\" and \"expect\"" : " and \"del\"")
          + " are allowed";
    }
    return null;
  }

  private static Write decodeWrite(In in) {
    int id = 0;
    boolean hasId = false;
    List<Op<byte[], byte[]>> ops = new ArrayList<>();
    String problem = null;
    byte[] client = null;
    long seq = 0;
    long settledBelow = 0;
    boolean sync = false;
    while (in.more()) {
      int key = in.key();
      if (key == (1 << 3 | VARINT)) {
        id = (int) in.varint();
        hasId = true;
      } else if (key == (2 << 3 | LEN)) {
        String p = operation(in.nested(), ops, true);
        if (problem == null) {
          problem = p;
        }
      } else if (key == (3 << 3 | LEN)) {
        client = in.bytes();
      } else if (key == (4 << 3 | VARINT)) {
        seq = in.varint();
      } else if (key == (5 << 3 | VARINT)) {
        settledBelow = in.varint();
      } else if (key == (6 << 3 | VARINT)) {
        sync = in.varint() != 0;
      } else {
        in.skip(key);
      }
    }
    if (!hasId) {
      throw new Malformed("Write lacks its id");
    }
    org.level4j.RequestId request = null;
    if (client != null) {
      if (client.length == 0 || client.length > org.level4j.RequestId.MAX_CLIENT_BYTES) {
        throw new Malformed("Write's client id has " + client.length + " bytes");
      }
      request = new org.level4j.RequestId(client, seq, settledBelow);
    }
    return new Write(id, ops, request, sync, problem);
  }

  private static Clear decodeClear(In in) {
    int id = 0;
    boolean hasId = false;
    Range<byte[]> range = Range.all();
    while (in.more()) {
      int key = in.key();
      if (key == (1 << 3 | VARINT)) {
        id = (int) in.varint();
        hasId = true;
      } else if (key == (2 << 3 | LEN)) {
        range = decodeOptions(in.nested(), null);
      } else {
        in.skip(key);
      }
    }
    if (!hasId) {
      throw new Malformed("Clear lacks its id");
    }
    return new Clear(id, range);
  }

  private static GetMany decodeGetMany(In in) {
    int id = 0;
    boolean hasId = false;
    List<byte[]> keys = new ArrayList<>();
    int snapshot = 0;
    while (in.more()) {
      int key = in.key();
      if (key == (1 << 3 | VARINT)) {
        id = (int) in.varint();
        hasId = true;
      } else if (key == (2 << 3 | LEN)) {
        keys.add(in.bytes());
      } else if (key == (SNAPSHOT_FIELD << 3 | VARINT)) {
        snapshot = (int) in.varint();
      } else {
        in.skip(key);
      }
    }
    if (!hasId) {
      throw new Malformed("GetMany lacks its id");
    }
    return new GetMany(id, keys, snapshot);
  }

  private static Iterator decodeIterator(In in) {
    int id = 0;
    int seq = 0;
    long consumed = 0;
    Range<byte[]> range = null;
    boolean[] keysValues = {false, false};
    byte[] bookmark = null;
    byte[] seek = null;
    int snapshot = 0;
    int seen = 0;
    while (in.more()) {
      int key = in.key();
      switch (key) {
        case 1 << 3 | VARINT:
          id = (int) in.varint();
          seen |= 1;
          break;
        case 2 << 3 | VARINT:
          seq = (int) in.varint();
          seen |= 2;
          break;
        case 3 << 3 | LEN:
          range = decodeOptions(in.nested(), keysValues);
          seen |= 4;
          break;
        case 4 << 3 | VARINT:
          consumed = in.varint();
          seen |= 8;
          break;
        case 5 << 3 | LEN:
          bookmark = in.bytes();
          break;
        case 6 << 3 | LEN:
          seek = in.bytes();
          break;
        case SNAPSHOT_FIELD << 3 | VARINT:
          snapshot = (int) in.varint();
          break;
        default:
          in.skip(key);
      }
    }
    if (seen != 15) {
      throw new Malformed("Iterator lacks its id, seq, options or consumed");
    }
    if (consumed < 0) {
      throw new Malformed("Iterator has a negative consumed count");
    }
    return new Iterator(id, seq, range, keysValues[0], keysValues[1], consumed, bookmark, seek,
        snapshot);
  }

  /** Options (or ClearOptions): the range, and keys/values into {@code keysValues} if given. */
  private static Range<byte[]> decodeOptions(In in, boolean[] keysValues) {
    byte[] gt = null;
    byte[] gte = null;
    byte[] lt = null;
    byte[] lte = null;
    int limit = -1;
    boolean reverse = false;
    while (in.more()) {
      int key = in.key();
      switch (key) {
        case 1 << 3 | VARINT:
          boolean k = in.varint() != 0;
          if (keysValues != null) {
            keysValues[0] = k;
          }
          break;
        case 2 << 3 | VARINT:
          boolean v = in.varint() != 0;
          if (keysValues != null) {
            keysValues[1] = v;
          }
          break;
        case 3 << 3 | LEN:
          gt = in.bytes();
          break;
        case 4 << 3 | LEN:
          gte = in.bytes();
          break;
        case 5 << 3 | LEN:
          lt = in.bytes();
          break;
        case 6 << 3 | LEN:
          lte = in.bytes();
          break;
        case 7 << 3 | VARINT:
          limit = unzigzag((int) in.varint());
          break;
        case 8 << 3 | VARINT:
          reverse = in.varint() != 0;
          break;
        default:
          in.skip(key);
      }
    }
    // As abstract-level does: gte wins over gt, lte over lt.
    byte[] lower = gte != null ? gte : gt;
    byte[] upper = lte != null ? lte : lt;
    return Range.of(lower, gte != null, upper, lte != null, reverse, limit);
  }

  // ---- host → guest: decoding ----------------------------------------------------------------

  /** The response in a frame, or null for an unknown tag. */
  static Object decodeResponse(int tag, In in) {
    switch (tag) {
      case CALLBACK:
        return decodeCallback(in);
      case GET_MANY_CALLBACK:
        return decodeGetManyCallback(in);
      case ITERATOR_DATA: {
        int id = 0;
        int seq = 0;
        int seen = 0;
        List<byte[]> data = new ArrayList<>();
        while (in.more()) {
          int key = in.key();
          if (key == (1 << 3 | VARINT)) {
            id = (int) in.varint();
            seen |= 1;
          } else if (key == (2 << 3 | VARINT)) {
            seq = (int) in.varint();
            seen |= 2;
          } else if (key == (3 << 3 | LEN)) {
            data.add(in.bytes());
          } else {
            in.skip(key);
          }
        }
        if (seen != 3) {
          throw new Malformed("IteratorData lacks its id or seq");
        }
        return new IteratorData(id, seq, data);
      }
      case ITERATOR_ERROR: {
        Fields m = in.fields(0b100, 0b1000_0000_0000_1000, 0b1110);
        return new IteratorError(m.id, (int) m.v2, error(utf8(m.b3), m.reason));
      }
      case ITERATOR_END: {
        Fields m = in.fields(0b100, 0, 0b110);
        return new IteratorEnd(m.id, (int) m.v2);
      }
      case HELLO: {
        int version = 0;
        int features = 0;
        while (in.more()) {
          int key = in.key();
          if (key == (1 << 3 | VARINT)) {
            version = (int) in.varint();
          } else if (key == (2 << 3 | VARINT)) {
            features = (int) in.varint();
          } else {
            in.skip(key);
          }
        }
        return new Hello(version, features);
      }
      default:
        return null;
    }
  }

  private static Callback decodeCallback(In in) {
    Fields m = in.fields(0, 0b1000_0000_0000_1100, 0b10);
    if (m.b2 == null || Arrays.equals(m.b2, NOT_FOUND)) {
      return new Callback(m.id, null, m.b2 == null ? m.b3 : null);
    }
    return new Callback(m.id, error(utf8(m.b2), m.reason), m.b3);
  }

  private static GetManyCallback decodeGetManyCallback(In in) {
    int id = 0;
    boolean hasId = false;
    String error = null;
    String reason = null;
    List<byte[]> values = new ArrayList<>();
    while (in.more()) {
      int key = in.key();
      if (key == (1 << 3 | VARINT)) {
        id = (int) in.varint();
        hasId = true;
      } else if (key == (2 << 3 | LEN)) {
        error = in.string();
      } else if (key == (3 << 3 | LEN)) {
        In v = in.nested();
        byte[] value = null;
        while (v.more()) {
          int vk = v.key();
          if (vk == (1 << 3 | LEN)) {
            value = v.bytes();
          } else {
            v.skip(vk);
          }
        }
        values.add(value);
      } else if (key == (REASON_FIELD << 3 | LEN)) {
        reason = in.string();
      } else {
        in.skip(key);
      }
    }
    if (!hasId) {
      throw new Malformed("GetManyCallback lacks its id");
    }
    return new GetManyCallback(id, error == null ? null : error(error, reason), values);
  }

  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** The exception a received error code (and optional reason) stands for. */
  static LevelException error(String code, String reason) {
    ErrorCode c = ErrorCode.fromName(code);
    String why = reason != null && !reason.isEmpty() ? reason
        : c == ErrorCode.LEVEL_REMOTE_ERROR && !code.equals(c.name())
            ? "the host failed with " + code : "the host reported " + code;
    return new LevelException(c, why);
  }

  // ---- varints -------------------------------------------------------------------------------

  static int zigzag(int n) {
    return (n << 1) ^ (n >> 31);
  }

  static int unzigzag(int n) {
    return (n >>> 1) ^ -(n & 1);
  }

  static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  /**
   * Reads the length prefix at {@code buf}'s position without moving it: the frame length, or
   * -1 if the varint is not complete yet.
   *
   * @throws Malformed if the varint is longer than 5 bytes or does not fit an int
   */
  static long peekLength(ByteBuffer buf) {
    long v = 0;
    int p = buf.position();
    for (int i = 0; i < 5; i++) {
      if (p + i >= buf.limit()) {
        return -1;
      }
      int b = buf.get(p + i);
      v |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        return v | ((long) (i + 1) << 40);
      }
    }
    throw new Malformed("frame length prefix is longer than 5 bytes");
  }

  /** The protocol was broken: the connection that carried it cannot be trusted any further. */
  static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  // ---- encoder -------------------------------------------------------------------------------

  /**
   * A growable byte array that frames are appended to. Lengths are not known until a message is
   * written, so {@link #begin} reserves the longest varint and {@link #end} writes the real one
   * and shifts the body left over the unused bytes (a short copy: bodies are small, and a large
   * IteratorData is copied once more, which costs far less than the syscall that sends it).
   * Not thread-safe.
   */
  static final class Out {
    private static final int RESERVE = 5;

    byte[] buf;
    int len;

    Out(int capacity) {
      buf = new byte[capacity];
    }

    void clear() {
      len = 0;
    }

    /** Starts a frame with {@code tag}; returns the mark to pass to {@link #end}. */
    int begin(int tag) {
      ensure(RESERVE + 1);
      int mark = len;
      len += RESERVE;
      buf[len++] = (byte) tag;
      return mark;
    }

    void end(int mark) {
      close(mark);
    }

    int beginNested(int field) {
      key(field, LEN);
      ensure(RESERVE);
      int mark = len;
      len += RESERVE;
      return mark;
    }

    void endNested(int mark) {
      close(mark);
    }

    private void close(int mark) {
      int bodyStart = mark + RESERVE;
      int bodyLen = len - bodyStart;
      int n = varintSize(bodyLen);
      if (n < RESERVE) {
        System.arraycopy(buf, bodyStart, buf, mark + n, bodyLen);
      }
      int p = mark;
      long v = bodyLen;
      while ((v & ~0x7FL) != 0) {
        buf[p++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[p] = (byte) v;
      len = mark + n + bodyLen;
    }

    void uint(int field, int value) {
      varintField(field, value & 0xFFFFFFFFL);
    }

    void varintField(int field, long value) {
      key(field, VARINT);
      varint(value);
    }

    void bool(int field, boolean value) {
      key(field, VARINT);
      varint(value ? 1 : 0);
    }

    /** Writes a bytes field; nothing if {@code value} is null (an absent optional field). */
    void bytes(int field, byte[] value) {
      if (value == null) {
        return;
      }
      key(field, LEN);
      varint(value.length);
      ensure(value.length);
      System.arraycopy(value, 0, buf, len, value.length);
      len += value.length;
    }

    void string(int field, String value) {
      if (value != null) {
        bytes(field, value.getBytes(StandardCharsets.UTF_8));
      }
    }

    private void key(int field, int wireType) {
      varint(field << 3 | wireType);
    }

    private void varint(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[len++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[len++] = (byte) v;
    }

    private void ensure(int more) {
      if (len + more > buf.length) {
        long want = Math.max((long) buf.length * 2, (long) len + more);
        if (want > Integer.MAX_VALUE - 16) {
          throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
              "a message of more than 2 GiB cannot be sent");
        }
        buf = Arrays.copyOf(buf, (int) want);
      }
    }
  }

  // ---- decoder -------------------------------------------------------------------------------

  /**
   * Reads protobuf fields from a region of a buffer (a frame body, or a nested message inside
   * one). Every read checks bounds; anything out of place throws {@link Malformed}.
   */
  static final class In {
    private final ByteBuffer buf;
    private int pos;
    private final int end;

    In(ByteBuffer buf, int pos, int end) {
      this.buf = buf;
      this.pos = pos;
      this.end = end;
    }

    boolean more() {
      return pos < end;
    }

    /** The next field key ({@code field << 3 | wireType}). */
    int key() {
      long k = varint();
      if (k >>> 3 == 0 || k > Integer.MAX_VALUE) {
        throw new Malformed("invalid field key " + k);
      }
      return (int) k;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new Malformed("truncated varint");
        }
        int b = buf.get(pos++);
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw new Malformed("varint longer than 10 bytes");
    }

    private int length() {
      long n = varint();
      if (n < 0 || n > end - pos) {
        throw new Malformed("field length " + n + " runs past the end of its message");
      }
      return (int) n;
    }

    byte[] bytes() {
      int n = length();
      byte[] b = new byte[n];
      buf.get(pos, b);
      pos += n;
      return b;
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    In nested() {
      int n = length();
      In in = new In(buf, pos, pos + n);
      pos += n;
      return in;
    }

    /** Skips the value of a field this side does not know. */
    void skip(int key) {
      switch (key & 7) {
        case VARINT:
          varint();
          break;
        case I64:
          advance(8);
          break;
        case LEN:
          advance(length());
          break;
        case I32:
          advance(4);
          break;
        default:
          throw new Malformed("unsupported wire type " + (key & 7));
      }
    }

    private void advance(int n) {
      if (n > end - pos) {
        throw new Malformed("truncated field");
      }
      pos += n;
    }

    /**
     * Reads a flat message: field 1 is the id (varint); fields 2, 3 and 14 are varints where
     * {@code varints} has their bit set, fields 2, 3 and 15 byte strings where {@code strings}
     * has it, and others are skipped. Fields in {@code required} (bit i = field i) must be present.
     */
    Fields fields(int varints, int strings, int required) {
      Fields f = new Fields();
      int seen = 0;
      varints |= 1 << 1;
      while (more()) {
        int key = key();
        int field = key >>> 3;
        int bit = field < 16 ? 1 << field : 0;
        if ((varints & bit) != 0) {
          if ((key & 7) != VARINT) {
            throw new Malformed("field " + field + " has wire type " + (key & 7));
          }
          long v = varint();
          if (field == 1) {
            f.id = (int) v;
          } else if (field == 2) {
            f.v2 = v;
          } else if (field == 3) {
            f.v3 = v;
          } else {
            f.v14 = v;
          }
        } else if ((strings & bit) != 0) {
          if ((key & 7) != LEN) {
            throw new Malformed("field " + field + " has wire type " + (key & 7));
          }
          byte[] b = bytes();
          if (field == 2) {
            f.b2 = b;
          } else if (field == 3) {
            f.b3 = b;
          } else {
            f.reason = new String(b, StandardCharsets.UTF_8);
          }
        } else {
          skip(key);
          bit = 0;
        }
        seen |= bit;
      }
      if ((seen & required) != required) {
        throw new Malformed("a required field is missing");
      }
      return f;
    }
  }

  /** The fields of a flat message, by number and kind. */
  static final class Fields {
    int id;
    long v2;
    long v3;
    long v14;
    byte[] b2;
    byte[] b3;
    String reason;
  }
}
