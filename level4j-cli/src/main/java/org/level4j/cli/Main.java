package org.level4j.cli;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The {@code level4j} command, as started by the {@code ./level4j} script.
 *
 * <p>Exit codes: 0 done, 1 not found ({@code get} of an absent key), 2 the database refused or
 * failed, or a file or standard output could not be read or written ({@code level4j: <message>}
 * on stderr; no message when the reader of a pipe closed it early, as in {@code ls DIR | head}),
 * 64 wrong usage, 70 a bug in level4j.
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
    Stdout stdout = new Stdout(new FileOutputStream(FileDescriptor.out));
    PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(
        stdout, StandardCharsets.UTF_8), 1 << 16));
    PrintWriter err = new PrintWriter(new OutputStreamWriter(
        new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
    int code = run(args, System.in, out, err, stdout::failure);
    System.exit(code);
  }

  /** Runs one command line with the given streams and returns its exit code. */
  static int run(String[] args, InputStream in, PrintWriter out, PrintWriter err) {
    return run(args, in, out, err, () -> null);
  }

  /**
   * Runs one command line with the given streams and returns its exit code; {@code outFailure}
   * tells why writing to {@code out} failed, if it knows.
   */
  static int run(String[] args, InputStream in, PrintWriter out, PrintWriter err,
      Supplier<IOException> outFailure) {
    CommandLine cli = commandLine(in, args.length == 0 ? null : args[0]);
    cli.setOut(out);
    cli.setErr(err);
    try {
      int code = cli.execute(args);
      // A PrintWriter keeps the IOExceptions of its stream to itself: a full disk or a closed
      // pipe shows only in its error flag (checkError flushes first), and would otherwise end
      // the command with 0 and half its output.
      if (out.checkError() && (code == OK || code == NOT_FOUND)) {
        code = FAILED;
        IOException e = outFailure.get();
        if (e == null || !BROKEN_PIPE.equals(e.getMessage())) {
          err.println("level4j: " + new LevelException(ErrorCode.LEVEL_IO_ERROR,
              "cannot write to standard output: " + (e == null ? "the write failed"
                  : IoFailure.describe(e)) + "; what was printed is incomplete").getMessage());
        }
        // else the reader went away (ls DIR | head): as a program killed by SIGPIPE, exit
        // with a failure but without a message, as the reader had what it wanted.
      }
      return code;
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

  /** The message of the IOException of a write to a pipe whose reader has closed it (EPIPE). */
  private static final String BROKEN_PIPE = "Broken pipe";

  /** Standard output, remembering why a write to it failed (the PrintWriter over it does not). */
  private static final class Stdout extends FilterOutputStream {
    private volatile IOException failure;

    Stdout(OutputStream out) {
      super(out);
    }

    IOException failure() {
      return failure;
    }

    @Override
    public void write(int b) throws IOException {
      try {
        out.write(b);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }
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
