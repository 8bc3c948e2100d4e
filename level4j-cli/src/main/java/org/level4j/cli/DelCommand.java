package org.level4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.level4j.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code level4j del DIR KEY}: deletes one entry; an absent key is not an error. */
@Command(name = "del", description = "Delete KEY (deleting an absent key is not an error).")
final class DelCommand implements Callable<Integer> {
  @Mixin
  Location location;

  @Parameters(arity = "1..2", paramLabel = "[DIR] KEY", hideParamSyntax = true,
      description = "The database directory and the key.")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    String key = location.operands(args, "KEY").get(0);
    try (Database db = location.open(args, false)) {
      db.del(key);
    }
    return Main.OK;
  }
}
