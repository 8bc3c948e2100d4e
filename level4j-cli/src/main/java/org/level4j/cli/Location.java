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
 * {@code --connect}, a host that serves one (then the directory operand is left out). Mixed into
 * every command that reads or writes.
 */
final class Location {
  @Option(names = "--connect", paramLabel = "URI", converter = Uri.class,
      description = "Use the database served at tcp://HOST:PORT, tls://HOST:PORT (with"
          + " --tls-key-store and --tls-trust-store) or unix:PATH (see `serve`) instead of a"
          + " directory; then leave DIR out.")
  String connect;

  @Mixin
  TlsFlags tls;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /**
   * The operands after DIR, checked to be exactly {@code names} (e.g. KEY, VALUE); a wrong count
   * is a usage error.
   */
  List<String> operands(List<String> args, String... names) {
    int dir = connect == null ? 1 : 0;
    if (args.size() != dir + names.length) {
      StringBuilder want = new StringBuilder(connect == null ? "DIR" : "");
      for (String name : names) {
        want.append(want.length() == 0 ? "" : " ").append(name);
      }
      throw new ParameterException(command.commandLine(), want.length() == 0
          ? "expected no operands with --connect, got " + args.size()
          : "expected " + want + (connect == null ? "" : " (no DIR with --connect)")
              + ", got " + args.size() + " operand" + (args.size() == 1 ? "" : "s"));
    }
    return args.subList(dir, args.size());
  }

  /** Opens the database; call {@link #operands} first. */
  Database open(List<String> args, boolean create) {
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
