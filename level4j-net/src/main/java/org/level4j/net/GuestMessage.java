package org.level4j.net;

import static org.level4j.net.Wire.SNAPSHOT_FIELD;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.level4j.Op;
import org.level4j.Range;
import org.level4j.RequestId;
import org.level4j.net.Protobuf.In;
import org.level4j.net.Protobuf.Out;

/**
 * What a guest sends a host (the left column of {@link Wire}'s tables): each message as a record,
 * as {@link #decode} reads it, and a static method that writes it without building the record.
 */
sealed interface GuestMessage {
  /** A request that the host answers once, by its id (not an iterator's message). */
  sealed interface Request extends GuestMessage {
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
  record Write(int id, List<Op<byte[], byte[]>> ops, RequestId request, boolean sync,
      String problem) implements Request {}

  record GetMany(int id, List<byte[]> keys, int snapshot) implements Request {}

  /**
   * A GetMany, Batch or Write ({@code tag}) of more keys or operations than the receiver decodes in
   * one request: {@code items} of them, counted and not read ({@link #decode(int, In, int)}).
   */
  record TooManyItems(int id, int tag, int items) implements Request {}

  /** The Snapshot extension: take one, numbered {@code snapshot} on this connection. */
  record TakeSnapshot(int id, int snapshot) implements Request {}

  record ReleaseSnapshot(int snapshot) implements GuestMessage {}

  /** The change feed extension: push writes to {@code range} from {@code from} (0: now). */
  record Subscribe(int id, int feed, Range<byte[]> range, long from) implements Request {}

  record Unsubscribe(int feed) implements GuestMessage {}

  /** The Checkpoint extension: a copy of the database in the new directory {@code dest}. */
  record Checkpoint(int id, String dest) implements Request {}

  /** The shared memory extension: the file of rings the guest offers ({@link Wire}). */
  record SharedMemoryOffer(String name) implements GuestMessage {}

  /** The shared memory extension: the guest's last frame on the socket. */
  record SharedMemoryNow() implements GuestMessage {}

  record Iterator(int id, int seq, Range<byte[]> range, boolean keys, boolean values,
      long consumed, byte[] bookmark, byte[] seek, int snapshot) implements GuestMessage {}

  record IteratorClose(int id) implements GuestMessage {}

  record IteratorAck(int id, int seq, long consumed) implements GuestMessage {}

  record IteratorSeek(int id, int seq, byte[] target) implements GuestMessage {}

  /** A frame with a tag this side does not know: ignored, as a later extension's. */
  record Unknown(int tag) implements GuestMessage {}

  // ---- encoding ------------------------------------------------------------------------------

  /** A get from snapshot {@code snapshot} (0: the latest data). */
  static void get(Out o, int id, byte[] key, int snapshot) {
    int f = o.begin(Wire.GET);
    o.uint(1, id);
    o.bytes(2, key);
    snapshotField(o, snapshot);
    o.end(f);
  }

  static void put(Out o, int id, byte[] key, byte[] value) {
    int f = o.begin(Wire.PUT);
    o.uint(1, id);
    o.bytes(2, key);
    o.bytes(3, value);
    o.end(f);
  }

  static void delete(Out o, int id, byte[] key) {
    int f = o.begin(Wire.DELETE);
    o.uint(1, id);
    o.bytes(2, key);
    o.end(f);
  }

  /** A batch of puts and dels; other operation types must have been refused before. */
  static void batch(Out o, int id, List<Op<byte[], byte[]>> ops) {
    int f = o.begin(Wire.BATCH);
    o.uint(1, id);
    operations(o, ops);
    o.end(f);
  }

  /** The level4j Write extension: any operations, and a request id if not null. */
  static void write(Out o, int id, List<Op<byte[], byte[]>> ops, RequestId request,
      boolean sync) {
    int f = o.begin(Wire.WRITE);
    o.uint(1, id);
    operations(o, ops);
    if (request != null) {
      o.bytes(3, request.client());
      o.varintField(4, request.seq());
      o.varintField(5, request.settledBelow());
    }
    o.bool(6, sync);
    o.end(f);
  }

  static void clear(Out o, int id, Range<byte[]> range) {
    int f = o.begin(Wire.CLEAR);
    o.uint(1, id);
    int n = o.beginNested(2);
    rangeFields(o, range);
    o.endNested(n);
    o.end(f);
  }

  static void getMany(Out o, int id, List<byte[]> keys, int snapshot) {
    int f = o.begin(Wire.GET_MANY);
    o.uint(1, id);
    for (byte[] k : keys) {
      o.bytes(2, k);
    }
    snapshotField(o, snapshot);
    o.end(f);
  }

  static void snapshot(Out o, int id, int snapshot) {
    int f = o.begin(Wire.SNAPSHOT);
    o.uint(1, id);
    o.uint(2, snapshot);
    o.end(f);
  }

  static void snapshotRelease(Out o, int snapshot) {
    int f = o.begin(Wire.SNAPSHOT_RELEASE);
    o.uint(1, snapshot);
    o.end(f);
  }

  static void subscribe(Out o, int id, int feed, Range<byte[]> range, long from) {
    int f = o.begin(Wire.SUBSCRIBE);
    o.uint(1, id);
    o.uint(2, feed);
    int n = o.beginNested(3);
    boundFields(o, range);
    o.endNested(n);
    o.varintField(4, from);
    o.end(f);
  }

  static void unsubscribe(Out o, int feed) {
    int f = o.begin(Wire.UNSUBSCRIBE);
    o.uint(1, feed);
    o.end(f);
  }

  static void iterator(Out o, int id, int seq, Range<byte[]> range, boolean keys, boolean values,
      long consumed, byte[] bookmark, byte[] seek, int snapshot) {
    int f = o.begin(Wire.ITERATOR);
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
    int f = o.begin(Wire.ITERATOR_CLOSE);
    o.uint(1, id);
    o.end(f);
  }

  static void iteratorAck(Out o, int id, int seq, long consumed) {
    int f = o.begin(Wire.ITERATOR_ACK);
    o.uint(1, id);
    o.uint(2, seq);
    o.varintField(3, consumed);
    o.end(f);
  }

  static void iteratorSeek(Out o, int id, int seq, byte[] target) {
    int f = o.begin(Wire.ITERATOR_SEEK);
    o.uint(1, id);
    o.uint(2, seq);
    o.bytes(3, target);
    o.end(f);
  }

  private static void snapshotField(Out o, int snapshot) {
    if (snapshot != 0) {
      o.uint(SNAPSHOT_FIELD, snapshot);
    }
  }

  /** Batch's and Write's field 2: an Operation each. */
  static void operations(Out o, List<Op<byte[], byte[]>> ops) {
    for (Op<byte[], byte[]> op : ops) {
      int n = o.beginNested(2);
      o.bytes(1, op.type() == Op.Type.PUT ? Operations.PUT
          : op.type() == Op.Type.DEL ? Operations.DEL : Operations.EXPECT);
      o.bytes(2, op.key());
      if (op.type() != Op.Type.DEL) {
        o.bytes(3, op.value()); // an expect of absence has none
      }
      o.endNested(n);
    }
  }

  static void checkpoint(Out o, int id, String dest) {
    int f = o.begin(Wire.CHECKPOINT);
    o.uint(1, id);
    o.string(2, dest);
    o.end(f);
  }

  static void sharedMemoryOffer(Out o, String name) {
    int f = o.begin(Wire.SHARED_MEMORY);
    o.string(1, name);
    o.end(f);
  }

  static void sharedMemoryNow(Out o) {
    o.end(o.begin(Wire.SHARED_MEMORY_NOW));
  }

  /** Fields 3..8 of Options: bounds, limit and direction. */
  private static void rangeFields(Out o, Range<byte[]> r) {
    boundFields(o, r);
    o.varintField(7, Protobuf.zigzag(r.limit()));
    o.bool(8, r.isReverse());
  }

  /** Fields 3..6 of Options: the bounds alone. */
  static void boundFields(Out o, Range<byte[]> r) {
    if (r.lower() != null) {
      o.bytes(r.lowerInclusive() ? 4 : 3, r.lower());
    }
    if (r.upper() != null) {
      o.bytes(r.upperInclusive() ? 6 : 5, r.upper());
    }
  }

  // ---- decoding ------------------------------------------------------------------------------

  /**
   * The message in a frame, as {@link #decode(int, In)} reads it, except that a GetMany, Batch or
   * Write of more than {@code maxItems} keys or operations is {@link TooManyItems}: its items are
   * counted in one pass that allocates nothing, and none is read.
   *
   * @throws Malformed if the body is not a valid message of its tag
   */
  static GuestMessage decode(int tag, In in, int maxItems) {
    // An item takes 2 bytes at least (its field's key and length), so a body of up to 2 *
    // maxItems bytes (every frame of a usual size) cannot have too many: it is not counted.
    if ((tag == Wire.GET_MANY || tag == Wire.BATCH || tag == Wire.WRITE)
        && in.size() / 2 > maxItems) {
      int items = in.count(2); // keys of GetMany, operations of Batch and Write
      if (items > maxItems) {
        return new TooManyItems(in.uint32(1), tag, items);
      }
    }
    return decode(tag, in);
  }

  /**
   * The message in a frame; {@link Unknown} for a tag this side does not know.
   *
   * @throws Malformed if the body is not a valid message of its tag
   */
  static GuestMessage decode(int tag, In in) {
    switch (tag) {
      case Wire.GET:
        return new Get(in.uint32(1), in.bytes(2), in.uint32(SNAPSHOT_FIELD, 0));
      case Wire.PUT:
        return new Put(in.uint32(1), in.bytes(2), in.optionalBytes(3));
      case Wire.DELETE:
        return new Delete(in.uint32(1), in.bytes(2));
      case Wire.BATCH: {
        Operations ops = Operations.read(in, false);
        return new Batch(in.uint32(1), ops.ops, ops.problem);
      }
      case Wire.CLEAR: {
        In options = in.optionalMessage(2);
        return new Clear(in.uint32(1), options == null ? Range.all() : range(options));
      }
      case Wire.GET_MANY: {
        List<byte[]> keys = in.repeatedBytes(2); // first: its pass indexes a large message
        return new GetMany(in.uint32(1), keys, in.uint32(SNAPSHOT_FIELD, 0));
      }
      case Wire.ITERATOR: {
        In options = in.message(3);
        long consumed = in.uint64(4);
        if (consumed < 0) {
          throw new Malformed("Iterator has a negative consumed count");
        }
        return new Iterator(in.uint32(1), in.uint32(2), range(options), options.bool(1),
            options.bool(2), consumed, in.optionalBytes(5), in.optionalBytes(6),
            in.uint32(SNAPSHOT_FIELD, 0));
      }
      case Wire.ITERATOR_CLOSE:
        return new IteratorClose(in.uint32(1));
      case Wire.ITERATOR_ACK:
        return new IteratorAck(in.uint32(1), in.uint32(2), in.uint64(3));
      case Wire.ITERATOR_SEEK:
        return new IteratorSeek(in.uint32(1), in.uint32(2), in.bytes(3));
      case Wire.WRITE:
        return write(in);
      case Wire.SNAPSHOT: {
        int snapshot = in.uint32(2);
        if (snapshot == 0) {
          throw new Malformed("Snapshot numbers its snapshot 0");
        }
        return new TakeSnapshot(in.uint32(1), snapshot);
      }
      case Wire.SNAPSHOT_RELEASE:
        return new ReleaseSnapshot(in.uint32(1));
      case Wire.SUBSCRIBE: {
        In options = in.optionalMessage(3);
        long from = in.uint64(4, 0);
        if (from < 0) {
          throw new Malformed("Subscribe has a negative revision");
        }
        return new Subscribe(in.uint32(1), in.uint32(2),
            options == null ? Range.all() : range(options), from);
      }
      case Wire.UNSUBSCRIBE:
        return new Unsubscribe(in.uint32(1));
      case Wire.CHECKPOINT:
        return new Checkpoint(in.uint32(1), in.string(2));
      case Wire.SHARED_MEMORY:
        return new SharedMemoryOffer(in.string(1));
      case Wire.SHARED_MEMORY_NOW:
        return new SharedMemoryNow();
      default:
        return new Unknown(tag);
    }
  }

  private static Write write(In in) {
    Operations ops = Operations.read(in, true);
    byte[] client = in.optionalBytes(3);
    RequestId request = null;
    if (client != null) {
      if (client.length == 0 || client.length > RequestId.MAX_CLIENT_BYTES) {
        throw new Malformed("Write's client id has " + client.length + " bytes");
      }
      request = new RequestId(client, in.uint64(4, 0), in.uint64(5, 0));
    }
    return new Write(in.uint32(1), ops.ops, request, in.bool(6), ops.problem);
  }

  /** Options (or Clear's options, which have no fields 1 and 2): the range. */
  static Range<byte[]> range(In options) {
    byte[] gte = options.optionalBytes(4);
    byte[] lte = options.optionalBytes(6);
    // As abstract-level does: gte wins over gt, lte over lt.
    byte[] lower = gte != null ? gte : options.optionalBytes(3);
    byte[] upper = lte != null ? lte : options.optionalBytes(5);
    int limit = Protobuf.unzigzag(options.uint32(7, Protobuf.zigzag(-1))); // absent: no limit
    return Range.of(lower, gte != null, upper, lte != null, options.bool(8), limit);
  }

  /**
   * The operations of a Batch or a Write, and why the first that cannot be applied cannot (an
   * unknown type, a put without value), or null.
   */
  final class Operations {
    static final byte[] PUT = "put".getBytes(StandardCharsets.US_ASCII);
    static final byte[] DEL = "del".getBytes(StandardCharsets.US_ASCII);
    static final byte[] EXPECT = "expect".getBytes(StandardCharsets.US_ASCII);

    final List<Op<byte[], byte[]>> ops = new ArrayList<>();
    String problem;

    private Operations() {}

    /** {@code expects}: whether "expect" is allowed (Write only). */
    static Operations read(In message, boolean expects) {
      Operations all = new Operations();
      message.forEachMessageFields(2, 3, op -> {
        String problem = all.add(op[1], op[2], op[3], expects);
        if (all.problem == null) {
          all.problem = problem;
        }
      });
      return all;
    }

    /** An operation's fields: its type, key and value (null if absent). */
    private String add(byte[] type, byte[] k, byte[] v, boolean expects) {
      if (type == null || k == null) {
        throw new Malformed("a batch operation lacks its type or key");
      }
      if (Arrays.equals(type, PUT) && v != null) {
        ops.add(Op.put(k, v));
      } else if (Arrays.equals(type, DEL)) {
        ops.add(Op.del(k));
      } else if (expects && Arrays.equals(type, EXPECT)) {
        ops.add(v == null ? Op.expectAbsent(k) : Op.expect(k, v));
      } else {
        return "batch operation " + ops.size() + " has type \""
            + new String(type, StandardCharsets.UTF_8) + "\"" + (v == null ? " and no value" : "")
            + "; only \"put\" with a value"
            + (expects ? ", \"del\" and \"expect\"" : " and \"del\"") + " are allowed";
      }
      return null;
    }
  }
}
