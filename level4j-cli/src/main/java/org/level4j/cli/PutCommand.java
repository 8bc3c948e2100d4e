package org.level4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.level4j.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code level4j put DIR KEY VALUE}: writes one entry, creating the database if needed. */
@Command(name = "put", description = "Write VALUE at KEY (creates the database if missing).")
final class PutCommand implements Callable<Integer> {
  @Mixin
  Location location;

  @Parameters(arity = "2..3", paramLabel = "[DIR] KEY VALUE", hideParamSyntax = true,
      description = "The database directory, the key and the value (UTF-8 text).")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    List<String> kv = location.operands(args, "KEY", "VALUE");
    try (Database db = location.open(args, true)) {
      db.put(kv.get(0), kv.get(1));
    }
    return Main.OK;
  }
}
