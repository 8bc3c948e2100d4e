package org.level4j.net;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;

/**
 * Unmaps a mapped buffer at once instead of when the collector finds it unreachable, which for a
 * buffer that lived long enough to be promoted may be never in a process that allocates little:
 * a host held the shared rings of every guest that had ever connected (half a MiB of address
 * space and a map count each, and the pages the guest wrote in {@code /dev/shm}).
 *
 * <p>Java 17 has no public way to do it; {@code sun.misc.Unsafe.invokeCleaner} (module
 * jdk.unsupported) does, and is used up to Java 23. From Java 24 on, that method prints a
 * deprecation warning on first use, so there the buffer is left to the collector as before.
 * Unmapping a buffer that a thread then reads or writes crashes the JVM: callers must make sure
 * none will ({@link SharedRings#close}).
 */
final class Unmapper {
  private static final MethodHandle INVOKE_CLEANER = find();

  private Unmapper() {}

  /** Whether {@link #unmap} unmaps in this JVM (for tests). */
  static boolean unmaps() {
    return INVOKE_CLEANER != null;
  }

  /** Unmaps {@code buffer} now if this JVM allows it; otherwise does nothing. */
  static void unmap(MappedByteBuffer buffer) {
    if (INVOKE_CLEANER == null) {
      return;
    }
    try {
      INVOKE_CLEANER.invokeExact((ByteBuffer) buffer);
    } catch (Throwable e) { // it refuses only buffers that are not direct or are slices
      Host.LOG.log(System.Logger.Level.DEBUG, "could not unmap a shared memory buffer", e);
    }
  }

  private static MethodHandle find() {
    if (Runtime.version().feature() >= 24) {
      return null;
    }
    try {
      Class<?> unsafe = Class.forName("sun.misc.Unsafe");
      Field the = unsafe.getDeclaredField("theUnsafe");
      the.setAccessible(true);
      return MethodHandles.lookup().findVirtual(unsafe, "invokeCleaner",
          MethodType.methodType(void.class, ByteBuffer.class)).bindTo(the.get(null));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null; // jdk.unsupported not in the module graph: the collector unmaps
    }
  }
}
