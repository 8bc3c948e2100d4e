package org.level4j.spi;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

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
