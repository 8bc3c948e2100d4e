package org.level4j.cli;

import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.level4j.Database;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * Where a command's database is: the directory given as its first operand, or, with
 * {@code --connect}, a host that serves one, or, with {@code --etcd}, a namespace on an etcd
 * cluster (then the directory operand is left out). Mixed into every command that reads or
 * writes.
 */
final class Location {
  /** The namespace of {@code --etcd} when {@code --namespace} is left out. */
  static final String DEFAULT_NAMESPACE = "level4j";

  @Option(names = "--connect", paramLabel = "URI", converter = Uri.class,
      description = "Use the database served at tcp://HOST:PORT, tls://HOST:PORT (with"
          + " --tls-key-store and --tls-trust-store) or unix:PATH (see `serve`) instead of a"
          + " directory; then leave DIR out.")
  String connect;

  @Option(names = "--etcd", paramLabel = "ENDPOINTS", converter = Endpoints.class,
      description = "Use a namespace on the etcd cluster at ENDPOINTS (comma-separated client"
          + " URLs, as http://10.0.0.1:2379,http://10.0.0.2:2379) instead of a directory; then"
          + " leave DIR out.")
  String etcd;

  @Option(names = "--namespace", paramLabel = "NS",
      description = "With --etcd: the namespace (default " + DEFAULT_NAMESPACE + ").")
  String namespace;

  @Mixin
  TlsFlags tls;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /**
   * The operands after DIR, checked to be exactly {@code names} (e.g. KEY, VALUE); a wrong count
   * is a usage error.
   */
  List<String> operands(List<String> args, String... names) {
    checkFlags();
    int dir = remote() ? 0 : 1;
    if (args.size() != dir + names.length) {
      StringBuilder want = new StringBuilder(remote() ? "" : "DIR");
      for (String name : names) {
        want.append(want.length() == 0 ? "" : " ").append(name);
      }
      String flag = connect != null ? "--connect" : "--etcd";
      throw new ParameterException(command.commandLine(), want.length() == 0
          ? "expected no operands with " + flag + ", got " + args.size()
          : "expected " + want + (remote() ? " (no DIR with " + flag + ")" : "")
              + ", got " + args.size() + " operand" + (args.size() == 1 ? "" : "s"));
    }
    return args.subList(dir, args.size());
  }

  /** Whether the database is elsewhere ({@code --connect} or {@code --etcd}): no DIR operand. */
  boolean remote() {
    return connect != null || etcd != null;
  }

  private void checkFlags() {
    if (connect != null && etcd != null) {
      throw new ParameterException(command.commandLine(),
          "--connect and --etcd name two databases; give one");
    }
    if (namespace != null && etcd == null) {
      throw new ParameterException(command.commandLine(), "--namespace goes with --etcd");
    }
  }

  /** Opens the database; call {@link #operands} first. */
  Database open(List<String> args, boolean create) {
    checkFlags();
    if (etcd != null) {
      if (tls.given()) {
        throw new ParameterException(command.commandLine(), "--tls-… flags go with --connect");
      }
      return Target.etcd(etcd, namespace == null ? DEFAULT_NAMESPACE : namespace);
    }
    if (connect == null) {
      if (tls.given()) {
        throw new ParameterException(command.commandLine(), "--tls-… flags go with --connect");
      }
      return Target.open(Path.of(args.get(0)), create);
    }
    SSLContext context;
    try {
      context = tls.context();
      Target.connector(connect, context); // tls:// without the stores is a usage error
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage());
    }
    return Target.connect(connect, context);
  }

  /** Checks an --etcd list while parsing, so that one without an endpoint is a usage error. */
  static final class Endpoints implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        Target.endpoints(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      return value;
    }
  }

  /** Checks a --connect address while parsing, so that a wrong one is a usage error. */
  static final class Uri implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        Target.check(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      return value;
    }
  }
}
