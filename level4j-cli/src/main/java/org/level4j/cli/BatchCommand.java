package org.level4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code level4j batch DIR < ops.jsonl}: applies every operation read from stdin as one atomic
 * batch. All lines are read and checked before anything is written, so a bad line writes nothing.
 */
@Command(name = "batch",
    description = {
        "Apply operations read from stdin, one JSON object a line, atomically.",
        "Each line is one operation:",
        "  {\"type\":\"put\",\"key\":\"k\",\"value\":\"v\"} or {\"type\":\"del\",\"key\":\"k\"}",
        "and all are applied at once (all or none). Blank lines are skipped; a bad line",
        "(not such an object, or two on one line) is reported with its number and nothing",
        "is written."})
final class BatchCommand implements Callable<Integer> {
  @Mixin
  Location location;

  @Parameters(arity = "0..1", paramLabel = "DIR", description = "The database directory.")
  List<String> args = new ArrayList<>();

  @ParentCommand
  LevelCommand top;

  @Override
  public Integer call() {
    location.operands(args);
    List<Op<String, String>> ops = read();
    try (Database db = location.open(args, true)) {
      db.batch(ops);
    }
    return Main.OK;
  }

  private List<Op<String, String>> read() {
    List<Op<String, String>> ops = new ArrayList<>();
    // A decoder that reports bad UTF-8 instead of replacing it: nothing is stored mangled.
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(top.in(), StandardCharsets.UTF_8.newDecoder()));
    int number = 0;
    try {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        number++;
        if (!line.isBlank()) {
          ops.add(JsonLines.op(line, number));
        }
      }
    } catch (IOException e) {
      throw new LevelException(ErrorCode.LEVEL_IO_ERROR,
          "cannot read stdin after line " + number + ": " + e.getMessage() + "; nothing was written",
          e);
    }
    return ops;
  }
}
