package org.level4j.net;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * As much of protobuf's encoding as the protocol uses: varints, length-delimited fields and
 * nested messages. {@link Out} appends framed messages ({@link Wire} says how frames look);
 * {@link In} reads the fields of one message by their numbers. What the fields mean is the
 * business of {@link GuestMessage} and {@link HostMessage}.
 */
final class Protobuf {
  private Protobuf() {}

  // wire types
  static final int VARINT = 0;
  static final int I64 = 1;
  static final int LEN = 2;
  static final int I32 = 5;

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

    /** Writes a bytes field from {@code length} bytes of {@code b} at {@code offset}. */
    void bytes(int field, byte[] b, int offset, int length) {
      key(field, LEN);
      varint(length);
      raw(b, offset, length);
    }

    /** Appends {@code length} bytes of {@code b} at {@code offset} as they are: encoded fields. */
    void raw(byte[] b, int offset, int length) {
      ensure(length);
      System.arraycopy(b, offset, buf, len, length);
      len += length;
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

  /**
   * The values of a repeated bytes field, in one array: value {@code i} is {@link #length(int)}
   * bytes of {@link #bytes()} from {@link #offset(int)}. Read with {@link In#repeatedItems}; not
   * changed after that.
   */
  static final class Items {
    private static final byte[] EMPTY = new byte[0];

    private byte[] bytes = EMPTY;
    private int[] offsets = new int[16];
    private int[] lengths = new int[16];
    private int size;

    /** While reading: a value of {@code length} bytes at {@code offset} of the message's buffer. */
    private void add(int offset, int length) {
      if (size == offsets.length) {
        offsets = Arrays.copyOf(offsets, size * 2);
        lengths = Arrays.copyOf(lengths, size * 2);
      }
      offsets[size] = offset;
      lengths[size] = length;
      size++;
    }

    /** Copies the values, from the first's start to the last's end, out of {@code buf}. */
    private void copyFrom(ByteBuffer buf) {
      if (size == 0) {
        return;
      }
      int from = offsets[0];
      bytes = new byte[offsets[size - 1] + lengths[size - 1] - from];
      buf.get(from, bytes);
      for (int i = 0; i < size; i++) {
        offsets[i] -= from;
      }
    }

    int size() {
      return size;
    }

    byte[] bytes() {
      return bytes;
    }

    int offset(int i) {
      return offsets[i];
    }

    int length(int i) {
      return lengths[i];
    }

    /** Value {@code i} in an array of its own. */
    byte[] copy(int i) {
      return Arrays.copyOfRange(bytes, offsets[i], offsets[i] + lengths[i]);
    }
  }

  // ---- decoder -------------------------------------------------------------------------------

  /**
   * One message (a frame body, or a message nested in one), read by asking for its fields by
   * number, as {@code in.uint32(1)}. The first question reads the whole message, so a message
   * that is cut short or out of shape anywhere throws {@link Malformed}, whatever is asked. A field
   * that arrives with another wire type than asked for is skipped, as protobuf does with an
   * unknown field; of a field sent more than once the last value counts, unless it is read as
   * repeated. The required readers throw {@link Malformed} for an absent field; the others take
   * a value for it. Valid during the frame handler's call only; not thread-safe.
   */
  static final class In {
    /**
     * From this size on (an IteratorData or a Batch of many entries, say) the first pass notes
     * where each field's last value is, and later questions are answered from that index instead
     * of reading the message again; a small message is cheaper to read again.
     */
    private static final int INDEXED_FROM = 512;

    private final ByteBuffer buf;
    private int start; // start and end change only in a reader that forEachMessage reuses
    private int end;
    private int pos;
    /** 1 + the position of the last value of each slot ({@link #slot}), 0 if none; or null. */
    private final int[] index;
    /** Whether a whole pass has filled {@link #index} (and found the message well formed). */
    private boolean indexed;

    In(ByteBuffer buf, int start, int end) {
      this(buf, start, end, end - start >= INDEXED_FROM ? new int[32] : null);
    }

    private In(ByteBuffer buf, int start, int end, int[] index) {
      this.buf = buf;
      this.start = start;
      this.end = end;
      this.index = index;
    }

    /** Field {@code field}, a varint, required, as an unsigned 32-bit number. */
    int uint32(int field) {
      return (int) uint64(field);
    }

    int uint32(int field, int absent) {
      return (int) uint64(field, absent);
    }

    /** Field {@code field}, a varint, required. */
    long uint64(int field) {
      if (!seek(field, VARINT)) {
        throw missing(field);
      }
      return varint();
    }

    long uint64(int field, long absent) {
      return seek(field, VARINT) ? varint() : absent;
    }

    boolean bool(int field) {
      return uint64(field, 0) != 0;
    }

    /** Field {@code field}, length-delimited, required. */
    byte[] bytes(int field) {
      byte[] b = optionalBytes(field);
      if (b == null) {
        throw missing(field);
      }
      return b;
    }

    /** Field {@code field}, length-delimited, or null. */
    byte[] optionalBytes(int field) {
      return seek(field, LEN) ? bytes() : null;
    }

    /** Field {@code field}, length-delimited, required, as UTF-8 text. */
    String string(int field) {
      return new String(bytes(field), StandardCharsets.UTF_8);
    }

    /** Field {@code field}, length-delimited, as UTF-8 text, or null. */
    String optionalString(int field) {
      return seek(field, LEN) ? new String(bytes(), StandardCharsets.UTF_8) : null;
    }

    /** The message nested in field {@code field}, required. */
    In message(int field) {
      In m = optionalMessage(field);
      if (m == null) {
        throw missing(field);
      }
      return m;
    }

    In optionalMessage(int field) {
      return seek(field, LEN) ? nested() : null;
    }

    /** The message's length in bytes. */
    int size() {
      return end - start;
    }

    /**
     * How many values the repeated length-delimited field {@code field} has: one pass over the
     * message that copies no value and allocates nothing per value (in a large message it also
     * fills the index, so the next question is answered without another pass).
     */
    int count(int field) {
      int[] values = {0};
      forEachValue(field, () -> {
        advance(length());
        values[0]++;
      });
      return values[0];
    }

    /** Every value of the repeated length-delimited field {@code field}, in order. */
    List<byte[]> repeatedBytes(int field) {
      List<byte[]> all = new ArrayList<>();
      forEachValue(field, () -> all.add(bytes()));
      return all;
    }

    /**
     * Every value of the repeated length-delimited field {@code field}, in order, copied out of
     * the message into one array: one copy of the bytes, not an array per value.
     */
    Items repeatedItems(int field) {
      Items items = new Items();
      forEachValue(field, () -> {
        int n = length();
        items.add(pos, n);
        pos += n;
      });
      items.copyFrom(buf);
      return items;
    }

    /**
     * Hands {@code each} every message nested in the repeated field {@code field}, in order, in
     * one reader that it reuses: {@code each} must not keep it. The reader indexes each message as
     * it first reads it, so asking it for several fields reads the message once.
     */
    /*
     * Why one indexed reader rather than a list of new ones: a batch of 1,000 operations asks each
     * operation for three fields; with a reader per operation and no index, that read every
     * operation three times and allocated a reader each, which measured as about 6% of a host's
     * CPU on follower batch_put_1000 (perf, against the hand-written loop this replaced).
     */
    void forEachMessage(int field, Consumer<In> each) {
      In reader = new In(buf, start, start, new int[32]);
      forEachValue(field, () -> {
        int n = length();
        reader.reset(pos, pos + n);
        pos += n;
        each.accept(reader);
      });
    }

    private void reset(int from, int to) {
      start = from;
      end = to;
      indexed = false;
      Arrays.fill(index, 0);
    }

    /**
     * Hands {@code each} every message nested in the repeated field {@code field}, in order, as
     * the values of its length-delimited fields: {@code values[f]} is the last value of field
     * {@code f}, for 1 &lt;= f &lt;= {@code lastField}, or null if the message has none. Each message
     * is read once; its other fields are skipped, as unknown fields are. The array is reused for
     * the next message: {@code each} must not keep it.
     */
    /*
     * For a batch's operations, the hottest loop of the wire: forEachMessage's indexed reader
     * still read each operation twice and cleared its index each time; by perf, a host's decoding
     * on follower batch_put_1000 took about twice the samples of the hand-written loop the wire
     * refactor had replaced.
     */
    void forEachMessageFields(int field, int lastField, Consumer<byte[][]> each) {
      In message = new In(buf, start, start, null);
      byte[][] values = new byte[lastField + 1][];
      forEachValue(field, () -> {
        int n = length();
        message.start = pos;
        message.end = pos + n;
        pos += n;
        message.readLengthDelimited(values);
        each.accept(values);
      });
    }

    /** Reads the whole message once into {@code values}, as {@link #forEachMessageFields} says. */
    private void readLengthDelimited(byte[][] values) {
      Arrays.fill(values, null);
      pos = start;
      while (pos < end) {
        int k = key();
        int f = k >>> 3;
        if ((k & 7) == LEN && f < values.length) {
          values[f] = bytes();
        } else {
          skip(k);
        }
      }
    }

    /**
     * Reads the whole message, calling {@code readValue} at each value of the repeated
     * length-delimited field {@code field}, in order; it reads that value (its length first).
     */
    private void forEachValue(int field, Runnable readValue) {
      int key = field << 3 | LEN;
      pos = start;
      while (pos < end) {
        int k = key();
        note(k);
        if (k == key) {
          readValue.run();
        } else {
          skip(k);
        }
      }
      indexed = index != null;
    }

    private static Malformed missing(int field) {
      return new Malformed("a message lacks its required field " + field);
    }

    /**
     * Reads the whole message and leaves the position at the value of the last field {@code
     * field} of type {@code wireType}; false if there is none.
     */
    private boolean seek(int field, int wireType) {
      int key = field << 3 | wireType;
      int found = -1;
      if (indexed && slot(key) >= 0) {
        found = index[slot(key)] - 1;
      } else {
        pos = start;
        while (pos < end) {
          int k = key();
          note(k);
          if (k == key) {
            found = pos;
          }
          skip(k);
        }
        indexed = index != null;
      }
      if (found < 0) {
        return false;
      }
      pos = found;
      return true;
    }

    /** While a pass reads the message: the value of key {@code k} starts at pos. */
    private void note(int k) {
      if (index != null && slot(k) >= 0) {
        index[slot(k)] = pos + 1;
      }
    }

    /** Where the index keeps key {@code k}: fields 1 to 15, varint or length-delimited. */
    private static int slot(int k) {
      int field = k >>> 3;
      int type = k & 7;
      return field < 16 && (type == VARINT || type == LEN) ? (type == LEN ? 16 : 0) + field : -1;
    }

    /** The next field key ({@code field << 3 | wireType}). */
    private int key() {
      long k = varint();
      if (k >>> 3 == 0 || k > Integer.MAX_VALUE) {
        throw new Malformed("invalid field key " + k);
      }
      return (int) k;
    }

    private long varint() {
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

    private byte[] bytes() {
      int n = length();
      byte[] b = new byte[n];
      buf.get(pos, b);
      pos += n;
      return b;
    }

    private In nested() {
      int n = length();
      In in = new In(buf, pos, pos + n);
      pos += n;
      return in;
    }

    /** Skips the value of a field. */
    private void skip(int key) {
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
  }
}
