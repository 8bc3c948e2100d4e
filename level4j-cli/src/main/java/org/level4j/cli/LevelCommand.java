package org.level4j.cli;

import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The top-level {@code level4j} command: only a list of subcommands. */
@Command(
    name = "level4j",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT, // --help and --version on every subcommand too
    versionProvider = LevelCommand.Version.class,
    description = "A sorted key-value store in a directory (RocksDB), from the command line.",
    footer = {"", "Exit codes: 0 done, 1 not found, 2 the database refused or failed (or a file"
        + " or standard output could not be read or written), 64 wrong usage."})
final class LevelCommand implements Runnable {
  /** The subcommands by name, in the order help lists them; {@link Main} adds them. */
  static final Map<String, Class<?>> SUBCOMMANDS = byName(
      PutCommand.class,
      GetCommand.class,
      DelCommand.class,
      LsCommand.class,
      BatchCommand.class,
      ServeCommand.class,
      InfoCommand.class,
      DemoCommand.class,
      BenchCommand.class,
      ExportCommand.class,
      ImportCommand.class,
      BackupCommand.class,
      // picocli's own, hidden from help: prints a bash/zsh completion script for all of the above.
      AutoComplete.GenerateCompletion.class);

  private final InputStream in;

  @Spec
  CommandSpec spec;

  LevelCommand(InputStream in) {
    this.in = in;
  }

  /** What {@code batch} reads: the process's stdin, or a test's stream. */
  InputStream in() {
    return in;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing command");
  }

  private static Map<String, Class<?>> byName(Class<?>... commands) {
    Map<String, Class<?>> m = new LinkedHashMap<>();
    for (Class<?> c : commands) {
      m.put(c.getAnnotation(Command.class).name(), c);
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * The version the build wrote into {@code version.properties} (a filtered resource, so it is
   * right in tests and in the IDE too), else the jar manifest's.
   */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"level4j " + version()};
    }

    static String version() {
      java.util.Properties p = new java.util.Properties();
      try (java.io.InputStream in = Version.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (java.io.IOException e) {
        // fall back to the manifest
      }
      String v = p.getProperty("version");
      if (v == null || v.startsWith("${")) {
        v = Main.class.getPackage().getImplementationVersion();
      }
      return v == null ? "(development build)" : v;
    }
  }
}
