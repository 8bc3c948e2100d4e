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
  /**
   * Reads one key.
   *
   * @param key the key to read
   * @return the value at {@code key}, or {@code null} if absent
   */
  V get(K key);

  /**
   * Reads one key as it was when {@code snapshot} was taken.
   *
   * @param key the key to read
   * @param snapshot from {@link #snapshot()} of the same database
   * @return the value at {@code key} as of {@code snapshot}, or {@code null} if absent then
   */
  V get(K key, Snapshot snapshot);

  /**
   * Reads several keys in one call.
   *
   * @param keys the keys to read
   * @return their values, in the order of {@code keys}, {@code null} for each absent one
   */
  List<V> getMany(List<K> keys);

  /**
   * Reads several keys as they were when {@code snapshot} was taken.
   *
   * @param keys the keys to read
   * @param snapshot from {@link #snapshot()} of the same database
   * @return their values, in the order of {@code keys}, {@code null} for each absent one
   */
  List<V> getMany(List<K> keys, Snapshot snapshot);

  /**
   * Tells whether a key is present.
   *
   * @param key the key to look up
   * @return true if {@code key} holds a value
   */
  boolean has(K key);

  /**
   * Tells whether a key was present when {@code snapshot} was taken.
   *
   * @param key the key to look up
   * @param snapshot from {@link #snapshot()} of the same database
   * @return true if {@code key} held a value then
   */
  boolean has(K key, Snapshot snapshot);

  /**
   * Tells for each of several keys whether it is present.
   *
   * @param keys the keys to look up
   * @return for each key, in order, whether it holds a value
   */
  List<Boolean> hasMany(List<K> keys);

  /**
   * Writes {@code value} at {@code key}, replacing any value there.
   *
   * @param key the key to write
   * @param value its new value, not {@code null}
   */
  void put(K key, V value);

  /**
   * Writes {@code value} at {@code key} with write options (durability, a request id).
   *
   * @param key the key to write
   * @param value its new value, not {@code null}
   * @param options how to write, such as {@link WriteOptions#SYNC}
   */
  void put(K key, V value, WriteOptions options);

  /**
   * Deletes {@code key}; deleting an absent key is not an error.
   *
   * @param key the key to delete
   */
  void del(K key);

  /**
   * Deletes {@code key} with write options; deleting an absent key is not an error.
   *
   * @param key the key to delete
   * @param options how to write, such as {@link WriteOptions#SYNC}
   */
  void del(K key, WriteOptions options);

  /**
   * Applies {@code ops} atomically: all or none.
   *
   * @param ops puts, dels and preconditions ({@link Op#expect}), applied in order
   * @throws LevelException {@link ErrorCode#LEVEL_CONFLICT} if a precondition does not hold;
   *     nothing is written then
   */
  void batch(List<Op<K, V>> ops);

  /**
   * Applies {@code ops} atomically, with write options.
   *
   * @param ops puts, dels and preconditions ({@link Op#expect}), applied in order
   * @param options how to write; with a {@link RequestId}, a retried batch is applied once
   * @throws LevelException {@link ErrorCode#LEVEL_CONFLICT} if a precondition does not hold;
   *     nothing is written then
   */
  void batch(List<Op<K, V>> ops, WriteOptions options);

  /**
   * Starts a chained batch, written with {@link Batch#write()}.
   *
   * @return an empty batch on this level
   */
  Batch<K, V> batch();

  /** Deletes every entry of this level. */
  void clear();

  /**
   * Deletes the entries {@code range} visits (bounds, direction and limit all apply).
   *
   * @param range which entries to delete
   */
  void clear(Range<K> range);

  /**
   * Iterates over every entry, in key order. Close the iterator when done.
   *
   * @return an iterator reading from an implicit snapshot taken now
   */
  LevelIterator<K, Entry<K, V>> iterator();

  /**
   * Iterates over the entries in {@code range}. Close the iterator when done.
   *
   * @param range bounds, direction and limit
   * @return an iterator reading from an implicit snapshot taken now
   */
  LevelIterator<K, Entry<K, V>> iterator(Range<K> range);

  /**
   * Iterates over the entries in {@code range} as they were when {@code snapshot} was taken.
   *
   * @param range bounds, direction and limit
   * @param snapshot from {@link #snapshot()} of the same database
   * @return an iterator reading from {@code snapshot}
   */
  LevelIterator<K, Entry<K, V>> iterator(Range<K> range, Snapshot snapshot);

  /**
   * Iterates over keys only (cheaper: values are not read or sent).
   *
   * @param range bounds, direction and limit
   * @return an iterator over the keys in {@code range}
   */
  LevelIterator<K, K> keys(Range<K> range);

  /**
   * Iterates over keys only, as they were when {@code snapshot} was taken.
   *
   * @param range bounds, direction and limit
   * @param snapshot from {@link #snapshot()} of the same database
   * @return an iterator over the keys in {@code range}
   */
  LevelIterator<K, K> keys(Range<K> range, Snapshot snapshot);

  /**
   * Iterates over values only.
   *
   * @param range bounds, direction and limit
   * @return an iterator over the values of the entries in {@code range}, in key order
   */
  LevelIterator<K, V> values(Range<K> range);

  /**
   * Iterates over values only, as they were when {@code snapshot} was taken.
   *
   * @param range bounds, direction and limit
   * @param snapshot from {@link #snapshot()} of the same database
   * @return an iterator over the values of the entries in {@code range}, in key order
   */
  LevelIterator<K, V> values(Range<K> range, Snapshot snapshot);

  /**
   * Takes a snapshot of the whole database; see {@link Supports#explicitSnapshots()}. Close it
   * when done.
   *
   * @return a snapshot to pass to reads and iterators
   */
  Snapshot snapshot();

  /**
   * A sublevel: a section of this level whose keys are stored with the prefix {@code !name!}
   * (abstract-level's layout, so data written by a Node sublevel reads the same here). It uses
   * this level's codecs. Nested sublevels stack prefixes: {@code !a!!b!key}.
   *
   * @param name printable ASCII without {@code !}
   * @return the sublevel; nothing is written to create it
   */
  Level<K, V> sublevel(String name);

  /**
   * A sublevel with its own codecs.
   *
   * @param <K2> the sublevel's key type
   * @param <V2> the sublevel's value type
   * @param name printable ASCII without {@code !}
   * @param keys the sublevel's key codec
   * @param values the sublevel's value codec
   * @return the sublevel; nothing is written to create it
   */
  <K2, V2> Level<K2, V2> sublevel(String name, Codec<K2> keys, Codec<V2> values);

  /**
   * The same data seen through other codecs. Nothing is copied.
   *
   * @param <K2> the view's key type
   * @param <V2> the view's value type
   * @param keys the view's key codec
   * @param values the view's value codec
   * @return a view of this level
   */
  <K2, V2> Level<K2, V2> with(Codec<K2> keys, Codec<V2> values);

  /**
   * How this level encodes its keys.
   *
   * @return the key codec
   */
  Codec<K> keyCodec();

  /**
   * How this level encodes its values.
   *
   * @return the value codec
   */
  Codec<V> valueCodec();

  /**
   * The bytes every key of this level is stored under.
   *
   * @return a copy of the prefix; empty for a database
   */
  byte[] prefix();

  /**
   * The asynchronous form of every operation.
   *
   * @return this level's asynchronous view
   */
  AsyncLevel<K, V> async();

  /**
   * Calls {@code listener} after each successful write that touched this level, with the
   * operations that fell inside it (decoded by this level's codecs), in the writing thread.
   *
   * @param listener receives the operations of each write
   * @return close it to stop listening
   */
  Registration onWrite(Consumer<List<Op<K, V>>> listener);

  /**
   * Calls {@code listener} after each successful {@link #clear(Range)} made through this level or
   * another view of the same section (same {@link #prefix()}), with the range as given there,
   * re-expressed in this level's codecs, in the clearing thread (abstract-level's {@code clear}
   * event). A clear is not reported to {@link #onWrite} listeners and does not run pre-write
   * hooks: the deleted keys are not read, so they cannot be listed.
   *
   * @param listener called with the range of each clear
   * @return close it to remove the listener
   */
  Registration onClear(Consumer<Range<K>> listener);

  /**
   * Adds a hook that runs before every write through this level; see {@link PrewriteHook}.
   *
   * @param hook sees each operation and may add to or reject the write
   * @return close it to remove the hook
   */
  Registration prewrite(PrewriteHook<K, V> hook);

  /**
   * What this implementation can do.
   *
   * @return the features of the engine under this level
   */
  Supports supports();

  /**
   * The lifecycle state of the database this level belongs to.
   *
   * @return open, closed, or on the way
   */
  Status status();

  /**
   * The database this level belongs to.
   *
   * @return the root of this level
   */
  Database database();
}
