package org.level4j.net;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/** A test peer that writes raw bytes to a host and watches what comes back. */
final class RawPeer implements AutoCloseable {
  private final SocketChannel channel;
  private final Selector selector;
  private ByteBuffer in = ByteBuffer.allocate(1 << 16);

  RawPeer(Path socket) throws IOException {
    channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(socket));
    channel.configureBlocking(false);
    selector = Selector.open();
    channel.register(selector, SelectionKey.OP_READ);
  }

  void send(byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      if (channel.write(b) == 0) {
        Thread.onSpinWait();
      }
    }
  }

  /** Writes what the socket takes now, without waiting; returns how many bytes that was. */
  int sendSome(ByteBuffer bytes) throws IOException {
    return channel.write(bytes);
  }

  /** Frames built with {@link Wire}'s encoders. */
  void send(Protobuf.Out frames) throws IOException {
    send(java.util.Arrays.copyOf(frames.buf, frames.len));
  }

  void shutdownOutput() throws IOException {
    channel.shutdownOutput();
  }

  /** True if the host closes the connection within {@code timeout}; reads and drops data meanwhile. */
  boolean closedWithin(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      selector.select(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      selector.selectedKeys().clear();
      in.clear();
      int n;
      try {
        n = channel.read(in);
      } catch (IOException reset) {
        return true;
      }
      if (n < 0) {
        return true;
      }
    }
    return false;
  }

  /** The Hello the host sent, once {@link #response} has read past it. */
  HostMessage.Hello hello;

  /** The next answer, skipping the host's Hello; null if none came in time. */
  HostMessage response(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      in.flip();
      long p = in.hasRemaining() ? FrameReader.peekLength(in) : -1;
      if (p >= 0) {
        int len = (int) (p & 0xFF_FFFF_FFFFL);
        int prefix = (int) (p >>> 40);
        if (prefix + len > in.capacity()) { // a large answer: room for all of it
          ByteBuffer bigger = ByteBuffer.allocate(prefix + len);
          bigger.put(in);
          in = bigger;
          in.flip();
        }
        if (in.remaining() >= prefix + len) {
          int start = in.position() + prefix;
          HostMessage m = HostMessage.decode(in.get(start) & 0xFF,
              new Protobuf.In(in, start + 1, start + len));
          in.position(start + len);
          in.compact();
          if (m instanceof HostMessage.Hello h) {
            hello = h; // a level4j host's first frame: kept, not returned as an answer
            continue;
          }
          return m;
        }
      }
      in.compact();
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      selector.select(Math.max(1, left / 1_000_000));
      selector.selectedKeys().clear();
      if (channel.read(in) < 0) {
        return null;
      }
    }
  }

  @Override
  public void close() throws IOException {
    selector.close();
    channel.close();
  }
}
