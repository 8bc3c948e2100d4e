package org.level4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.net.Connection;
import org.level4j.net.Host;
import org.level4j.net.HostOptions;
import org.level4j.net.Listener;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code level4j serve DIR [--tcp HOST:PORT [--tls-key-store FILE --tls-trust-store FILE |
 * --insecure]] [--socket PATH [--allow-uid UID] [--allow-group GROUP]] [--readonly]
 * [--max-… N]}: holds a database and serves it to guests (other {@code level4j} commands with
 * {@code --connect}, level4j {@code Guest}s, Node {@code many-level} guests) until the process is
 * stopped. The {@code --max-…} flags ({@link HostLimitFlags}) set the limits of {@link
 * HostOptions} on the addresses it listens on.
 */
@Command(name = "serve",
    description = {
        "Hold the database in DIR and serve it until stopped (Ctrl-C).", "It listens on a Unix",
        "socket (DIR/level4j.sock, or --socket PATH) and, with --tcp, on a TCP port",
        "too. Prints one `listening on URI` line per address; other commands reach it",
        "with --connect URI.",
        "",
        "Who may connect: the Unix socket is readable and writable by you only, in a",
        "directory other users cannot write, and only processes of your user id may",
        "connect (--allow-uid names others; --allow-group GROUP lets in processes",
        "running with that group, and hands the socket file to it). --tcp with",
        "--tls-key-store and",
        "--tls-trust-store is TLS with client certificates: only guests whose",
        "certificate the trust store trusts get in (the stores' password is read from",
        "$" + TlsFlags.PASSWORD_ENV + "). Plain --tcp listens on a loopback address",
        "only and lets in processes of your user id only (Linux's socket table tells",
        "whose a connection is), unless --insecure says that anyone who can reach the",
        "port may read and write the whole database (for Node many-level guests of",
        "other users or machines without TLS, on a trusted network).",
        ""})
final class ServeCommand implements Callable<Integer> {
  static final String DEFAULT_SOCKET = "level4j.sock";

  @Parameters(paramLabel = "DIR", description = "The database directory (created if missing).")
  Path dir;

  @Option(names = "--tcp", paramLabel = "HOST:PORT", converter = TcpAddress.class,
      description = "Listen on TCP (port 0: any free port); with TLS if --tls-key-store and"
          + " --tls-trust-store are given. Without TLS only a loopback address is allowed, unless"
          + " --insecure.")
  InetSocketAddress tcp;

  @Mixin
  TlsFlags tls;

  @Option(names = "--insecure",
      description = "Allow --tcp without TLS for everyone who can reach the port, on any"
          + " address (without it, plain --tcp is loopback only and lets in only your user's"
          + " processes): they can read and write the whole database, with no authentication.")
  boolean insecure;

  @Option(names = "--allow-uid", paramLabel = "UID",
      description = "A user id allowed to connect to the Unix socket (repeatable; default: yours"
          + " only). Others also need the socket file's permissions widened.")
  Set<Integer> allowUids = new TreeSet<>();

  @Option(names = "--allow-group", paramLabel = "GROUP",
      description = "A group whose processes may connect to the Unix socket: the socket file"
          + " becomes readable and writable by it, and a peer must run with it as its group id"
          + " (its user's primary group, or one chosen with sg GROUP).")
  String allowGroup;

  @Option(names = "--socket", paramLabel = "PATH",
      description = "The Unix domain socket to listen on, instead of DIR/level4j.sock (either"
          + " is readable and writable by you only).")
  Path socket;

  @Option(names = "--readonly", description = "Refuse writes (guests get LEVEL_READONLY).")
  boolean readonly;

  @Mixin
  HostLimitFlags limits;

  @Option(names = "--checkpoints-from-any-guest",
      description = "Make checkpoints for every guest that asks (they are written as your user,"
          + " wherever the guest names). Without it, only guests connected over the Unix socket as"
          + " your own user may.")
  boolean checkpointsFromAnyGuest;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    HostOptions options = hostOptions(); // wrong flags fail before the database opens
    SSLContext context = tlsContext();
    Database db = Target.openWatched(dir, !readonly);
    Host host = Host.of(db, options);
    // Runs on Ctrl-C and kill (not on SIGKILL): removes the socket file and closes the database.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      host.close();
      db.close();
    }, "level4j-serve-stop"));
    try {
      List<String> addresses = new ArrayList<>();
      Path path = socket != null ? socket : dir.resolve(DEFAULT_SOCKET);
      addresses.add(uri(listen(host, unixListener(path, allowUids, allowGroup)), false));
      if (tcp != null) {
        addresses.add(uri(listen(host, tcpListener(tcp, context, insecure)), context != null));
      }
      out.println("serving " + dir.toAbsolutePath() + (readonly ? " (read-only)" : ""));
      for (String a : addresses) {
        out.println("listening on " + a);
      }
      out.flush();
    } catch (RuntimeException e) {
      host.close();
      db.close();
      throw e;
    }
    new CountDownLatch(1).await(); // until the process is stopped
    return Main.OK;
  }

  /** The host's options from the flags; the limits not given keep HostOptions' defaults. */
  HostOptions hostOptions() {
    HostOptions.Builder o = HostOptions.builder().readOnly(readonly)
        .checkpointsFromAnyGuest(checkpointsFromAnyGuest);
    try {
      limits.applyTo(o);
    } catch (LevelException e) {
      throw new ParameterException(spec.commandLine(), e.reason(), e);
    }
    return o.build();
  }

  /** The TLS context from the flags, or null; a wrong combination of flags is a usage error. */
  private SSLContext tlsContext() {
    if (tls.given() && tcp == null) {
      throw new ParameterException(spec.commandLine(), "--tls-… flags need --tcp");
    }
    if (tls.given() && insecure) {
      throw new ParameterException(spec.commandLine(), "--insecure is for plain TCP, not TLS");
    }
    if (tcp != null && !tls.given() && !insecure && !tcp.getAddress().isLoopbackAddress()) {
      throw new ParameterException(spec.commandLine(), "refusing to serve " + tcp
          + " without TLS: anyone who can reach it could read and write the whole database."
          + " Give --tls-key-store and --tls-trust-store (guests then need a certificate), use"
          + " a loopback address, or --insecure if that is what you mean");
    }
    try {
      return tls.context();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private static SocketAddress listen(Host host, Listener listener) {
    host.listen(listener);
    return listener.address();
  }

  private static Listener unixListener(Path path, Set<Integer> allowUids, String group) {
    if (group != null && !allowUids.isEmpty()) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "give either --allow-uid or "
          + "--allow-group, not both (a group's members are let in by the group)");
    }
    try {
      return group != null ? Listener.unixForGroup(path, false, group)
          : Listener.unix(path, false, allowUids);
    } catch (LevelException e) {
      IOException io = bindFailure(e);
      if (!Files.exists(path)) {
        throw cannotListen("unix:" + path, io, path.toAbsolutePath().toString().length() > 100
            ? " (a socket path may have at most about 100 bytes: give a shorter --socket)" : "");
      }
    }
    // A file is in the way: the socket of a live host, or one left behind by a crash.
    Connection live;
    try {
      live = Connection.unix(path);
    } catch (LevelException refused) {
      try {
        return group != null ? Listener.unixForGroup(path, true, group)
            : Listener.unix(path, true, allowUids);
      } catch (LevelException e) {
        throw cannotListen("unix:" + path, bindFailure(e), "");
      }
    }
    live.close();
    throw new LevelException(ErrorCode.LEVEL_IO_ERROR, "cannot listen on unix:" + path
        + ": another running host listens there (give another --socket)");
  }

  private static Listener tcpListener(InetSocketAddress address, SSLContext context,
      boolean insecure) {
    try {
      if (context != null) {
        return Listener.tls(address, context);
      }
      if (!insecure) {
        return Listener.tcp(address); // loopback (checked above): this user's processes only
      }
      System.err.println("warning: serving " + address + " without TLS (--insecure): anyone"
          + (address.getAddress().isLoopbackAddress() ? " on this machine" : "")
          + " who can reach it can read and write the whole database");
      return Listener.tcpInsecure(address);
    } catch (LevelException e) {
      throw cannotListen("tcp://" + address.getHostString() + ":" + address.getPort(),
          bindFailure(e), "");
    }
  }

  /**
   * The I/O failure a Listener factory reports as {@code LEVEL_IO_ERROR}; any other failure (an
   * argument it refuses) is rethrown as it is.
   */
  private static IOException bindFailure(LevelException e) {
    if (e.code() == ErrorCode.LEVEL_IO_ERROR && e.getCause() instanceof IOException io) {
      return io;
    }
    throw e;
  }

  private static LevelException cannotListen(String where, IOException e, String hint) {
    return new LevelException(ErrorCode.LEVEL_IO_ERROR,
        "cannot listen on " + where + ": " + e.getMessage() + hint, e);
  }

  private static String uri(SocketAddress address, boolean tls) {
    if (address instanceof UnixDomainSocketAddress) {
      return "unix:" + ((UnixDomainSocketAddress) address).getPath();
    }
    InetSocketAddress a = (InetSocketAddress) address;
    String host = a.getAddress().getHostAddress();
    return (tls ? "tls://" : "tcp://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** HOST:PORT, [IPv6]:PORT, or PORT alone for the loopback address. */
  static final class TcpAddress implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      int colon = value.lastIndexOf(':');
      String host = colon < 0 ? "" : value.substring(0, colon);
      String port = value.substring(colon + 1);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int p;
      try {
        p = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        p = -1;
      }
      if (p < 0 || p > 65535) {
        throw new TypeConversionException("expected HOST:PORT (or PORT), not " + value);
      }
      try {
        return new InetSocketAddress(
            host.isEmpty() ? InetAddress.getLoopbackAddress() : InetAddress.getByName(host), p);
      } catch (UnknownHostException e) {
        throw new TypeConversionException("unknown host " + host);
      }
    }
  }
}
