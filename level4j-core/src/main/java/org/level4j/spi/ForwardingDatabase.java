package org.level4j.spi;

import java.util.List;
import java.util.function.Consumer;
import org.level4j.AsyncLevel;
import org.level4j.Batch;
import org.level4j.Codec;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.Level;
import org.level4j.LevelIterator;
import org.level4j.Op;
import org.level4j.PrewriteHook;
import org.level4j.Range;
import org.level4j.Registration;
import org.level4j.Snapshot;
import org.level4j.Status;
import org.level4j.Supports;
import org.level4j.WriteOptions;

/**
 * A {@link Database} that forwards every call to the database an engine module opened, so that
 * the module can offer its own type with extra methods (RaveLevel's role and leader events, a
 * guest's connection) without re-implementing the API. Sublevels and views of it behave exactly
 * as those of the database it wraps, and their {@link Level#database()} is this object.
 */
public abstract class ForwardingDatabase implements Database {
  private final Database root;

  /**
   * Wraps {@code database}, which must come from {@link Databases#open}.
   *
   * @param database the database every call goes to
   */
  protected ForwardingDatabase(Database database) {
    Databases.forward(database, this);
    this.root = database;
  }

  @Override
  public void open() {
    root.open();
  }

  @Override
  public void close() {
    root.close();
  }

  @Override
  public Level<byte[], byte[]> bytes() {
    return root.bytes();
  }

  @Override
  public String get(String key) {
    return root.get(key);
  }

  @Override
  public String get(String key, Snapshot snapshot) {
    return root.get(key, snapshot);
  }

  @Override
  public List<String> getMany(List<String> keys) {
    return root.getMany(keys);
  }

  @Override
  public List<String> getMany(List<String> keys, Snapshot snapshot) {
    return root.getMany(keys, snapshot);
  }

  @Override
  public boolean has(String key) {
    return root.has(key);
  }

  @Override
  public boolean has(String key, Snapshot snapshot) {
    return root.has(key, snapshot);
  }

  @Override
  public List<Boolean> hasMany(List<String> keys) {
    return root.hasMany(keys);
  }

  @Override
  public void put(String key, String value) {
    root.put(key, value);
  }

  @Override
  public void put(String key, String value, WriteOptions options) {
    root.put(key, value, options);
  }

  @Override
  public void del(String key) {
    root.del(key);
  }

  @Override
  public void del(String key, WriteOptions options) {
    root.del(key, options);
  }

  @Override
  public void batch(List<Op<String, String>> ops) {
    root.batch(ops);
  }

  @Override
  public void batch(List<Op<String, String>> ops, WriteOptions options) {
    root.batch(ops, options);
  }

  @Override
  public Batch<String, String> batch() {
    return root.batch();
  }

  @Override
  public void clear() {
    root.clear();
  }

  @Override
  public void clear(Range<String> range) {
    root.clear(range);
  }

  @Override
  public LevelIterator<String, Entry<String, String>> iterator() {
    return root.iterator();
  }

  @Override
  public LevelIterator<String, Entry<String, String>> iterator(Range<String> range) {
    return root.iterator(range);
  }

  @Override
  public LevelIterator<String, Entry<String, String>> iterator(Range<String> range,
      Snapshot snapshot) {
    return root.iterator(range, snapshot);
  }

  @Override
  public LevelIterator<String, String> keys(Range<String> range) {
    return root.keys(range);
  }

  @Override
  public LevelIterator<String, String> keys(Range<String> range, Snapshot snapshot) {
    return root.keys(range, snapshot);
  }

  @Override
  public LevelIterator<String, String> values(Range<String> range) {
    return root.values(range);
  }

  @Override
  public LevelIterator<String, String> values(Range<String> range, Snapshot snapshot) {
    return root.values(range, snapshot);
  }

  @Override
  public Snapshot snapshot() {
    return root.snapshot();
  }

  @Override
  public Level<String, String> sublevel(String name) {
    return root.sublevel(name);
  }

  @Override
  public <K2, V2> Level<K2, V2> sublevel(String name, Codec<K2> keys, Codec<V2> values) {
    return root.sublevel(name, keys, values);
  }

  @Override
  public <K2, V2> Level<K2, V2> with(Codec<K2> keys, Codec<V2> values) {
    return root.with(keys, values);
  }

  @Override
  public Codec<String> keyCodec() {
    return root.keyCodec();
  }

  @Override
  public Codec<String> valueCodec() {
    return root.valueCodec();
  }

  @Override
  public byte[] prefix() {
    return root.prefix();
  }

  @Override
  public AsyncLevel<String, String> async() {
    return root.async();
  }

  @Override
  public Registration onWrite(Consumer<List<Op<String, String>>> listener) {
    return root.onWrite(listener);
  }

  @Override
  public Registration onClear(Consumer<Range<String>> listener) {
    return root.onClear(listener);
  }

  @Override
  public Registration onStatus(Consumer<Status> listener) {
    return root.onStatus(listener);
  }

  @Override
  public Registration prewrite(PrewriteHook<String, String> hook) {
    return root.prewrite(hook);
  }

  @Override
  public long revision() {
    return root.revision();
  }

  @Override
  public org.level4j.ChangeFeed changes(Range<byte[]> range, long fromRevision,
      org.level4j.ChangeListener listener) {
    return root.changes(range, fromRevision, listener);
  }

  @Override
  public Supports supports() {
    return root.supports();
  }

  @Override
  public Status status() {
    return root.status();
  }

  @Override
  public Database database() {
    return this;
  }
}
