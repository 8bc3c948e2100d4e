package org.level4j.net;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener that remembers the host side of each connection, so a test can cut it. */
final class CuttableListener implements Listener {
  private final Listener inner;
  final List<Connection> accepted = new CopyOnWriteArrayList<>();

  CuttableListener(Listener inner) {
    this.inner = inner;
  }

  @Override
  public Connection accept() throws IOException {
    Connection c = inner.accept();
    accepted.add(c);
    return c;
  }

  /** Closes the host side of every connection accepted so far. */
  void cutAll() {
    for (Connection c : accepted) {
      c.close();
    }
  }

  @Override
  public SocketAddress address() {
    return inner.address();
  }

  @Override
  public void close() {
    inner.close();
  }
}
