package org.level4j.net;

import static org.level4j.net.Wire.REASON_FIELD;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.level4j.Change;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Range;
import org.level4j.net.Protobuf.In;
import org.level4j.net.Protobuf.Out;

/**
 * What a host sends a guest (the right column of {@link Wire}'s tables): each message as a record,
 * as {@link #decode} reads it, and a static method that writes it without building the record.
 * Errors travel as their code, with the reason in field 15.
 */
sealed interface HostMessage {
  /** {@code error} is null on success; {@code value} null means not found. */
  record Callback(int id, LevelException error, byte[] value) implements HostMessage {}

  record GetManyCallback(int id, LevelException error, List<byte[]> values)
      implements HostMessage {}

  /** What a host sends an open iterator, by its id; {@code seq} says which seek it follows. */
  sealed interface ForIterator extends HostMessage {
    int id();

    int seq();
  }

  record IteratorData(int id, int seq, Protobuf.Items data) implements ForIterator {}

  record IteratorError(int id, int seq, LevelException error) implements ForIterator {}

  record IteratorEnd(int id, int seq) implements ForIterator {}

  /** A level4j host's first frame: the extensions it serves (0 from a host of no version). */
  record Hello(int version, int features) implements HostMessage {}

  /** A feed's next writes; {@code error}, if not null, ends the feed. */
  record Changes(int feed, List<Change> changes, LevelException error) implements HostMessage {}

  /** The answer to a guest's offer of shared memory ({@link Wire}). */
  record SharedMemory(boolean accepted) implements HostMessage {}

  /** A frame with a tag this side does not know: ignored, as a later extension's. */
  record Unknown(int tag) implements HostMessage {}

  // ---- encoding ------------------------------------------------------------------------------

  static void callback(Out o, int id, LevelException error, byte[] value) {
    int f = o.begin(Wire.CALLBACK);
    o.uint(1, id);
    error(o, 2, error);
    o.bytes(3, value);
    o.end(f);
  }

  /** The answer to a get of a missing key. */
  static void notFound(Out o, int id) {
    int f = o.begin(Wire.CALLBACK);
    o.uint(1, id);
    o.bytes(2, Wire.NOT_FOUND);
    o.end(f);
  }

  static void getManyCallback(Out o, int id, LevelException error, List<byte[]> values) {
    int f = o.begin(Wire.GET_MANY_CALLBACK);
    o.uint(1, id);
    if (error != null) {
      error(o, 2, error);
    } else {
      for (byte[] v : values) {
        int n = o.beginNested(3);
        o.bytes(1, v);
        o.endNested(n);
      }
    }
    o.end(f);
  }

  /**
   * An IteratorData whose data (field 3, repeated: each key and value, or each key, or each
   * value) {@code items} already holds, encoded: its first {@code length} bytes.
   */
  static void iteratorData(Out o, int id, int seq, byte[] items, int length) {
    int f = o.begin(Wire.ITERATOR_DATA);
    o.uint(1, id);
    o.uint(2, seq);
    o.raw(items, 0, length);
    o.end(f);
  }

  static void iteratorError(Out o, int id, int seq, LevelException error) {
    int f = o.begin(Wire.ITERATOR_ERROR);
    o.uint(1, id);
    o.uint(2, seq);
    error(o, 3, error);
    o.end(f);
  }

  static void iteratorEnd(Out o, int id, int seq) {
    int f = o.begin(Wire.ITERATOR_END);
    o.uint(1, id);
    o.uint(2, seq);
    o.end(f);
  }

  static void sharedMemory(Out o, boolean accepted) {
    int f = o.begin(Wire.SHARED_MEMORY);
    o.bool(1, accepted);
    o.end(f);
  }

  static void hello(Out o, int features) {
    int f = o.begin(Wire.HELLO);
    o.uint(1, Wire.VERSION);
    o.uint(2, features);
    o.end(f);
  }

  /** One change of feed {@code feed}, or (with {@code change} null) the error that ends it. */
  static void changes(Out o, int feed, Change change, LevelException error) {
    int f = o.begin(Wire.CHANGES);
    o.uint(1, feed);
    if (change != null) {
      int n = o.beginNested(2);
      o.varintField(1, change.revision());
      GuestMessage.operations(o, change.ops());
      for (Range<byte[]> r : change.cleared()) {
        int c = o.beginNested(3);
        GuestMessage.boundFields(o, r);
        o.endNested(c);
      }
      o.endNested(n);
    }
    error(o, 3, error);
    o.end(f);
  }

  /** An error's code in field {@code field} and its reason in field 15; nothing if null. */
  private static void error(Out o, int field, LevelException error) {
    if (error != null) {
      o.string(field, error.code().name());
      o.string(REASON_FIELD, error.reason());
    }
  }

  // ---- decoding ------------------------------------------------------------------------------

  /**
   * The message in a frame; {@link Unknown} for a tag this side does not know.
   *
   * @throws Malformed if the body is not a valid message of its tag
   */
  static HostMessage decode(int tag, In in) {
    switch (tag) {
      case Wire.CALLBACK: {
        byte[] code = in.optionalBytes(2);
        byte[] value = in.optionalBytes(3);
        int id = in.uint32(1);
        if (code == null || Arrays.equals(code, Wire.NOT_FOUND)) {
          return new Callback(id, null, code == null ? value : null);
        }
        return new Callback(id, error(in, 2), value);
      }
      case Wire.GET_MANY_CALLBACK: {
        List<byte[]> values = new ArrayList<>();
        in.forEachMessage(3, v -> values.add(v.optionalBytes(1)));
        return new GetManyCallback(in.uint32(1), error(in, 2), values);
      }
      case Wire.ITERATOR_DATA: {
        Protobuf.Items data = in.repeatedItems(3); // first: its pass indexes a large message
        return new IteratorData(in.uint32(1), in.uint32(2), data);
      }
      case Wire.ITERATOR_ERROR: {
        String code = in.string(3);
        return new IteratorError(in.uint32(1), in.uint32(2),
            error(code, in.optionalString(REASON_FIELD)));
      }
      case Wire.ITERATOR_END:
        return new IteratorEnd(in.uint32(1), in.uint32(2));
      case Wire.HELLO:
        return new Hello(in.uint32(1, 0), in.uint32(2, 0));
      case Wire.SHARED_MEMORY:
        return new SharedMemory(in.bool(1));
      case Wire.CHANGES: {
        List<Change> changes = new ArrayList<>();
        in.forEachMessage(2, c -> {
          GuestMessage.Operations ops = GuestMessage.Operations.read(c, false);
          if (ops.problem != null) {
            throw new Malformed("Changes has an operation the guest cannot read: " + ops.problem);
          }
          List<Range<byte[]>> cleared = new ArrayList<>();
          c.forEachMessage(3, r -> cleared.add(GuestMessage.range(r)));
          changes.add(new Change(c.uint64(1), ops.ops, cleared));
        });
        return new Changes(in.uint32(1), changes, error(in, 3));
      }
      default:
        return new Unknown(tag);
    }
  }

  /** The error whose code is in field {@code field} (and reason in field 15), or null. */
  private static LevelException error(In in, int field) {
    String code = in.optionalString(field);
    return code == null ? null : error(code, in.optionalString(REASON_FIELD));
  }

  /** The exception a received error code (and optional reason) stands for. */
  static LevelException error(String code, String reason) {
    ErrorCode c = ErrorCode.fromName(code);
    String why = reason != null && !reason.isEmpty() ? reason
        : c == ErrorCode.LEVEL_REMOTE_ERROR && !code.equals(c.name())
            ? "the host failed with " + code : "the host reported " + code;
    return new LevelException(c, why);
  }
}
