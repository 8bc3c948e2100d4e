package org.level4j.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A {@link Connection} over a blocking NIO socket channel (Unix domain or TCP). Writes from heap
 * buffers go through one direct buffer of this connection: the JDK would otherwise copy them into
 * a temporary direct buffer cached per writing thread, and many threads write here.
 */
final class SocketConnection implements Connection {
  private static final int CHUNK = 256 * 1024;

  private final SocketChannel channel;
  private final String name;
  private ByteBuffer direct; // only touched by the one writing thread

  SocketConnection(SocketChannel channel, String name) {
    this.channel = channel;
    this.name = name;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return channel.read(dst);
  }

  @Override
  public void write(ByteBuffer src) throws IOException {
    if (src.isDirect()) {
      while (src.hasRemaining()) {
        channel.write(src);
      }
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
      while (direct.hasRemaining()) {
        channel.write(direct);
      }
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
}
