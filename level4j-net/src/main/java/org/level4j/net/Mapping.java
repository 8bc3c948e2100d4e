package org.level4j.net;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A file mapped into memory that can be unmapped at once, instead of when the collector finds its
 * buffer unreachable, which for a buffer that lived long enough to be promoted may be never in a
 * process that allocates little: a host held the shared rings of every guest that had ever
 * connected (half a MiB of address space and a map count each, and the pages written in {@code
 * /dev/shm}).
 *
 * <p>How, by Java version, found at run time (level4j is built for Java 17):
 * <ul>
 *   <li>22 and later: the file is mapped into a shared {@code java.lang.foreign.Arena}, and
 *       closing the arena unmaps it;
 *   <li>17 to 21: {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported), which prints
 *       a deprecation warning on Java 25 (seen; JEP 498 made such warnings the default from 24);
 *   <li>if neither is available: the collector unmaps, as for any mapped buffer.
 * </ul>
 * Touching the buffer after {@link #unmap} may crash the JVM: callers make sure no thread will
 * ({@link SharedRings#close}).
 */
final class Mapping {
  /** How mappings are unmapped in this JVM: "arena", "cleaner" or "collector". */
  static final String HOW;
  private static final MethodHandle ARENA_OF_SHARED;
  private static final MethodHandle MAP_IN_ARENA;
  private static final MethodHandle AS_BYTE_BUFFER;
  private static final MethodHandle INVOKE_CLEANER;

  static {
    MethodHandle ofShared = null;
    MethodHandle mapIn = null;
    MethodHandle asBuffer = null;
    MethodHandle cleaner = null;
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    if (Runtime.version().feature() >= 22) {
      try {
        Class<?> arena = Class.forName("java.lang.foreign.Arena");
        Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
        ofShared = lookup.findStatic(arena, "ofShared", MethodType.methodType(arena));
        mapIn = lookup.findVirtual(FileChannel.class, "map", MethodType.methodType(segment,
            FileChannel.MapMode.class, long.class, long.class, arena));
        asBuffer = lookup.findVirtual(segment, "asByteBuffer",
            MethodType.methodType(ByteBuffer.class));
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        ofShared = null;
      }
    } else {
      try {
        Class<?> unsafe = Class.forName("sun.misc.Unsafe");
        Field the = unsafe.getDeclaredField("theUnsafe");
        the.setAccessible(true);
        cleaner = lookup.findVirtual(unsafe, "invokeCleaner",
            MethodType.methodType(void.class, ByteBuffer.class)).bindTo(the.get(null));
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        cleaner = null; // jdk.unsupported not in the module graph
      }
    }
    ARENA_OF_SHARED = ofShared;
    MAP_IN_ARENA = mapIn;
    AS_BYTE_BUFFER = asBuffer;
    INVOKE_CLEANER = cleaner;
    HOW = ofShared != null ? "arena" : cleaner != null ? "cleaner" : "collector";
  }

  private final ByteBuffer buffer;
  /** The arena it was mapped in (an AutoCloseable), or null. */
  private final AutoCloseable arena;

  private Mapping(ByteBuffer buffer, AutoCloseable arena) {
    this.buffer = buffer;
    this.arena = arena;
  }

  /** The first {@code size} bytes of {@code channel}'s file, mapped to read and write. */
  static Mapping of(FileChannel channel, long size) throws IOException {
    if (ARENA_OF_SHARED == null) {
      return new Mapping(channel.map(FileChannel.MapMode.READ_WRITE, 0, size), null);
    }
    AutoCloseable arena;
    try {
      arena = (AutoCloseable) ARENA_OF_SHARED.invoke();
    } catch (Throwable e) {
      throw new IllegalStateException("cannot make an arena", e);
    }
    try {
      Object segment = MAP_IN_ARENA.invoke(channel, FileChannel.MapMode.READ_WRITE, 0L, size,
          arena);
      return new Mapping((ByteBuffer) AS_BYTE_BUFFER.invoke(segment), arena);
    } catch (Throwable e) {
      closeQuietly(arena);
      if (e instanceof IOException io) {
        throw io;
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException("cannot map " + size + " bytes", e);
    }
  }

  /** The mapped bytes. */
  ByteBuffer buffer() {
    return buffer;
  }

  /**
   * Unmaps the file now if this JVM allows it (see {@link #HOW}). Call it once, when no thread
   * will touch the buffer again.
   */
  void unmap() {
    if (arena != null) {
      closeQuietly(arena);
    } else if (INVOKE_CLEANER != null) {
      try {
        INVOKE_CLEANER.invokeExact(buffer);
      } catch (Throwable e) { // it refuses only buffers that are not direct or are slices
        Host.LOG.log(System.Logger.Level.DEBUG, "could not unmap a shared memory buffer", e);
      }
    }
  }

  private static void closeQuietly(AutoCloseable arena) {
    try {
      arena.close();
    } catch (Exception e) {
      Host.LOG.log(System.Logger.Level.DEBUG, "could not unmap a shared memory buffer", e);
    }
  }
}
