package org.level4j;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.level4j.spi.EntryDecoder;
import org.level4j.spi.ForwardingDatabase;

/**
 * Every {@link Level} users hold is a View: a key prefix (empty for the database itself, {@code
 * !name!} for a sublevel) and two codecs over the one {@link Root} that owns the engine. A view
 * only encodes and decodes; lifecycle, hooks, events and engine access live in Root. Sublevels
 * and typed views are therefore free: creating one allocates this object and nothing else.
 */
class View<K, V> implements Level<K, V> {
  final Root root;
  final byte[] prefix;
  final Codec<K> keys;
  final Codec<V> values;
  private final AsyncView<K, V> async;

  View(Root root, byte[] prefix, Codec<K> keys, Codec<V> values) {
    this.root = root == null ? (Root) this : root;
    this.prefix = prefix;
    this.keys = requireCodec(keys);
    this.values = requireCodec(values);
    this.async = new AsyncView<>(this);
  }

  // ---- encoding ------------------------------------------------------------------------------

  byte[] encodeKey(K key) {
    if (key == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_KEY, "key must not be null");
    }
    byte[] b;
    try {
      b = keys.encode(key);
    } catch (RuntimeException e) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_KEY,
          "key " + key + " cannot be encoded as " + keys.name() + ": " + e.getMessage(), e);
    }
    if (b == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_KEY,
          "codec " + keys.name() + " encoded key " + key + " as null");
    }
    return Bytes.concat(prefix, b);
  }

  byte[] encodeValue(V value) {
    if (value == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_VALUE,
          "value must not be null (use del() to remove a key)");
    }
    byte[] b;
    try {
      b = values.encode(value);
    } catch (RuntimeException e) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_VALUE,
          "value cannot be encoded as " + values.name() + ": " + e.getMessage(), e);
    }
    if (b == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_VALUE,
          "codec " + values.name() + " encoded a value as null");
    }
    return b;
  }

  K decodeKey(byte[] stored) {
    byte[] own = prefix.length == 0 ? stored : Arrays.copyOfRange(stored, prefix.length,
        stored.length);
    try {
      return keys.decode(own);
    } catch (RuntimeException e) {
      throw new LevelException(ErrorCode.LEVEL_DECODE_ERROR,
          "stored key " + Bytes.show(stored) + " cannot be decoded as " + keys.name() + ": "
              + e.getMessage(), e);
    }
  }

  /** {@link #decodeKey(byte[])} from a slice of a buffer the engine reuses. */
  K decodeKey(byte[] buffer, int offset, int length) {
    try {
      return keys.decode(buffer, offset + prefix.length, length - prefix.length);
    } catch (RuntimeException e) {
      throw new LevelException(ErrorCode.LEVEL_DECODE_ERROR,
          "stored key " + Bytes.show(Arrays.copyOfRange(buffer, offset, offset + length))
              + " cannot be decoded as " + keys.name() + ": " + e.getMessage(), e);
    }
  }

  /** {@link #decodeValue(byte[])} from a slice of a buffer the engine reuses; -1: none. */
  V decodeValue(byte[] buffer, int offset, int length) {
    if (length < 0) {
      return null;
    }
    try {
      return values.decode(buffer, offset, length);
    } catch (RuntimeException e) {
      throw new LevelException(ErrorCode.LEVEL_DECODE_ERROR,
          "stored value " + Bytes.show(Arrays.copyOfRange(buffer, offset, offset + length))
              + " cannot be decoded as " + values.name() + ": " + e.getMessage(), e);
    }
  }

  V decodeValue(byte[] stored) {
    if (stored == null) {
      return null;
    }
    try {
      return values.decode(stored);
    } catch (RuntimeException e) {
      throw new LevelException(ErrorCode.LEVEL_DECODE_ERROR,
          "stored value " + Bytes.show(stored) + " cannot be decoded as " + values.name() + ": "
              + e.getMessage(), e);
    }
  }

  List<byte[]> encodeKeys(List<K> list) {
    if (list == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "keys must not be null");
    }
    List<byte[]> out = new ArrayList<>(list.size());
    for (K k : list) {
      out.add(encodeKey(k));
    }
    return out;
  }

  List<V> decodeValues(List<byte[]> stored) {
    List<V> out = new ArrayList<>(stored.size());
    for (byte[] b : stored) {
      out.add(decodeValue(b));
    }
    return out;
  }

  List<Op<byte[], byte[]>> encodeOps(List<Op<K, V>> ops) {
    if (ops == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "batch operations must not be null");
    }
    List<Op<byte[], byte[]>> out = new ArrayList<>(ops.size());
    for (Op<K, V> op : ops) {
      out.add(encodeOp(op));
    }
    return out;
  }

  Op<byte[], byte[]> encodeOp(Op<K, V> op) {
    if (op == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "a batch operation is null");
    }
    byte[] k = encodeKey(op.key());
    switch (op.type()) {
      case PUT:
        return Op.put(k, encodeValue(op.value()));
      case DEL:
        return Op.del(k);
      default:
        return op.value() == null ? Op.expectAbsent(k) : Op.expect(k, encodeValue(op.value()));
    }
  }

  /** The op as this view's types if its key lies inside this view, else null. */
  Op<K, V> decodeOp(Op<byte[], byte[]> op) {
    if (!Bytes.startsWith(op.key(), prefix)) {
      return null;
    }
    K k = decodeKey(op.key());
    switch (op.type()) {
      case PUT:
        return Op.put(k, decodeValue(op.value()));
      case DEL:
        return Op.del(k);
      default:
        return op.value() == null ? Op.expectAbsent(k) : Op.expect(k, decodeValue(op.value()));
    }
  }

  /** The range in stored bytes: encoded bounds, or this view's prefix bounds where open. */
  Range<byte[]> encodeRange(Range<K> range) {
    if (range == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "range must not be null");
    }
    byte[] lower = range.lower() == null ? null : encodeBound(range.lower());
    boolean lowerInclusive = range.lowerInclusive();
    byte[] upper = range.upper() == null ? null : encodeBound(range.upper());
    boolean upperInclusive = range.upperInclusive();
    if (prefix.length > 0) {
      if (lower == null) {
        lower = prefix;
        lowerInclusive = true;
      }
      if (upper == null) {
        upper = Bytes.prefixEnd(prefix);
        upperInclusive = false;
      }
    }
    return Range.of(lower, lowerInclusive, upper, upperInclusive, range.isReverse(),
        range.limit());
  }

  private byte[] encodeBound(K bound) {
    try {
      return encodeKey(bound);
    } catch (LevelException e) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "range bound cannot be encoded: " + e.reason(), e);
    }
  }

  // ---- reads ---------------------------------------------------------------------------------

  @Override
  public V get(K key) {
    return get(key, null);
  }

  @Override
  public V get(K key, Snapshot snapshot) {
    return decodeValue(root.read(encodeKey(key), snapshot));
  }

  @Override
  public List<V> getMany(List<K> keyList) {
    return getMany(keyList, null);
  }

  @Override
  public List<V> getMany(List<K> keyList, Snapshot snapshot) {
    return decodeValues(root.readMany(encodeKeys(keyList), snapshot));
  }

  @Override
  public boolean has(K key) {
    return has(key, null);
  }

  @Override
  public boolean has(K key, Snapshot snapshot) {
    return root.read(encodeKey(key), snapshot) != null;
  }

  @Override
  public List<Boolean> hasMany(List<K> keyList) {
    List<byte[]> found = root.readMany(encodeKeys(keyList), null);
    List<Boolean> out = new ArrayList<>(found.size());
    for (byte[] b : found) {
      out.add(b != null);
    }
    return out;
  }

  // ---- writes --------------------------------------------------------------------------------

  @Override
  public void put(K key, V value) {
    put(key, value, WriteOptions.DEFAULT);
  }

  @Override
  public void put(K key, V value, WriteOptions options) {
    root.write(List.of(Op.put(encodeKey(key), encodeValue(value))), options);
  }

  @Override
  public void del(K key) {
    del(key, WriteOptions.DEFAULT);
  }

  @Override
  public void del(K key, WriteOptions options) {
    root.write(List.of(Op.del(encodeKey(key))), options);
  }

  @Override
  public void batch(List<Op<K, V>> ops) {
    batch(ops, WriteOptions.DEFAULT);
  }

  @Override
  public void batch(List<Op<K, V>> ops, WriteOptions options) {
    root.write(encodeOps(ops), options);
  }

  @Override
  public Batch<K, V> batch() {
    return root.track(new ChainedBatch<>(this, null));
  }

  @Override
  public void clear() {
    clear(Range.all());
  }

  @Override
  public void clear(Range<K> range) {
    root.clear(this, range);
  }

  // ---- iterators -----------------------------------------------------------------------------

  @Override
  public LevelIterator<K, Entry<K, V>> iterator() {
    return iterator(Range.all(), null);
  }

  @Override
  public LevelIterator<K, Entry<K, V>> iterator(Range<K> range) {
    return iterator(range, null);
  }

  @Override
  public LevelIterator<K, Entry<K, V>> iterator(Range<K> range, Snapshot snapshot) {
    return open(range, snapshot, true, true, new EntryDecoder<Entry<K, V>>() {
      @Override
      public Entry<K, V> decode(Entry<byte[], byte[]> e) {
        return new Entry<>(decodeKey(e.key()), decodeValue(e.value()));
      }

      @Override
      public Entry<K, V> decode(byte[] key, int keyOffset, int keyLength, byte[] value,
          int valueOffset, int valueLength) {
        return new Entry<>(decodeKey(key, keyOffset, keyLength),
            decodeValue(value, valueOffset, valueLength));
      }
    });
  }

  @Override
  public LevelIterator<K, K> keys(Range<K> range) {
    return keys(range, null);
  }

  @Override
  public LevelIterator<K, K> keys(Range<K> range, Snapshot snapshot) {
    return open(range, snapshot, true, false, new EntryDecoder<K>() {
      @Override
      public K decode(Entry<byte[], byte[]> e) {
        return decodeKey(e.key());
      }

      @Override
      public K decode(byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset,
          int valueLength) {
        return decodeKey(key, keyOffset, keyLength);
      }
    });
  }

  @Override
  public LevelIterator<K, V> values(Range<K> range) {
    return values(range, null);
  }

  @Override
  public LevelIterator<K, V> values(Range<K> range, Snapshot snapshot) {
    return open(range, snapshot, false, true, new EntryDecoder<V>() {
      @Override
      public V decode(Entry<byte[], byte[]> e) {
        return decodeValue(e.value());
      }

      @Override
      public V decode(byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset,
          int valueLength) {
        return decodeValue(value, valueOffset, valueLength);
      }
    });
  }

  private <T> LevelIterator<K, T> open(Range<K> range, Snapshot snapshot, boolean wantKeys,
      boolean wantValues, EntryDecoder<T> decode) {
    Range<byte[]> r = encodeRange(range);
    return root.openCursor(this, r, wantKeys, wantValues, snapshot, decode);
  }

  @Override
  public Snapshot snapshot() {
    return root.takeSnapshot();
  }

  // ---- structure -----------------------------------------------------------------------------

  @Override
  public Level<K, V> sublevel(String name) {
    return sublevel(name, keys, values);
  }

  @Override
  public <K2, V2> Level<K2, V2> sublevel(String name, Codec<K2> keyCodec, Codec<V2> valueCodec) {
    checkSublevelName(name);
    byte[] own = ("!" + name + "!").getBytes(StandardCharsets.US_ASCII);
    return new View<>(root, Bytes.concat(prefix, own), keyCodec, valueCodec);
  }

  @Override
  public <K2, V2> Level<K2, V2> with(Codec<K2> keyCodec, Codec<V2> valueCodec) {
    return new View<>(root, prefix, keyCodec, valueCodec);
  }

  @Override
  public Codec<K> keyCodec() {
    return keys;
  }

  @Override
  public Codec<V> valueCodec() {
    return values;
  }

  @Override
  public byte[] prefix() {
    return prefix.clone();
  }

  @Override
  public AsyncLevel<K, V> async() {
    return async;
  }

  @Override
  public Registration onWrite(Consumer<List<Op<K, V>>> listener) {
    if (listener == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "listener must not be null");
    }
    return root.addListener(this, listener);
  }

  @Override
  public Registration onClear(Consumer<Range<K>> listener) {
    if (listener == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "listener must not be null");
    }
    return root.addClearListener(this, listener);
  }

  /** {@code range}'s bounds in stored bytes, this view's prefix included. */
  Range<byte[]> storedBounds(Range<K> range) {
    return range.map(this::encodeBound);
  }

  @Override
  public Registration prewrite(PrewriteHook<K, V> hook) {
    if (hook == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "hook must not be null");
    }
    return root.addHook(this, hook);
  }

  @Override
  public Supports supports() {
    return root.engineSupports();
  }

  @Override
  public Status status() {
    return root.status();
  }

  @Override
  public Database database() {
    return root.face();
  }

  @Override
  public String toString() {
    return "Level[" + (prefix.length == 0 ? "root" : Bytes.show(prefix)) + ", " + keys.name()
        + "/" + values.name() + "]";
  }

  /** The view behind any Level of this package, or null for a foreign implementation. */
  @SuppressWarnings("unchecked")
  static <K, V> View<K, V> unwrap(Level<K, V> level) {
    if (level instanceof View) {
      return (View<K, V>) level;
    }
    if (level instanceof ForwardingDatabase) { // its bytes() is its database's own
      return (View<K, V>) (Object) ((View<?, ?>) ((ForwardingDatabase) level).bytes()).root;
    }
    return null;
  }

  private static void checkSublevelName(String name) {
    if (name == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "sublevel name must not be null");
    }
    // abstract-level's rule, so that every sublevel can also be reached from a Node peer: each
    // character above '"' (one past the separator '!') and below DEL.
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= '"' || c > '~') {
        throw new LevelException(ErrorCode.LEVEL_INVALID_PREFIX, "sublevel name \"" + name
            + "\" may only use the characters '#' to '~' (printable ASCII without space, '!' and"
            + " '\"'), as in abstract-level");
      }
    }
  }

  private static <T> Codec<T> requireCodec(Codec<T> c) {
    if (c == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "codec must not be null");
    }
    return c;
  }
}
