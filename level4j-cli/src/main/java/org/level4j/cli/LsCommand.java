package org.level4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.LevelIterator;
import org.level4j.Range;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code level4j ls DIR [range] [--keys|--values] [--json]}: lists entries in key order. */
@Command(name = "ls",
    description = {
        "List entries in key order.",
        "One KEY<TAB>VALUE line each, or with --json one {\"key\":…,\"value\":…} line each",
        "(use --json when keys or values may hold tabs or newlines)."})
final class LsCommand implements Callable<Integer> {
  private static final int STEP = 1000;

  @Mixin
  Location location;

  @Parameters(arity = "0..1", paramLabel = "DIR", description = "The database directory.")
  List<String> args = new ArrayList<>();

  @Option(names = "--gt", paramLabel = "K", description = "Only keys greater than K.")
  String gt;

  @Option(names = "--gte", paramLabel = "K", description = "Only keys greater than or equal to K.")
  String gte;

  @Option(names = "--lt", paramLabel = "K", description = "Only keys less than K.")
  String lt;

  @Option(names = "--lte", paramLabel = "K", description = "Only keys less than or equal to K.")
  String lte;

  @Option(names = "--limit", paramLabel = "N", description = "At most N entries.")
  Integer limit;

  @Option(names = "--reverse", description = "From the highest key down.")
  boolean reverse;

  @Option(names = "--keys", description = "Keys only.")
  boolean keys;

  @Option(names = "--values", description = "Values only.")
  boolean values;

  @Option(names = "--json", description = "JSON lines instead of tab-separated text.")
  boolean json;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    location.operands(args);
    Range<String> range = range();
    PrintWriter out = spec.commandLine().getOut();
    try (Database db = location.open(args, false)) {
      if (keys) {
        try (LevelIterator<String, String> it = db.keys(range)) {
          print(it, k -> line(k, null), out);
        }
      } else if (values) {
        try (LevelIterator<String, String> it = db.values(range)) {
          print(it, v -> line(null, v), out);
        }
      } else {
        try (LevelIterator<String, Entry<String, String>> it = db.iterator(range)) {
          print(it, e -> line(e.key(), e.value()), out);
        }
      }
    }
    return Main.OK;
  }

  private Range<String> range() {
    if (gt != null && gte != null) {
      throw usage("--gt and --gte exclude each other");
    }
    if (lt != null && lte != null) {
      throw usage("--lt and --lte exclude each other");
    }
    if (keys && values) {
      throw usage("--keys and --values exclude each other (leave both out for entries)");
    }
    if (limit != null && limit < 0) {
      throw usage("--limit must be 0 or more, not " + limit);
    }
    Range<String> range = Range.all();
    if (gt != null) {
      range = range.gt(gt);
    }
    if (gte != null) {
      range = range.gte(gte);
    }
    if (lt != null) {
      range = range.lt(lt);
    }
    if (lte != null) {
      range = range.lte(lte);
    }
    return range.reverse(reverse).limit(limit == null ? -1 : limit);
  }

  private String line(String key, String value) {
    if (json) {
      return JsonLines.entry(key, value);
    }
    if (key == null) {
      return value;
    }
    return value == null ? key : key + '\t' + value;
  }

  private static <T> void print(LevelIterator<String, T> it,
      java.util.function.Function<T, String> format, PrintWriter out) {
    for (List<T> step = it.nextv(STEP); !step.isEmpty(); step = it.nextv(STEP)) {
      for (T item : step) {
        out.println(format.apply(item));
      }
      if (out.checkError()) {
        return; // the reader went away (ls | head): stop reading the database
      }
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
