package org.level4j.cli;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The {@code level4j} command, as started by the {@code ./level4j} script.
 *
 * <p>Exit codes: 0 done, 1 not found ({@code get} of an absent key), 2 the database refused or
 * failed ({@code level4j: <message>} on stderr), 64 wrong usage, 70 a bug in level4j.
 */
public final class Main {
  static final int OK = 0;
  static final int NOT_FOUND = 1;
  static final int FAILED = 2;
  static final int USAGE = 64;
  static final int BUG = 70;

  private Main() {}

  /**
   * Runs the command {@code args} name and exits with its code.
   *
   * @param args the command and its arguments, as {@code level4j --help} lists them
   */
  public static void main(String[] args) {
    // jetcd (--etcd) logs through SLF4J, and SLF4J warns on every run that no logger is bound;
    // the command has nothing to log there, so only SLF4J's own errors are printed.
    if (System.getProperty("slf4j.internal.verbosity") == null) {
      System.setProperty("slf4j.internal.verbosity", "ERROR");
    }
    // UTF-8 whatever the platform's default: keys and values are UTF-8 text.
    PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(
        new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), 1 << 16));
    PrintWriter err = new PrintWriter(new OutputStreamWriter(
        new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
    int code = run(args, System.in, out, err);
    System.exit(code);
  }

  /** Runs one command line with the given streams and returns its exit code. */
  static int run(String[] args, InputStream in, PrintWriter out, PrintWriter err) {
    CommandLine cli = commandLine(in, args.length == 0 ? null : args[0]);
    cli.setOut(out);
    cli.setErr(err);
    try {
      return cli.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * The command line, with only the subcommand named {@code first} if there is one: picocli
   * reflects on every subcommand it is given, which costs a short command a tenth of its time.
   * Anything else (help, a mistyped name, the completion script, which covers every command) gets
   * them all.
   */
  static CommandLine commandLine(InputStream in, String first) {
    CommandLine cli = new CommandLine(new LevelCommand(in));
    Class<?> only = LevelCommand.SUBCOMMANDS.get(first);
    if (only == AutoComplete.GenerateCompletion.class) {
      only = null;
    }
    for (Class<?> c : only != null ? List.<Class<?>>of(only) : LevelCommand.SUBCOMMANDS.values()) {
      cli.addSubcommand(c);
    }
    cli.setParameterExceptionHandler(Main::usageError);
    cli.setExecutionExceptionHandler((e, line, parsed) -> failure(e, line.getErr()));
    return cli;
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine line = e.getCommandLine();
    PrintWriter err = line.getErr();
    err.println("level4j: " + e.getMessage());
    line.usage(err);
    return USAGE;
  }

  private static int failure(Exception e, PrintWriter err) {
    if (e instanceof ParameterException) {
      // Thrown by a command's own argument checks, after parsing.
      return usageError((ParameterException) e, null);
    }
    if (e instanceof LevelException) {
      LevelException le = (LevelException) e;
      err.println("level4j: " + le.getMessage());
      if (le.code() == ErrorCode.LEVEL_LOCKED) {
        err.println("hint: level4j processes share a directory, but this one is held by a "
            + "program that opened it without RaveLevel. Stop it, or if it serves the database, "
            + "use --connect with the address it listens on.");
      }
      return FAILED;
    }
    Throwable io = e instanceof UncheckedIOException ? e.getCause() : e;
    if (io instanceof IOException) {
      // A command words the I/O errors it expects (IoFailure); any other is the file system's
      // doing, not a bug, and is reported the same way.
      err.println("level4j: " + IoFailure.of("I/O error", (IOException) io,
          "check the path, its permissions and the free space").getMessage());
      return FAILED;
    }
    err.println("level4j: unexpected error (a bug in level4j, please report it):");
    e.printStackTrace(err);
    return BUG;
  }
}
