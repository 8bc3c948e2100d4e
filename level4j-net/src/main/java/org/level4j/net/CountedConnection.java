package org.level4j.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * A host's view of a guest's connection that adds the bytes it reads and writes to the host's
 * counters ({@link Host#bytesReceived()}, {@link Host#bytesSent()}). Same threading as the
 * connection it wraps: one reader, one writer at a time; the counters take any thread.
 */
final class CountedConnection implements Connection {
  private final Connection connection;
  private final LongAdder received;
  private final LongAdder sent;

  CountedConnection(Connection connection, LongAdder received, LongAdder sent) {
    this.connection = connection;
    this.received = received;
    this.sent = sent;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int n = connection.read(dst);
    if (n > 0) {
      received.add(n);
    }
    return n;
  }

  @Override
  public void write(ByteBuffer src) throws IOException {
    int n = src.remaining();
    connection.write(src);
    sent.add(n);
  }

  @Override
  public void close() {
    connection.close();
  }

  @Override
  public String toString() {
    return connection.toString();
  }
}
