package org.level4j.etcd;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.spi.ForwardingDatabase;
import org.level4j.LevelException;


/**
 * A database kept by an etcd cluster: the whole level4j API over storage that etcd replicates
 * with Raft, shared by any number of processes on any number of machines, each of which opens
 * the same namespace. No process leads; the cluster orders all writes.
 *
 * <pre>{@code
 * try (EtcdLevel db = EtcdLevel.open(List.of("http://10.0.0.1:2379", "http://10.0.0.2:2379",
 *     "http://10.0.0.3:2379"), "orders", EtcdOptions.defaults())) {
 *   db.put("greeting", "hello");      // acknowledged once a majority of members has it
 *   try (ChangeFeed feed = db.changes(Range.all(), db.revision() + 1, change -> log(change))) {
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>What each operation is in etcd: a read is a linearizable range read (it sees every write
 * acknowledged before it, by any process); a batch is one transaction, applied whole or not at
 * all, and a conditional batch's {@code Op.expect} preconditions are the transaction's compares;
 * an unlimited {@code clear} is one atomic range delete (a clear with a limit deletes a
 * transaction at a time); an iterator reads page by page at one revision, so it sees one point in
 * time; an explicit snapshot is a revision, readable until the cluster compacts it away. Writes
 * with a {@link org.level4j.RequestId} are applied exactly once, through a record written in the
 * same transaction and kept for an hour. Plain writes and reads of one handle that wait at the
 * same time share a transaction, which is how an async window of requests costs little more
 * than one request.
 *
 * <p>etcd's limits are never worked around: a batch with more operations than the cluster's
 * {@code --max-txn-ops}, or bigger than its {@code --max-request-bytes}, fails whole with {@link
 * ErrorCode#LEVEL_LIMIT_EXCEEDED} before anything is sent (see {@link EtcdOptions}). While a
 * majority of the members is down, operations fail with {@link ErrorCode#LEVEL_CONNECTION_LOST}
 * after {@link EtcdOptions#requestTimeout()}; a write that failed that way may or may not have
 * been applied.
 *
 * <p>Events (write listeners, hooks) see this handle's own writes only; {@link #changes} sees
 * every process's. A change feed's revisions are the cluster's: {@link #revision()} is its
 * revision now, and a feed can resume from a revision the cluster has not compacted yet. {@link Database#open()} reopens a closed EtcdLevel.
 */
public final class EtcdLevel extends ForwardingDatabase {
  private final EtcdEngine engine;

  private EtcdLevel(Database db, EtcdEngine engine) {
    super(db);
    this.engine = engine;
  }

  /**
   * Opens {@code namespace} on the cluster at {@code endpoints}, with default options.
   *
   * @param endpoints the members' client URLs, comma-separated, as {@code
   *     "http://10.0.0.1:2379,http://10.0.0.2:2379"} ({@code http://} may be left out)
   * @param namespace the name of the database in the cluster: printable, not empty
   * @return the open database; close it when done
   * @throws LevelException {@link ErrorCode#LEVEL_DATABASE_NOT_OPENED} if the cluster cannot be
   *     reached or refuses the credentials, {@link ErrorCode#LEVEL_INVALID_ARGUMENT} for a bad
   *     endpoint or namespace
   */
  public static EtcdLevel open(String endpoints, String namespace) {
    Objects.requireNonNull(endpoints, "endpoints");
    return open(List.of(endpoints.split(",")), namespace, EtcdOptions.defaults());
  }

  /**
   * Opens {@code namespace} on the cluster at {@code endpoints}. Several processes may open the
   * same namespace at once, on any machines.
   *
   * @param endpoints the members' client URLs, as {@code http://10.0.0.1:2379} ({@code https://}
   *     with TLS); a bare {@code host:port} gets the scheme the options call for
   * @param namespace the name of the database in the cluster: printable, not empty; its entries
   *     are the etcd keys that start with it and a zero byte
   * @param options credentials, TLS, timeouts and the cluster's limits
   * @return the open database; close it when done
   * @throws LevelException {@link ErrorCode#LEVEL_DATABASE_NOT_OPENED} if the cluster cannot be
   *     reached or refuses the credentials, {@link ErrorCode#LEVEL_INVALID_ARGUMENT} for a bad
   *     endpoint or namespace
   */
  public static EtcdLevel open(List<String> endpoints, String namespace, EtcdOptions options) {
    if (options == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "options must not be null (use EtcdOptions.defaults())");
    }
    EtcdEngine engine = new EtcdEngine(urls(endpoints, options.tls()), new Keyspace(namespace),
        options);
    return new EtcdLevel(org.level4j.spi.Databases.open(engine), engine);
  }

  private static List<String> urls(List<String> endpoints, boolean tls) {
    if (endpoints == null || endpoints.isEmpty()) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "give at least one etcd endpoint, as http://127.0.0.1:2379");
    }
    List<String> out = new ArrayList<>(endpoints.size());
    for (String e : endpoints) {
      String t = e == null ? "" : e.trim();
      if (t.isEmpty()) {
        throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
            "an etcd endpoint is empty in " + endpoints);
      }
      out.add(t.contains("://") ? t : (tls ? "https://" : "http://") + t);
    }
    return out;
  }

  /**
   * The namespace this database is in the cluster.
   *
   * @return the namespace
   */
  public String namespace() {
    return engine.space.namespace;
  }

  /**
   * The endpoints this database talks to.
   *
   * @return the members' client URLs
   */
  public List<String> endpoints() {
    return engine.endpoints;
  }
}
