package org.level4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.level4j.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code level4j get DIR KEY}: prints the value, or exits 1 if the key is absent. */
@Command(name = "get",
    description = "Print the value at KEY; if KEY is absent, say so on stderr and exit 1.")
final class GetCommand implements Callable<Integer> {
  @Mixin
  Location location;

  @Parameters(arity = "1..2", paramLabel = "[DIR] KEY", hideParamSyntax = true,
      description = "The database directory and the key.")
  List<String> args = new ArrayList<>();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    String key = location.operands(args, "KEY").get(0);
    String value;
    try (Database db = location.open(args, false)) {
      value = db.get(key);
    }
    if (value == null) {
      spec.commandLine().getErr().println("not found: " + key);
      return Main.NOT_FOUND;
    }
    spec.commandLine().getOut().println(value);
    return Main.OK;
  }
}
