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

  /** A guest's connection over {@code channel}: non-blocking, waiting on selectors. */
  static Connection quiet(SocketChannel channel, String name) throws IOException {
    return new Quiet(channel, name);
  }

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
    private final Spin spin = new Spin();
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

    Quiet(SocketChannel channel, String name) throws IOException {
      super(channel, name);
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

    @Override
    public int read(ByteBuffer dst) throws IOException {
      int n;
      if (!drained || !dst.hasRemaining()) {
        n = channel.read(dst);
        if (n != 0 || !dst.hasRemaining()) {
          return n;
        }
      }
      n = spin.await(poll, dst);
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
    void writeFully(ByteBuffer b) throws IOException {
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
