package org.level4j.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * A {@link Connection} over a blocking NIO socket channel (Unix domain or TCP). Writes from heap
 * buffers go through one direct buffer of this connection: the JDK would otherwise copy them into
 * a temporary direct buffer cached per writing thread, and many threads write here.
 *
 * <p>The connections of guests and hosts ({@link #quiet}) are {@link QuietConnection}s: their
 * channel is in non-blocking mode and reads and writes wait on selectors of their own, because a
 * thread interrupted in a blocking channel operation closes the channel, and in a guest any
 * caller waiting for its answer may read. Before a read sleeps, it may poll the socket for a
 * short while ({@link Spin}).
 */
class SocketConnection implements Connection {
  private static final int CHUNK = 256 * 1024;

  final SocketChannel channel;
  private final String name;
  private ByteBuffer direct; // only touched by the one writing thread

  SocketConnection(SocketChannel channel, String name) {
    this.channel = channel;
    this.name = name;
  }

  /** Whether the peer runs as this process's user, over a Unix socket. */
  boolean peerIsOwnUser() {
    return UnixPeers.isOwnUser(channel);
  }

  /**
   * The user (name, or number if it has none) of the process at the other end of this Unix
   * socket when it is not this process's user; null if it is, or if the platform does not say.
   */
  String peerUnlessOwnUser() {
    return UnixPeers.otherUser(channel);
  }

  /** A guest's connection over {@code channel}: non-blocking, waiting on selectors. */
  static Connection quiet(SocketChannel channel, String name) throws IOException {
    return new Quiet(channel, name);
  }

  /*
   * Shared memory (Wire's SharedMemory frames; SharedRings): a guest's Quiet connection made by
   * Connection.unixSharedMemory offers rings as its first frame; a host's Quiet connection whose
   * peer runs as its own user takes them. Each side then switches its two directions at the
   * points the frames mark: reads at the frame that says so (the host's answer, the guest's
   * SharedMemoryNow), writes after the end of its own such frame in the stream (Outbox.appended).
   * These hooks do nothing on other connections.
   */

  /** A guest's, before it is used: offer the host shared memory (Connection.unixSharedMemory). */
  static void wantRings(Connection c) {
    if (c instanceof Quiet q) {
      q.wantsRings = true;
    }
  }

  /**
   * A host's: whether its guest on {@code c} could offer shared memory (a Unix socket; whether
   * the guest runs as this user is asked only when an offer comes).
   */
  static boolean mayShareMemory(Connection c) {
    return c instanceof Quiet q && q.unix;
  }

  /** A guest's: whether it would offer shared memory now (it wants to and has not yet). */
  static boolean wouldOffer(Connection c) {
    return c instanceof Quiet q && q.wantsRings && SHARED_MEMORY && q.rings == null;
  }

  /** A guest's: the rings to offer, or null (not offering). */
  static SharedRings offer(Connection c) {
    return c instanceof Quiet q ? q.offer() : null;
  }

  /** A host's: maps the rings a guest offered, or returns null to refuse them. */
  static SharedRings take(Connection c, String name) {
    return c instanceof Quiet q ? q.take(name) : null;
  }

  /** A guest's: the host answered its offer (its file is removed either way). */
  static void answered(Connection c, boolean accepted) {
    if (c instanceof Quiet q) {
      q.answered(accepted);
    }
  }

  /** Reads come from the rings from now on. */
  static void readRings(Connection c) {
    if (c instanceof Quiet q) {
      q.readRings();
    }
  }

  /** Writes go to the rings from stream position {@code position} on (bytes ever written). */
  static void writeRingsFrom(Connection c, long position) {
    if (c instanceof Quiet q) {
      q.writeRingsFrom(position);
    }
  }

  /** Whether {@code c} reads and writes shared memory now (for tests). */
  static boolean sharesMemory(Connection c) {
    return c instanceof Quiet q && q.readRings != null && q.ringsFrom != Long.MAX_VALUE;
  }

  /**
   * Whether the thread that now reads {@code c} polls it yielding its processor while the
   * machine's are all taken (Spin), or sleeps at once: yes for a thread that waits for one
   * answer, no for a guest's reader thread, which reads many in a row. Set by the thread that
   * takes the reading turn.
   */
  static void yieldWhileBusy(Connection c, boolean yes) {
    if (c instanceof Quiet q) {
      q.yieldWhileBusy = yes;
    }
  }

  /** What {@link #yieldWhileBusy} last set on {@code c}; null if {@code c} is no such socket. */
  static Boolean yieldsWhileBusy(Connection c) {
    return c instanceof Quiet q ? q.yieldWhileBusy : null;
  }

  /** Whether guests offer shared memory: system property {@code level4j.sharedMemory}. */
  static final boolean SHARED_MEMORY = !"false".equals(System.getProperty("level4j.sharedMemory"));

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return channel.read(dst);
  }

  @Override
  public void write(ByteBuffer src) throws IOException {
    if (src.isDirect()) {
      writeFully(src);
      return;
    }
    int want = Math.min(CHUNK, src.remaining());
    if (direct == null || direct.capacity() < want) {
      direct = ByteBuffer.allocateDirect(Math.max(16 * 1024, Integer.highestOneBit(want - 1) << 1));
    }
    while (src.hasRemaining()) {
      direct.clear();
      int n = Math.min(direct.capacity(), src.remaining());
      direct.put(0, src, src.position(), n);
      direct.limit(n);
      src.position(src.position() + n);
      writeFully(direct);
    }
  }

  void writeFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Nothing to do: the socket is gone either way.
    }
  }

  @Override
  public String toString() {
    return name;
  }

  /**
   * The non-blocking kind. One selector waits for readable data (only the one reading thread
   * uses it), one for room to write (only the one writing thread). Closing closes both selectors,
   * which wakes a waiting thread and lets the channel's socket be released.
   */
  private static final class Quiet extends SocketConnection implements QuietConnection {
    private final Selector readable;
    private final Selector writable;
    /** Over a Unix socket: the peer runs on this machine. */
    private final boolean unix;
    private final Spin spin;
    private final Spin.Poll poll = channel::read; // one object, not one per wait
    /**
     * The last read slept and then took everything the socket held: the next read waits at once
     * instead of first trying a read that would find nothing. A sequential caller's read after
     * its request, and its host's read after the answer, find nothing every time: measured at
     * bench --followers 4, that try was one of the four system calls of each wait (read, wait,
     * read). Where data often waits already (pipelined requests, a stream of iterator data), a
     * read that does not take everything, or a poll that pays, turns the try back on. Only the
     * one reading thread uses it.
     */
    private boolean drained;
    /** The reading thread's: see yieldWhileBusy. */
    private boolean yieldWhileBusy = true;
    /** A guest's: offer shared memory (Connection.unixSharedMemory). */
    boolean wantsRings;
    /** The rings offered (a guest's, until answered) or taken. */
    private volatile SharedRings rings;
    private SharedRings offered; // a guest's, until answered; removed on close at the latest
    /** Set once, by the reading thread: reads come from these rings. */
    private volatile SharedRings readRings;
    /** Writes go to the rings from this stream position on (never: Long.MAX_VALUE). */
    private volatile long ringsFrom = Long.MAX_VALUE;
    private long written; // bytes handed to write(): the stream position (writing thread)
    private Spin.Poll sharedPoll;
    private final ByteBuffer bellIn = ByteBuffer.allocateDirect(64); // reading thread only
    private final ByteBuffer bellOut = ByteBuffer.allocateDirect(1); // writing thread only

    Quiet(SocketChannel channel, String name) throws IOException {
      super(channel, name);
      unix = channel.getLocalAddress() instanceof java.net.UnixDomainSocketAddress;
      spin = new Spin(unix);
      Selector r = null;
      Selector w = null;
      try {
        channel.configureBlocking(false);
        r = Selector.open();
        w = Selector.open();
        channel.register(r, SelectionKey.OP_READ);
        channel.register(w, SelectionKey.OP_WRITE);
      } catch (IOException | RuntimeException e) {
        closeQuietly(r);
        closeQuietly(w);
        throw e;
      }
      this.readable = r;
      this.writable = w;
    }

    synchronized SharedRings offer() {
      if (!wantsRings || !SHARED_MEMORY || rings != null) {
        return null;
      }
      try {
        offered = SharedRings.create();
      } catch (IOException | RuntimeException | LinkageError e) {
        return null; // no shared memory here (no /dev/shm, not Linux): the socket carries it all
      }
      if (!channel.isOpen()) { // closed meanwhile: close() found no rings to unmap
        offered.unlink();
        offered.close();
        offered = null;
        return null;
      }
      sharedPoll = offered::poll;
      rings = offered;
      return offered;
    }

    synchronized SharedRings take(String name) {
      if (rings != null || !peerIsOwnUser()) { // asked only of a guest that offers
        Host.LOG.log(System.Logger.Level.WARNING, "refused a guest's shared memory on " + this
            + ": " + (rings != null ? "it offered twice"
            : "it is not a peer of this process's user over a Unix socket"));
        return null;
      }
      try {
        SharedRings taken = SharedRings.open(name);
        if (!channel.isOpen()) { // closed meanwhile: close() found no rings to unmap
          taken.close();
          return null;
        }
        sharedPoll = taken::poll;
        rings = taken;
        return taken;
      } catch (IOException | RuntimeException | LinkageError e) {
        Host.LOG.log(System.Logger.Level.WARNING, "refused a guest's shared memory on " + this
            + ", carrying on over the socket: " + e);
        return null;
      }
    }

    synchronized void answered(boolean accepted) {
      if (offered != null) {
        offered.unlink(); // both ends have mapped it, or the host never will
        offered = null;
        if (accepted) {
          readRings = rings;
        } else {
          rings.close();
          rings = null;
        }
      }
    }

    void readRings() {
      if (rings == null) {
        throw new Malformed("SharedMemoryNow without shared memory");
      }
      readRings = rings;
    }

    void writeRingsFrom(long position) {
      ringsFrom = position;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      SharedRings s = readRings;
      if (s == null) {
        return readSocket(dst);
      }
      if (!s.enter()) {
        throw new AsynchronousCloseException();
      }
      try {
        return readShared(s, dst);
      } finally {
        s.exit();
      }
    }

    private int readSocket(ByteBuffer dst) throws IOException {
      int n;
      if (!drained || !dst.hasRemaining()) {
        n = channel.read(dst);
        if (n != 0 || !dst.hasRemaining()) {
          return n;
        }
      }
      n = spin.await(poll, dst, yieldWhileBusy);
      if (n != 0) {
        drained = false;
        return n;
      }
      boolean interrupted = false;
      try {
        while (true) {
          interrupted |= await(readable);
          n = channel.read(dst);
          if (n != 0) {
            drained = dst.hasRemaining(); // took all there was: the peer most likely waits for us
            return n;
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
      long from = ringsFrom;
      int n = src.remaining();
      if (written + n <= from) {
        super.write(src);
        written += n;
        return;
      }
      if (written < from) { // the switch falls inside: the bytes before it go on the socket
        int before = (int) (from - written);
        ByteBuffer head = src.duplicate();
        head.limit(head.position() + before);
        super.write(head);
        src.position(src.position() + before);
      }
      SharedRings s = rings;
      if (!s.enter()) {
        throw new java.nio.channels.ClosedChannelException();
      }
      try {
        writeShared(s, src); // from any buffer: no copy into a direct one first
      } finally {
        s.exit();
      }
      written += n;
    }

    @Override
    void writeFully(ByteBuffer b) throws IOException {
      writeSocket(b);
    }

    private void writeSocket(ByteBuffer b) throws IOException {
      boolean interrupted = false;
      try {
        while (b.hasRemaining()) {
          if (channel.write(b) == 0) {
            interrupted |= await(writable);
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /**
     * Takes bytes from the shared rings: at once if there are some, else after polling them a
     * while ({@link Spin}), else after sleeping in the socket until the peer rings or goes.
     */
    private int readShared(SharedRings s, ByteBuffer dst) throws IOException {
      int n = s.poll(dst);
      if (n != 0 || !dst.hasRemaining()) {
        return n;
      }
      n = spin.await(sharedPoll, dst, yieldWhileBusy);
      if (n != 0) {
        return n;
      }
      boolean interrupted = false;
      try {
        while (true) {
          if (s.sleep()) {
            while (true) {
              // Waits first: no bell rings for this sleep before it begins (one left from an
              // earlier one only ends the wait at once), and a read would find nothing.
              interrupted |= await(readable);
              bellIn.clear();
              int r = channel.read(bellIn);
              if (r < 0) {
                n = s.poll(dst); // what the peer put before it went
                return n != 0 ? n : -1;
              }
              if (r > 0) {
                break;
              }
            }
          }
          n = s.poll(dst);
          if (n != 0) {
            return n;
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /**
     * Puts {@code b} into the shared rings, ringing the peer if it sleeps; while they are full,
     * waits for room, looking again after a pause that doubles up to a millisecond (a peer slow
     * to read is not rung for room: it is rare, and a bulk transfer).
     */
    private void writeShared(SharedRings s, ByteBuffer b) throws IOException {
      long pause = 10_000;
      boolean interrupted = false;
      try {
        while (b.hasRemaining()) {
          if (!channel.isOpen()) {
            // As a socket's write would: a host closes its sessions before its database, and
            // an answer made after that (the database closing) must not reach the guest.
            throw new java.nio.channels.ClosedChannelException();
          }
          if (s.offer(b) > 0) {
            if (s.peerSleeps()) {
              bellOut.clear();
              bellOut.put(0, (byte) 1);
              writeSocket(bellOut);
            }
            pause = 10_000;
            continue;
          }
          java.util.concurrent.locks.LockSupport.parkNanos(this, pause);
          interrupted |= Thread.interrupted();
          pause = Math.min(pause * 2, 1_000_000);
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** Waits until {@code s} selects the channel; returns whether an interrupt came (cleared). */
    private boolean await(Selector s) throws IOException {
      try {
        s.select();
        s.selectedKeys().clear();
      } catch (ClosedSelectorException e) {
        throw new AsynchronousCloseException();
      }
      if (!channel.isOpen()) {
        throw new AsynchronousCloseException();
      }
      return Thread.interrupted();
    }

    @Override
    public void close() {
      super.close();
      SharedRings r;
      synchronized (this) {
        if (offered != null) {
          offered.unlink();
        }
        r = rings;
      }
      if (r != null) {
        r.close(); // unmapped now, or by the last thread to leave it, once woken below
      }
      closeQuietly(readable);
      closeQuietly(writable);
    }

    private static void closeQuietly(Selector s) {
      if (s != null) {
        try {
          s.close();
        } catch (IOException ignored) {
          // The selector is gone either way.
        }
      }
    }
  }
}
