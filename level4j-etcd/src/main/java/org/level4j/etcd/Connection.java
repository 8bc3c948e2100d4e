package org.level4j.etcd;

import io.etcd.jetcd.Client;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One jetcd client shared by every open EtcdLevel of this JVM that talks to the same endpoints
 * with the same credentials and TLS settings, as long as one of them is open.
 *
 * <p>Why: a jetcd client is a gRPC channel with its own event loops and thread pools, tens of
 * milliseconds to set up and a few threads to keep; an application that opens several
 * namespaces, or opens and closes databases often, should not pay that each time. Each database
 * still fails its own pending calls when it closes; the client goes when the last one does.
 *
 * <p>Threads: {@link #acquire} and {@link #release} may be called from any thread; the table is
 * guarded by the class lock, and a client is built outside no lock but inside it (building
 * connects lazily, so it does not block).
 */
final class Connection {
  private static final Map<Key, Connection> OPEN = new HashMap<>();

  private final Key key;
  final Client client;
  private int users;

  private Connection(Key key, Client client) {
    this.key = key;
    this.client = client;
  }

  /** What makes two clients interchangeable. */
  private record Key(List<String> endpoints, String user, String password, String trust,
      String cert, String clientKey, String authority) {}

  /** The shared client for {@code endpoints} and {@code options}, built by {@code build}. */
  static Connection acquire(List<String> endpoints, EtcdOptions options, Supplier<Client> build) {
    Key k = new Key(endpoints, options.user(), options.password(),
        Objects.toString(options.trustCertificates(), null),
        Objects.toString(options.clientCertificate(), null),
        Objects.toString(options.clientKey(), null), options.authority());
    synchronized (Connection.class) {
      Connection c = OPEN.get(k);
      if (c == null) {
        c = new Connection(k, build.get());
        OPEN.put(k, c);
      }
      c.users++;
      return c;
    }
  }

  /** Gives the client back; the last user closes it. */
  void release() {
    boolean last;
    synchronized (Connection.class) {
      last = --users == 0;
      if (last) {
        OPEN.remove(key, this);
      }
    }
    if (last) {
      client.close();
    }
  }
}
