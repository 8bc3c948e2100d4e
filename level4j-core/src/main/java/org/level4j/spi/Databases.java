package org.level4j.spi;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.Range;
import org.level4j.Snapshot;

/**
 * What an engine module does with databases: open one over its engine, and see an open one as an
 * engine to delegate to, engine to engine.
 */
public final class Databases {
  /*
   * The core's classes that do this are package-private, so that applications see only the API.
   * Java has no friend packages: this class finds the core's entries (SpiAccess, in the same jar)
   * once, by a private lookup, which a class of the same module may always make.
   */
  private static final MethodHandle OPEN;
  private static final MethodHandle ENGINE;
  private static final MethodHandle FORWARD;
  private static final MethodHandle ITERATOR;

  static {
    try {
      Class<?> access = Class.forName("org.level4j.SpiAccess");
      MethodHandles.Lookup lookup =
          MethodHandles.privateLookupIn(access, MethodHandles.lookup());
      OPEN = lookup.findStatic(access, "open", MethodType.methodType(Database.class, Engine.class));
      ENGINE = lookup.findStatic(access, "engine",
          MethodType.methodType(Engine.class, Database.class));
      FORWARD = lookup.findStatic(access, "forward",
          MethodType.methodType(void.class, Database.class, Database.class));
      ITERATOR = lookup.findStatic(access, "iterator", MethodType.methodType(LevelIterator.class,
          Database.class, Range.class, Snapshot.class, boolean.class, boolean.class,
          EntryDecoder.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Databases() {}

  /**
   * Opens a database over {@code engine}: the core then does everything users see (codecs,
   * sublevels, hooks, events, lifecycle) on top of the engine's primitives.
   *
   * @param engine the engine, not yet open
   * @return the open database
   */
  public static Database open(Engine engine) {
    try {
      return (Database) OPEN.invokeExact(engine);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED, e.toString(), e);
    }
  }

  /**
   * {@code database} seen as an engine: each call goes through the database's gate (so closing
   * it waits for calls in progress) straight to its engine, with no codecs, hooks or listeners.
   * Its snapshots and iterators are the database's, closed with it; it neither opens nor closes
   * the database. An engine that delegates to another database (RaveLevel's to its leader) uses
   * it instead of that database's API.
   *
   * @param database a database opened with {@link #open}, or a forwarding database of one
   * @return the engine-level view of it
   */
  public static Engine engine(Database database) {
    try {
      return (Engine) ENGINE.invokeExact(database);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, e.toString(), e);
    }
  }

  /**
   * An iterator over {@code database}'s stored keys and values that hands each entry, as the
   * engine read it, to {@code decoder}, and yields what that returns: for a component that only
   * copies entries elsewhere (the network host writes them into its frames) and so need not
   * make an array of each key and value first. Otherwise it is {@code
   * database.bytes().iterator(range, snapshot)}: the same range, limit, seeks (a target outside
   * the range ends it until the next seek), busy check and closing with the database.
   *
   * <p>The decoder is called as engines call the core's (see {@link EntryDecoder}): once per
   * entry, in order, on the thread that completes the read, one read at a time. An exception it
   * throws fails that read.
   *
   * @param <T> what the iterator yields
   * @param database a database opened with {@link #open}, or a forwarding database of one
   * @param range the stored keys to read
   * @param snapshot an explicit snapshot of {@code database} to read, or null for the
   *     iterator's own
   * @param keys whether the decoder is given keys (otherwise their length is -1)
   * @param values whether the decoder is given values (otherwise their length is -1)
   * @param decoder turns each entry into what the iterator yields
   * @return the open iterator; close it
   * @throws LevelException {@code LEVEL_INVALID_ARGUMENT} for a database of another kind, and
   *     as {@code database.bytes().iterator} otherwise
   */
  @SuppressWarnings("unchecked")
  public static <T> LevelIterator<byte[], T> iterator(Database database, Range<byte[]> range,
      Snapshot snapshot, boolean keys, boolean values, EntryDecoder<T> decoder) {
    try {
      return (LevelIterator<byte[], T>) ITERATOR.invokeExact(database, range, snapshot, keys,
          values, (EntryDecoder<Object>) (EntryDecoder<?>) decoder);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, e.toString(), e);
    }
  }

  /** For {@link ForwardingDatabase}: {@code face} now stands for {@code database}. */
  static void forward(Database database, Database face) {
    try {
      FORWARD.invokeExact(database, face);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, e.toString(), e);
    }
  }
}
