package org.level4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code level4j export DIR [FILE]}: every entry as a JSON line {@code {"key":…,"value":…}}, in key
 * order, read from one snapshot, so the file is the database as it was at one moment even while
 * other processes write. {@code import} reads the same lines back.
 */
@Command(name = "export",
    description = {
        "Write every entry of DIR, in key order, as JSON lines {\"key\":…,\"value\":…} to FILE"
            + " (or to stdout if FILE is left out or is -). The entries come from one snapshot:"
            + " the database as it was when the export started, even while others write. A"
            + " FILE appears only once complete. `level4j import` reads it back."})
final class ExportCommand implements Callable<Integer> {
  private static final int STEP = 1000;

  @Mixin
  Location location;

  @Parameters(arity = "0..2", paramLabel = "DIR [FILE]",
      description = "The database directory, then the file to write (default: stdout).")
  List<String> args = new ArrayList<>();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    int dirs = location.remote() ? 0 : 1;
    List<String> rest = args.size() > dirs
        ? location.operands(args, "FILE") : location.operands(args);
    String file = rest.isEmpty() || rest.get(0).equals("-") ? null : rest.get(0);
    Path target = file == null ? null : writable(file);
    Progress progress = file == null ? Progress.besideOutput(spec.commandLine().getErr())
        : Progress.onTerminal(spec.commandLine().getErr());
    try (Database db = location.open(args, false)) {
      if (file == null) {
        PrintWriter out = spec.commandLine().getOut();
        out.flush();
        write(db, out, progress);
        out.flush();
      } else {
        long n;
        try {
          n = writeFile(db, target, progress);
        } catch (IOException e) {
          throw IoFailure.of("cannot export to " + file, e, "nothing was written to " + file
              + " (check that its directory exists, that you may write there, and the free"
              + " space)");
        }
        progress.clear();
        spec.commandLine().getErr().printf("exported %,d entries to %s%n", n, file);
      }
    } finally {
      progress.clear();
    }
    return Main.OK;
  }

  /**
   * The absolute path of {@code file}, checked before the database is opened: the export is
   * written to a temporary file beside it, then renamed, so its directory must exist and take
   * new files, and the file itself must not be a directory.
   */
  private static Path writable(String file) {
    Path target = Path.of(file).toAbsolutePath();
    Path parent = target.getParent();
    String why = null;
    if (Files.isDirectory(target)) {
      why = "it is a directory; name a file in it, as " + Path.of(file, "export.jsonl");
    } else if (!Files.isDirectory(parent)) {
      why = "there is no directory " + parent + "; create it first";
    } else if (!Files.isWritable(parent)) {
      why = "you may not create files in " + parent + " (the export is written beside " + file
          + ", then renamed); choose a directory you may write to";
    }
    if (why != null) {
      throw new LevelException(ErrorCode.LEVEL_IO_ERROR, "cannot export to " + file + ": " + why);
    }
    return target;
  }

  /** Writes to a temporary file beside {@code target}, renamed to it once complete. */
  private static long writeFile(Database db, Path target, Progress progress) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
    try {
      long n;
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        n = write(db, w, progress);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      return n;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static long write(Database db, Writer w, Progress progress) throws IOException {
    progress.start("export");
    long n = 0;
    try (JsonGenerator g = new JsonFactory().createGenerator(w);
        LevelIterator<String, Entry<String, String>> it = db.iterator()) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.setRootValueSeparator(null); // lines end with '\n' instead
      for (List<Entry<String, String>> step = it.nextv(STEP); !step.isEmpty();
          step = it.nextv(STEP)) {
        for (Entry<String, String> e : step) {
          g.writeStartObject();
          g.writeStringField("key", e.key());
          g.writeStringField("value", e.value());
          g.writeEndObject();
          g.writeRaw('\n');
        }
        n += step.size();
        progress.at(n, 0);
        if (w instanceof PrintWriter && ((PrintWriter) w).checkError()) {
          break; // the reader went away (export DIR | head): stop reading the database
        }
      }
    }
    return n;
  }
}
