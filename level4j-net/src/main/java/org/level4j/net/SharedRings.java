package org.level4j.net;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Two one-way byte rings in a file mapped by both ends of a local connection: what one end puts
 * in its out ring, the other takes from its in ring, without a system call while both poll. The
 * socket the two ends share stays open beside it: it tells each end when the other has gone, and
 * carries a doorbell byte to an end that sleeps. How the two ends agree on it: {@link Wire}'s
 * SharedMemory frames; who switches when: {@link SocketConnection}.
 *
 * <p>Layout: a header page, then the guest-to-host ring's {@link #CAPACITY} bytes, then the
 * host-to-guest ring's. Each ring has a tail (bytes ever put, written by its producer), a head
 * (bytes ever taken, written by its consumer) and a flag its consumer sets before it sleeps in
 * the socket ({@link #sleep}), each on its own cache line.
 *
 * <p>Threads: per ring, one producing thread at a time in one process and one consuming thread
 * at a time in the other. The producer publishes its tail with a volatile write, then reads the
 * consumer's flag; the consumer sets its flag with a volatile write, then reads the tail: one of
 * the two sees the other's write, so a consumer never sleeps on data nobody rings for. Every
 * use of the mapping happens between {@link #enter} and {@link #exit}, so that {@link #close}
 * can unmap it without a thread left to touch it.
 */
final class SharedRings {
  /** Bytes per direction. */
  static final int CAPACITY = 256 * 1024;
  private static final int HEADER = 4096;
  static final long SIZE = HEADER + 2L * CAPACITY;
  private static final int MAGIC = 0x4c344a53; // "L4JS"
  /** Where the files are made: memory, never a disk. */
  static final Path DIR = Path.of("/dev/shm");
  private static final String PREFIX = "level4j-";
  private static final Pattern NAME = Pattern.compile("level4j-[0-9a-f]{32}");
  private static final long SWEEP_EVERY_MILLIS = 60_000;
  private static volatile long lastSweep = Long.MIN_VALUE / 2;
  private static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final VarHandle INTS =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
  /** Where the magic number and the capacity are, after the two rings' counters. */
  private static final int META = 2 * 3 * 64;

  private final Mapping mapping;
  private final ByteBuffer map; // mapping's buffer
  private final Path file;
  // Offsets of this end's in ring (consumed here) and out ring (produced here).
  private final int inTail;
  private final int inHead;
  private final int inSleeping;
  private final int inData;
  private final int outTail;
  private final int outHead;
  private final int outSleeping;
  private final int outData;
  private long taken; // only the consuming thread
  private long put; // only the producing thread
  /**
   * The threads inside {@link #enter}/{@link #exit} now, plus {@link #CLOSED} once {@link
   * #close} was called and {@link #UNMAPPED} once the mapping is gone: whoever leaves it at
   * CLOSED alone unmaps, so no thread touches the memory after that.
   */
  private final AtomicInteger users = new AtomicInteger();
  private static final int CLOSED = 1 << 29;
  private static final int UNMAPPED = 1 << 30;

  private SharedRings(Mapping mapping, Path file, boolean guest) {
    this.mapping = mapping;
    this.map = mapping.buffer();
    this.file = file;
    int toHost = 0;
    int toGuest = 3 * 64;
    int in = guest ? toGuest : toHost;
    int out = guest ? toHost : toGuest;
    inTail = in;
    inHead = in + 64;
    inSleeping = in + 128;
    outTail = out;
    outHead = out + 64;
    outSleeping = out + 128;
    inData = HEADER + (guest ? CAPACITY : 0);
    outData = HEADER + (guest ? 0 : CAPACITY);
    taken = (long) LONGS.getVolatile(map, inHead);
    put = (long) LONGS.getVolatile(map, outTail);
  }

  /**
   * A guest's new rings: a file of this user's only, under a random name, in {@link #DIR}. The
   * caller removes it ({@link #unlink}) once the host has answered (having mapped it or not).
   */
  static SharedRings create() throws IOException {
    long now = System.currentTimeMillis();
    if (now - lastSweep > SWEEP_EVERY_MILLIS) { // not on every reconnect: a listing costs 0.1 ms
      lastSweep = now;
      sweep();
    }
    // A name nobody can make before us is all a random one has to give: made only if new, the
    // file is ours alone, and a name taken first only costs this connection its rings.
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    Path file = DIR.resolve(PREFIX + hex16(random.nextLong()) + hex16(random.nextLong()));
    try (FileChannel ch = FileChannel.open(file, EnumSet.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      try {
        Mapping m = Mapping.of(ch, SIZE);
        m.buffer().putInt(META, MAGIC);
        m.buffer().putInt(META + 4, CAPACITY);
        return new SharedRings(m, file, true);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(file);
        throw e;
      }
    }
  }

  /**
   * A host's view of the rings a guest of this user made, named {@code name}; an IOException
   * naming what is wrong if the name is not one of ours, or the file is not a regular file of
   * this user's only, of the right size and kind.
   */
  static SharedRings open(String name) throws IOException {
    if (!NAME.matcher(name).matches()) {
      throw new IOException("not a shared memory name of level4j: " + name);
    }
    Path file = DIR.resolve(name);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ,
        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      // One stat for all of them (each attribute asked alone is a stat of its own).
      java.util.Map<String, Object> a = Files.readAttributes(file,
          "unix:uid,mode,isRegularFile,size", LinkOption.NOFOLLOW_LINKS);
      int uid = (Integer) a.get("uid");
      int mode = (Integer) a.get("mode");
      long size = (Long) a.get("size");
      if (!(Boolean) a.get("isRegularFile") || uid != UnixPeers.ownUid() || (mode & 077) != 0
          || size != SIZE) {
        throw new IOException(file + " is not a shared memory file of this user's only ("
            + "uid " + uid + ", mode " + Integer.toOctalString(mode & 0777) + ", " + size
            + " bytes)");
      }
      Mapping m = Mapping.of(ch, SIZE);
      if (m.buffer().getInt(META) != MAGIC || m.buffer().getInt(META + 4) != CAPACITY) {
        m.unmap();
        throw new IOException(file + " does not hold level4j's shared rings");
      }
      return new SharedRings(m, file, false);
    }
  }

  private static String hex16(long v) {
    String h = Long.toHexString(v);
    return "0".repeat(16 - h.length()) + h;
  }

  /** The file's name, for the host ({@link #open}). */
  String name() {
    return file.getFileName().toString();
  }

  /**
   * Lets the calling thread read and write the rings until its {@link #exit}; false, with
   * nothing to exit, once they are closed.
   */
  boolean enter() {
    if ((users.getAndIncrement() & CLOSED) == 0) {
      return true;
    }
    exit();
    return false;
  }

  /** The calling thread is done with the rings for now. */
  void exit() {
    if (users.decrementAndGet() == CLOSED) {
      unmapOnce();
    }
  }

  /**
   * No thread enters the rings from now on, and this end's mapping goes once the threads inside
   * have left (a thread waiting in them is woken by the connection's close). Until then, or if
   * this JVM gives no way to unmap (see {@link Mapping}), the mapping goes when the buffer is
   * collected, as any mapped buffer's does.
   */
  void close() {
    int u;
    do {
      u = users.get();
      if ((u & CLOSED) != 0) {
        return;
      }
    } while (!users.compareAndSet(u, u | CLOSED));
    if (u == 0) {
      unmapOnce();
    }
  }

  private void unmapOnce() {
    if (users.compareAndSet(CLOSED, CLOSED | UNMAPPED)) {
      mapping.unmap();
    }
  }

  /** Removes the file; the mapping stays until both ends drop it. */
  void unlink() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // sweep() removes it later
    }
  }

  /**
   * Removes this user's files that a guest killed between making one and its host mapping it
   * left behind (older than a minute; a handshake takes milliseconds).
   */
  private static void sweep() {
    long old = System.currentTimeMillis() - 60_000;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(DIR, PREFIX + "*")) {
      for (Path f : files) {
        try {
          FileTime t = Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS);
          int uid = (Integer) Files.getAttribute(f, "unix:uid", LinkOption.NOFOLLOW_LINKS);
          if (t.toMillis() < old && uid == UnixPeers.ownUid()) {
            Files.deleteIfExists(f);
          }
        } catch (IOException | RuntimeException ignored) {
          // another guest swept it, or it is not ours
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // nothing to sweep
    }
  }

  /**
   * Takes what the in ring holds into {@code dst}, without waiting: bytes taken, 0 if none.
   * An IOException if the peer's tail makes no sense (the file was written by something else).
   */
  int poll(ByteBuffer dst) throws IOException {
    long tail = (long) LONGS.getAcquire(map, inTail);
    long held = tail - taken;
    if (held == 0) {
      return 0;
    }
    if (held < 0 || held > CAPACITY) {
      throw new Malformed("the peer's shared ring says it holds " + held + " bytes");
    }
    int n = (int) Math.min(held, dst.remaining());
    int at = (int) (taken & (CAPACITY - 1));
    int first = Math.min(n, CAPACITY - at);
    int p = dst.position();
    dst.put(p, map, inData + at, first);
    if (n > first) {
      dst.put(p + first, map, inData, n - first);
    }
    dst.position(p + n);
    taken += n;
    LONGS.setRelease(map, inHead, taken);
    return n;
  }

  /**
   * Puts as much of {@code src} as fits into the out ring: bytes put (0 when full). After it,
   * {@link #peerSleeps()} tells whether the caller must ring the doorbell.
   */
  int offer(ByteBuffer src) throws IOException {
    long head = (long) LONGS.getAcquire(map, outHead);
    long free = CAPACITY - (put - head);
    if (free < 0 || free > CAPACITY) {
      throw new Malformed("the peer's shared ring says it took " + head + " of " + put + " bytes");
    }
    int n = (int) Math.min(free, src.remaining());
    if (n == 0) {
      return 0;
    }
    int at = (int) (put & (CAPACITY - 1));
    int first = Math.min(n, CAPACITY - at);
    int p = src.position();
    map.put(outData + at, src, p, first);
    if (n > first) {
      map.put(outData, src, p + first, n - first);
    }
    src.position(p + n);
    put += n;
    LONGS.setVolatile(map, outTail, put);
    return n;
  }

  /**
   * After an offer: whether the peer sleeps waiting for it, in which case this call has claimed
   * the doorbell, and the caller rings it (one byte on the socket).
   */
  boolean peerSleeps() {
    return (int) INTS.getVolatile(map, outSleeping) != 0
        && INTS.compareAndSet(map, outSleeping, 1, 0);
  }

  /**
   * Before sleeping in the socket: marks this end asleep, and returns false (and unmarks it)
   * if data came meanwhile, to be taken at once instead.
   */
  boolean sleep() {
    INTS.setVolatile(map, inSleeping, 1);
    if ((long) LONGS.getVolatile(map, inTail) != taken) {
      INTS.compareAndSet(map, inSleeping, 1, 0); // if it fails, a doorbell is on its way
      return false;
    }
    return true;
  }
}
