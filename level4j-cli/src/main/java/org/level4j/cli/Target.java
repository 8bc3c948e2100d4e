package org.level4j.cli;

import java.net.URI;
import java.net.UnknownHostException;
import java.net.URISyntaxException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.etcd.EtcdLevel;
import org.level4j.etcd.EtcdOptions;
import org.level4j.net.Connector;
import org.level4j.net.Guest;
import org.level4j.rave.RaveLevel;
import org.level4j.rave.RaveOptions;

/**
 * The one place where the command line opens a database. Directories are opened with
 * {@link RaveLevel}, so any number of {@code level4j} processes (and applications) can use one
 * directory at once; a namespace on an etcd cluster with {@link EtcdLevel}.
 */
final class Target {
  private Target() {}

  /**
   * Opens the database in {@code dir} for a command that ends once its work is done, without
   * the MXBean that {@code level4j info} reads from a leader: registering the first bean of a
   * JVM makes its platform MBean server, about a sixth of a short command's time (see {@link
   * RaveOptions#registerMXBean()}), and nobody watches a process that lives a fraction of a
   * second.
   *
   * @param create whether to create it if missing (writes do; reads must not leave an empty
   *     database behind in a mistyped directory)
   */
  static RaveLevel open(Path dir, boolean create) {
    return open(dir, create, false);
  }

  /**
   * Opens the database in {@code dir} for a process that stays ({@code serve}), with the MXBean.
   */
  static RaveLevel openWatched(Path dir, boolean create) {
    return open(dir, create, true);
  }

  private static RaveLevel open(Path dir, boolean create, boolean watched) {
    if (!create && !Files.exists(dir)) {
      throw new LevelException(ErrorCode.LEVEL_DATABASE_MISSING,
          dir + " does not exist (a write such as `level4j put` creates a database)");
    }
    if (!create && !Files.exists(dir.resolve("CURRENT"))) {
      // Checked here because RocksDB leaves LOCK and LOG files behind even when it refuses to
      // create a database: a mistyped read must not litter a directory.
      throw new LevelException(ErrorCode.LEVEL_DATABASE_MISSING, dir + " holds no database");
    }
    // RaveLevel: if another process (a `level4j serve`, an application) leads this directory,
    // this command joins it as a follower instead of failing on the lock.
    // RaveLevel's own RocksDB options (a small write buffer, flushAfter: a short log to replay
    // when a leader dies), with only createIfMissing changed.
    return RaveLevel.open(dir, RaveOptions.builder()
        .rocks(RaveOptions.defaults().rocks().toBuilder().createIfMissing(create).build())
        .registerMXBean(watched)
        .build());
  }

  /**
   * The namespace {@code namespace} on the etcd cluster at {@code endpoints}.
   *
   * @param endpoints the members' client URLs, comma-separated
   */
  static EtcdLevel etcd(String endpoints, String namespace) {
    return EtcdLevel.open(endpoints(endpoints), namespace, EtcdOptions.defaults());
  }

  /**
   * The client URLs in {@code endpoints}, comma-separated; {@link Location.Endpoints} checks an
   * {@code --etcd} value with it while parsing, so that an empty one is a usage error.
   *
   * @throws IllegalArgumentException if there is none
   */
  static List<String> endpoints(String endpoints) {
    List<String> urls = new ArrayList<>();
    for (String e : endpoints.split(",")) {
      if (!e.isBlank()) {
        urls.add(e.trim());
      }
    }
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("--etcd needs at least one endpoint, as "
          + "http://127.0.0.1:2379, not '" + endpoints + "'");
    }
    return urls;
  }

  /**
   * A guest of the host at {@code uri}, connected.
   *
   * @param uri {@code tcp://HOST:PORT}, {@code tls://HOST:PORT} or {@code unix:PATH}, as checked
   *     by {@link #connector}
   * @param tls the TLS context for a {@code tls://} address, else null
   */
  static Database connect(String uri, SSLContext tls) {
    try {
      return Guest.connect(connector(uri, tls));
    } catch (LevelException e) {
      if (e.code() == ErrorCode.LEVEL_DATABASE_NOT_OPENED) {
        throw cannotConnect(uri, e);
      }
      throw e;
    }
  }

  /** Why connecting to {@code uri} failed with {@code e}, in one line. */
  static LevelException cannotConnect(String uri, LevelException e) {
    // The innermost cause says what went wrong, except with TLS, where the outermost TLS
    // error says what to do about it (its own cause is the bare alert).
    Throwable root = e;
    while (root.getCause() != null && !(root instanceof SSLException)) {
      root = root.getCause();
    }
    String why;
    String hint = " (is `level4j serve` running there?)";
    if (root instanceof UnresolvedAddressException || root instanceof UnknownHostException) {
      why = "unknown host " + URI.create(uri).getHost() + " (check its spelling and this"
          + " machine's DNS)";
      hint = "";
    } else {
      why = root.getMessage() != null ? root.getMessage() : nearestMessage(e, root);
      if (root instanceof SSLException) {
        hint = "";
      }
    }
    return new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED,
        "cannot connect to " + uri + ": " + why + hint, e);
  }

  /**
   * The message nearest to {@code root} among the exceptions from {@code outer} down that wrap
   * it, else root's class name: some exceptions carry none (an EOFException, say), and "null"
   * tells a user nothing.
   */
  private static String nearestMessage(Throwable outer, Throwable root) {
    String found = null;
    for (Throwable t = outer; t != root; t = t.getCause()) {
      if (t.getMessage() != null) {
        found = t instanceof LevelException ? ((LevelException) t).reason() : t.getMessage();
      }
    }
    return found != null ? found : root.getClass().getSimpleName();
  }

  /**
   * Checks that {@code uri} is an address {@link #connector} takes.
   *
   * @throws IllegalArgumentException saying what is wrong with {@code uri}
   */
  static void check(String uri) {
    connector(uri.startsWith("tls://") ? "tcp://" + uri.substring("tls://".length()) : uri, null);
  }

  /**
   * How to reach {@code uri}: {@code tcp://HOST:PORT}, {@code tls://HOST:PORT} (with {@code tls},
   * from {@link TlsFlags}) or {@code unix:PATH}.
   *
   * @throws IllegalArgumentException saying what is wrong with {@code uri}
   */
  static Connector connector(String uri, SSLContext tls) {
    if (uri.startsWith("unix:")) {
      String path = uri.substring("unix:".length());
      if (path.isEmpty()) {
        throw new IllegalArgumentException("unix: needs a socket path, as in unix:data/db.sock");
      }
      return Connector.unix(Path.of(path));
    }
    boolean secure = uri.startsWith("tls://");
    if (uri.startsWith("tcp://") || secure) {
      URI parsed;
      try {
        parsed = new URI(uri);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("not a valid address: " + e.getMessage(), e);
      }
      String host = parsed.getHost();
      int port = parsed.getPort();
      boolean bare = parsed.getRawPath() == null || parsed.getRawPath().isEmpty();
      if (host == null || port < 0 || !bare || parsed.getRawQuery() != null) {
        throw new IllegalArgumentException(
            "expected tcp://HOST:PORT, as in tcp://127.0.0.1:7007, not " + uri);
      }
      // URI keeps an IPv6 host in brackets; the socket wants it without.
      String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      if (!secure) {
        return Connector.tcp(name, port);
      }
      if (tls == null) {
        throw new IllegalArgumentException("tls:// needs --tls-key-store and --tls-trust-store"
            + " (the stores' password in $" + TlsFlags.PASSWORD_ENV + ")");
      }
      return Connector.tls(name, port, tls);
    }
    throw new IllegalArgumentException(
        "expected tcp://HOST:PORT, tls://HOST:PORT or unix:PATH, not " + uri);
  }
}
