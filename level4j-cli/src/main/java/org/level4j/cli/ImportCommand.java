package org.level4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code level4j import DIR [FILE]}: puts the entries of JSON lines {@code {"key":…,"value":…}}
 * (what {@code export} writes) in atomic batches, so a large file never needs to fit in memory
 * and each batch is all or nothing.
 */
@Command(name = "import",
    description = {
        "Put the entries read from FILE (or stdin if FILE is left out or is -), one JSON object a"
            + " line {\"key\":…,\"value\":…} as `level4j export` writes them, in atomic batches."
            + " Blank lines are skipped. A bad line stops the import: the batches before it are"
            + " written, nothing from its batch on, and the message says which lines are in."})
final class ImportCommand implements Callable<Integer> {
  /**
   * The most entries a batch may hold: each is in memory until its batch is written, and a
   * million is already more than a batch gains from (a thousand writes at close to full speed).
   */
  static final int MAX_BATCH = 1_000_000;

  @Mixin
  Location location;

  @Parameters(arity = "0..2", paramLabel = "DIR [FILE]",
      description = "The database directory (created if missing), then the file to read.")
  List<String> args = new ArrayList<>();

  @Option(names = "--batch", paramLabel = "N",
      description = "Entries per atomic batch, at most 1,000,000 (default 1000; with --etcd 100,"
          + " as an etcd transaction holds at most 128 operations unless the cluster allows"
          + " more).")
  Integer batchOption;

  /** Entries per batch: {@link #batchOption}, or the default for where the database is. */
  private int batch;

  @ParentCommand
  LevelCommand top;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    batch = batchOption != null ? batchOption : location.etcd != null ? 100 : 1000;
    if (batch < 1 || batch > MAX_BATCH) {
      throw new ParameterException(spec.commandLine(),
          String.format(Locale.ROOT, "--batch must be from 1 to %,d, not %,d", MAX_BATCH, batch));
    }
    int dirs = location.remote() ? 0 : 1;
    List<String> rest = args.size() > dirs
        ? location.operands(args, "FILE") : location.operands(args);
    String file = rest.isEmpty() || rest.get(0).equals("-") ? null : rest.get(0);
    long total = -1;
    InputStream in;
    if (file == null) {
      in = top.in();
    } else {
      Path path = Path.of(file);
      if (Files.isDirectory(path)) {
        throw new LevelException(ErrorCode.LEVEL_IO_ERROR, "cannot import " + file + ": it is a"
            + " directory; name a file of JSON lines, as `level4j export` writes");
      }
      try {
        total = Files.size(path);
        in = Files.newInputStream(path);
      } catch (NoSuchFileException e) {
        throw new LevelException(ErrorCode.LEVEL_IO_ERROR, "no file " + file + " to import", e);
      } catch (IOException e) {
        throw IoFailure.of("cannot import " + file, e, "nothing was imported (check that you"
            + " may read it)");
      }
    }
    Progress progress = Progress.onTerminal(spec.commandLine().getErr());
    try (Database db = location.open(args, true)) {
      long n = load(db, new Counting(in), total, progress);
      progress.clear();
      spec.commandLine().getErr().printf("imported %,d entries%n", n);
    } finally {
      progress.clear();
      if (file != null) {
        in.close(); // stdin stays open: it is the process's
      }
    }
    return Main.OK;
  }

  private long load(Database db, Counting in, long total, Progress progress) {
    progress.start("import");
    // A decoder that reports bad UTF-8 instead of replacing it: nothing is stored mangled.
    BufferedReader lines = new BufferedReader(
        new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()), 1 << 16);
    List<Op<String, String>> ops = new ArrayList<>(); // grows to what the input has, not --batch
    long written = 0;
    long number = 0;
    long firstOfBatch = 1;
    try {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        if (ops.isEmpty()) {
          firstOfBatch = number;
        }
        ops.add(entry(line, number, written, firstOfBatch));
        if (ops.size() == batch) {
          db.batch(ops);
          written += ops.size();
          ops.clear();
          progress.at(total > 0 ? in.count : written, total);
        }
      }
    } catch (CharacterCodingException e) {
      throw stop(number + 1, "not UTF-8", written, ops.isEmpty() ? number + 1 : firstOfBatch);
    } catch (IOException e) {
      throw new LevelException(ErrorCode.LEVEL_IO_ERROR, "cannot read line " + (number + 1) + ": "
          + e.getMessage() + "; " + written + " entries were imported before it", e);
    }
    if (!ops.isEmpty()) {
      db.batch(ops);
      written += ops.size();
    }
    progress.at(Math.max(total, written), Math.max(total, written));
    return written;
  }

  private static Op<String, String> entry(String line, long number, long written, long first) {
    JsonNode node = JsonLines.read(line, what -> stop(number, what, written, first));
    if (!node.isObject()) {
      throw stop(number, "expected an object like {\"key\":\"k\",\"value\":\"v\"}", written, first);
    }
    return Op.put(text(node, "key", number, written, first),
        text(node, "value", number, written, first));
  }

  private static String text(JsonNode node, String field, long number, long written, long first) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw stop(number, "\"" + field + "\" is missing", written, first);
    }
    if (!v.isTextual()) {
      throw stop(number, "\"" + field + "\" must be a string, not " + v, written, first);
    }
    return v.textValue();
  }

  private static LevelException stop(long number, String what, long written, long first) {
    return new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "line " + number + ": " + what
        + "; imported " + written + " entries" + (written == 0 ? ""
            : " (lines 1 to " + (first - 1) + ")") + ", nothing from line " + first + " on");
  }

  /** Counts the bytes read, for a progress bar over a file's size. */
  private static final class Counting extends java.io.FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
