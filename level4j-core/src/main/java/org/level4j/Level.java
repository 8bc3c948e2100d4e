package org.level4j;

import java.util.List;
import java.util.function.Consumer;

/**
 * A sorted key-value store with keys of type {@code K} and values of type {@code V}: a whole
 * {@link Database}, one of its sublevels, or a typed view of either. This is abstract-level's API
 * in Java: every implementation (memory, RocksDB, a remote guest, RaveLevel) behaves the same, as
 * the conformance suite checks.
 *
 * <p>Absent keys read as {@code null}, never as an exception. Null keys and values are rejected
 * ({@link ErrorCode#LEVEL_INVALID_KEY}, {@link ErrorCode#LEVEL_INVALID_VALUE}); empty ones are
 * allowed. Keys are ordered by their encoded bytes, unsigned.
 *
 * <p>Thread-safe: any number of threads may call any method at once. Each method has an
 * asynchronous twin in {@link #async()}.
 */
public interface Level<K, V> {
  /** The value at {@code key}, or {@code null} if absent. */
  V get(K key);

  /** The value at {@code key} as of {@code snapshot}. */
  V get(K key, Snapshot snapshot);

  /** Values of {@code keys}, in the same order, {@code null} for each absent one. */
  List<V> getMany(List<K> keys);

  List<V> getMany(List<K> keys, Snapshot snapshot);

  boolean has(K key);

  boolean has(K key, Snapshot snapshot);

  /** For each key, whether it is present. */
  List<Boolean> hasMany(List<K> keys);

  void put(K key, V value);

  void put(K key, V value, WriteOptions options);

  /** Deletes {@code key}; deleting an absent key is not an error. */
  void del(K key);

  void del(K key, WriteOptions options);

  /** Applies {@code ops} atomically: all or none. */
  void batch(List<Op<K, V>> ops);

  void batch(List<Op<K, V>> ops, WriteOptions options);

  /** A chained batch, written with {@link Batch#write()}. */
  Batch<K, V> batch();

  /** Deletes every entry of this level. */
  void clear();

  /** Deletes the entries {@code range} visits (bounds, direction and limit all apply). */
  void clear(Range<K> range);

  /** Iterates over every entry. */
  LevelIterator<K, Entry<K, V>> iterator();

  LevelIterator<K, Entry<K, V>> iterator(Range<K> range);

  LevelIterator<K, Entry<K, V>> iterator(Range<K> range, Snapshot snapshot);

  /** Iterates over keys only (cheaper: values are not read or sent). */
  LevelIterator<K, K> keys(Range<K> range);

  LevelIterator<K, K> keys(Range<K> range, Snapshot snapshot);

  /** Iterates over values only. */
  LevelIterator<K, V> values(Range<K> range);

  LevelIterator<K, V> values(Range<K> range, Snapshot snapshot);

  /**
   * Takes a snapshot of the whole database; see {@link Supports#explicitSnapshots()}. Close it
   * when done.
   */
  Snapshot snapshot();

  /**
   * A sublevel: a section of this level whose keys are stored with the prefix {@code !name!}
   * (abstract-level's layout, so data written by a Node sublevel reads the same here). It uses
   * this level's codecs. Nested sublevels stack prefixes: {@code !a!!b!key}.
   *
   * @param name printable ASCII without {@code !}
   */
  Level<K, V> sublevel(String name);

  /** A sublevel with its own codecs. */
  <K2, V2> Level<K2, V2> sublevel(String name, Codec<K2> keys, Codec<V2> values);

  /** The same data seen through other codecs. Nothing is copied. */
  <K2, V2> Level<K2, V2> with(Codec<K2> keys, Codec<V2> values);

  Codec<K> keyCodec();

  Codec<V> valueCodec();

  /** The bytes every key of this level is stored under (empty for a database). */
  byte[] prefix();

  /** The asynchronous form of every operation. */
  AsyncLevel<K, V> async();

  /**
   * Calls {@code listener} after each successful write that touched this level, with the
   * operations that fell inside it (decoded by this level's codecs), in the writing thread.
   */
  Registration onWrite(Consumer<List<Op<K, V>>> listener);

  /**
   * Calls {@code listener} after each successful {@link #clear(Range)} made through this level or
   * another view of the same section (same {@link #prefix()}), with the range as given there,
   * re-expressed in this level's codecs, in the clearing thread (abstract-level's {@code clear}
   * event). A clear is not reported to {@link #onWrite} listeners and does not run pre-write
   * hooks: the deleted keys are not read, so they cannot be listed.
   */
  Registration onClear(Consumer<Range<K>> listener);

  /** Adds a hook that runs before every write through this level; see {@link PrewriteHook}. */
  Registration prewrite(PrewriteHook<K, V> hook);

  /** What this implementation can do. */
  Supports supports();

  /** The lifecycle state of the database this level belongs to. */
  Status status();

  /** The database this level belongs to. */
  Database database();
}
