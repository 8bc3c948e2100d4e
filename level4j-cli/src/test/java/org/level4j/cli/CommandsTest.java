package org.level4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.level4j.Database;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands, run in-process through picocli, as a user types them. */
class CommandsTest {
  @TempDir
  Path tmp;

  String dir;

  @BeforeEach
  void setUp() {
    dir = tmp.resolve("db").toString();
  }

  private Run run(String... args) {
    return Run.of(args);
  }

  private void ok(String... args) {
    Run r = run(args);
    assertThat(r.code()).as("%s", r).isZero();
  }

  @Test
  void putThenGetPrintsTheValue() {
    ok("put", dir, "greeting", "hello");
    Run r = run("get", dir, "greeting");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("hello\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void putCreatesTheDatabaseDirectory() {
    ok("put", dir, "k", "v");
    assertThat(Path.of(dir).resolve("CURRENT")).exists();
  }

  @Test
  void getOfAnAbsentKeySaysNotFoundOnStderrAndExitsOne() {
    ok("put", dir, "a", "1");
    Run r = run("get", dir, "nope");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("not found: nope\n");
  }

  @Test
  void delRemovesTheKeyAndDeletingAnAbsentKeyIsFine() {
    ok("put", dir, "a", "1");
    ok("del", dir, "a");
    assertThat(run("get", dir, "a").code()).isEqualTo(1);
    ok("del", dir, "a");
  }

  @Test
  void nonAsciiKeysAndValuesRoundTrip() {
    ok("put", dir, "clé", "värde ✓ 日本");
    assertThat(run("get", dir, "clé").out()).isEqualTo("värde ✓ 日本\n");
    assertThat(run("ls", dir).out()).isEqualTo("clé\tvärde ✓ 日本\n");
  }

  @Test
  void emptyValueIsStoredAndPrintedAsAnEmptyLine() {
    ok("put", dir, "k", "");
    Run r = run("get", dir, "k");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("\n");
  }

  @Test
  void lsPrintsTabSeparatedEntriesInKeyOrder() {
    ok("put", dir, "b", "2");
    ok("put", dir, "a", "1");
    ok("put", dir, "c", "3");
    assertThat(run("ls", dir).out()).isEqualTo("a\t1\nb\t2\nc\t3\n");
  }

  @Test
  void lsOfAnEmptyDatabasePrintsNothing() {
    ok("put", dir, "a", "1");
    ok("del", dir, "a");
    Run r = run("ls", dir);
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEmpty();
  }

  @Test
  void lsHonoursBoundsLimitAndReverse() {
    for (String k : new String[] {"a", "b", "c", "d", "e"}) {
      ok("put", dir, k, k.toUpperCase());
    }
    assertThat(run("ls", dir, "--gt", "a", "--lt", "e").out()).isEqualTo("b\tB\nc\tC\nd\tD\n");
    assertThat(run("ls", dir, "--gte", "b", "--lte", "d").out()).isEqualTo("b\tB\nc\tC\nd\tD\n");
    assertThat(run("ls", dir, "--gte", "b", "--limit", "2").out()).isEqualTo("b\tB\nc\tC\n");
    assertThat(run("ls", dir, "--reverse", "--limit", "2").out()).isEqualTo("e\tE\nd\tD\n");
    assertThat(run("ls", dir, "--lt", "c", "--reverse").out()).isEqualTo("b\tB\na\tA\n");
    assertThat(run("ls", dir, "--limit", "0").out()).isEmpty();
    assertThat(run("ls", dir, "--gt", "x").out()).isEmpty();
  }

  @Test
  void lsPrintsKeysOnlyOrValuesOnly() {
    ok("put", dir, "a", "1");
    ok("put", dir, "b", "2");
    assertThat(run("ls", dir, "--keys").out()).isEqualTo("a\nb\n");
    assertThat(run("ls", dir, "--values", "--reverse").out()).isEqualTo("2\n1\n");
  }

  @Test
  void lsJsonPrintsOneObjectPerLineWithEscapes() {
    ok("put", dir, "a", "tab\there \"quoted\"\nnext line");
    ok("put", dir, "b", "ü");
    assertThat(run("ls", dir, "--json").out()).isEqualTo(
        "{\"key\":\"a\",\"value\":\"tab\\there \\\"quoted\\\"\\nnext line\"}\n"
            + "{\"key\":\"b\",\"value\":\"ü\"}\n");
    assertThat(run("ls", dir, "--json", "--keys").out())
        .isEqualTo("{\"key\":\"a\"}\n{\"key\":\"b\"}\n");
    assertThat(run("ls", dir, "--json", "--values", "--gt", "a").out())
        .isEqualTo("{\"value\":\"ü\"}\n");
  }

  @Test
  void lsRejectsBoundsThatExcludeEachOther() {
    ok("put", dir, "a", "1");
    for (String[] args : new String[][] {
        {"ls", dir, "--gt", "a", "--gte", "b"},
        {"ls", dir, "--lt", "a", "--lte", "b"},
        {"ls", dir, "--keys", "--values"},
        {"ls", dir, "--limit", "-1"},
        {"ls", dir, "--limit", "many"}}) {
      Run r = run(args);
      assertThat(r.code()).as("%s", r).isEqualTo(64);
      assertThat(r.err()).startsWith("level4j: ").contains("Usage: level4j ls");
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void batchAppliesEveryLine() {
    ok("put", dir, "old", "x");
    Run r = Run.withInput(
        "{\"type\":\"put\",\"key\":\"a\",\"value\":\"1\"}\n"
            + "\n"
            + "{\"type\":\"put\",\"key\":\"b\",\"value\":\"2\"}\n"
            + "  {\"type\":\"del\",\"key\":\"old\"}  \n",
        "batch", dir);
    assertThat(r.code()).as("%s", r).isZero();
    assertThat(run("ls", dir).out()).isEqualTo("a\t1\nb\t2\n");
  }

  @Test
  void batchOfNothingWritesNothing() {
    ok("put", dir, "a", "1");
    assertThat(Run.withInput("", "batch", dir).code()).isZero();
    assertThat(run("ls", dir).out()).isEqualTo("a\t1\n");
  }

  @Test
  void batchWithABadLineNamesItsNumberAndWritesNothing() {
    ok("put", dir, "keep", "me");
    String good = "{\"type\":\"put\",\"key\":\"new\",\"value\":\"1\"}\n"
        + "{\"type\":\"del\",\"key\":\"keep\"}\n";
    String[][] cases = {
        {"not json at all", "not JSON"},
        {"[1,2]", "expected an object"},
        {"{\"type\":\"putt\",\"key\":\"a\",\"value\":\"1\"}", "\"type\" must be \"put\" or \"del\""},
        {"{\"type\":\"put\",\"key\":\"a\"}", "\"value\" is missing"},
        {"{\"type\":\"del\"}", "\"key\" is missing"},
        {"{\"key\":\"a\"}", "\"type\" is missing"},
        {"{\"type\":\"put\",\"key\":1,\"value\":\"1\"}", "\"key\" must be a string"},
        {"{\"type\":\"put\",\"key\":\"a\",\"value\":{\"x\":1}}", "\"value\" must be a string"},
        {"{\"type\":\"put\",\"key\":\"x\",\"value\":\"1\"}{\"type\":\"del\",\"key\":\"y\"}",
            "more than one JSON value on the line"},
        {"{\"type\":\"del\",\"key\":\"a\"} {\"type\":\"del\",\"key\":\"b\"}",
            "more than one JSON value on the line"},
        {"{\"type\":\"del\",\"key\":\"a\"} and more", "not JSON"},
        {"[".repeat(1001) + "]".repeat(1001), "beyond a limit of the JSON reader"},
    };
    for (String[] c : cases) {
      Run r = Run.withInput(good + c[0] + "\n" + good, "batch", dir);
      assertThat(r.code()).as("%s", r).isEqualTo(2);
      assertThat(r.err()).startsWith("level4j: LEVEL_INVALID_ARGUMENT: batch line 3: ")
          .contains(c[1]).contains("nothing was written");
      assertThat(run("ls", dir).out()).as("after %s", c[0]).isEqualTo("keep\tme\n");
    }
  }

  @Test
  void batchTakesAValueLongerThanJacksonsDefaultStringLimit() {
    String big = "v".repeat(20_000_001);
    Run r = Run.withInput("{\"type\":\"put\",\"key\":\"big\",\"value\":\"" + big + "\"}\n",
        "batch", dir);
    assertThat(r.code()).as("%s", r).isZero();
    try (Database db = Target.open(Path.of(dir), false)) {
      assertThat(db.get("big")).isEqualTo(big);
    }
  }

  @Test
  void batchRejectsInvalidUtf8OnStdin() {
    ok("put", dir, "keep", "me");
    byte[] bad = "{\"type\":\"put\",\"key\":\"a\",\"value\":\"\u00ff\"}\n"
        .getBytes(StandardCharsets.ISO_8859_1);
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int code = Main.run(new String[] {"batch", dir}, new java.io.ByteArrayInputStream(bad),
        new java.io.PrintWriter(out), new java.io.PrintWriter(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("cannot read stdin").contains("nothing was written");
    assertThat(run("ls", dir).out()).isEqualTo("keep\tme\n");
  }

  @Test
  void readsOfAMissingDirectoryFailAndDoNotCreateIt() {
    for (String[] args : new String[][] {{"get", dir, "k"}, {"ls", dir}, {"del", dir, "k"}}) {
      Run r = run(args);
      assertThat(r.code()).as("%s", r).isEqualTo(2);
      assertThat(r.err()).isEqualTo("level4j: LEVEL_DATABASE_MISSING: " + dir
          + " does not exist (a write such as `level4j put` creates a database)\n");
      assertThat(Path.of(dir)).doesNotExist();
    }
  }

  @Test
  void readsOfADirectoryThatHoldsNoDatabaseFailAndLeaveItEmpty() throws Exception {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    Run r = run("get", empty.toString(), "k");
    assertThat(r.code()).as("%s", r).isEqualTo(2);
    assertThat(r.err()).startsWith("level4j: LEVEL_DATABASE_MISSING");
    try (var files = Files.list(empty)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aDirectoryHeldInThisProcessIsShared() {
    ok("put", dir, "a", "1");
    try (Database held = Target.open(Path.of(dir), false)) {
      Run r = run("get", dir, "a");
      assertThat(r.code()).as("%s", r).isZero();
      assertThat(r.out()).isEqualTo("1\n");
      assertThat(held.get("a")).isEqualTo("1");
    }
  }

  @Test
  void aDirectoryHeldOutsideTheElectionGivesAClearMessageAndAHint() {
    ok("put", dir, "a", "1");
    try (Database held = org.level4j.rocksdb.RocksLevel.open(Path.of(dir))) {
      Run r = run("get", dir, "a");
      assertThat(r.code()).as("%s", r).isEqualTo(2);
      assertThat(r.err()).startsWith("level4j: LEVEL_LOCKED: ").contains("hint: ");
      assertThat(r.out()).isEmpty();
      assertThat(held.get("a")).isEqualTo("1");
    }
  }


  @Test
  void storedBytesThatAreNotUtf8GiveADecodeError() {
    ok("put", dir, "a", "1");
    try (Database db = Target.open(Path.of(dir), false)) {
      db.bytes().put("bin".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xff, 0});
    }
    Run r = run("get", dir, "bin");
    assertThat(r.code()).as("%s", r).isEqualTo(2);
    assertThat(r.err()).startsWith("level4j: LEVEL_DECODE_ERROR");
  }

  @Test
  void wrongNumberOfOperandsIsAUsageError() {
    for (String[][] c : new String[][][] {
        {{"put", dir, "k"}, {"Usage: level4j put"}},
        {{"put", dir, "k", "v", "extra"}, {"Usage: level4j put"}},
        {{"get", dir}, {"expected DIR KEY, got 1 operand"}},
        {{"get"}, {"Usage: level4j get"}},
        {{"ls"}, {"expected DIR, got 0 operands"}},
        {{"batch"}, {"expected DIR, got 0 operands"}},
        {{"del", dir, "a", "b"}, {"Usage: level4j del"}}}) {
      Run r = run(c[0]);
      assertThat(r.code()).as("%s", r).isEqualTo(64);
      assertThat(r.err()).startsWith("level4j: ").contains(c[1][0]);
    }
  }

  @Test
  void anEtcdListWithoutAnEndpointIsAUsageError() {
    for (String[] args : new String[][] {{"get", "--etcd", ",", "k"}, {"bench", "--etcd", " "}}) {
      Run r = run(args);
      assertThat(r.code()).as("%s", r).isEqualTo(64);
      assertThat(r.err()).startsWith("level4j: Invalid value for option '--etcd'")
          .contains("--etcd needs at least one endpoint, as http://127.0.0.1:2379");
    }
  }

  @Test
  void noCommandOrAnUnknownOneIsAUsageError() {
    Run none = run();
    assertThat(none.code()).isEqualTo(64);
    assertThat(none.err()).startsWith("level4j: missing command").contains("Commands:");
    Run unknown = run("frobnicate", dir);
    assertThat(unknown.code()).isEqualTo(64);
    assertThat(unknown.err()).contains("frobnicate");
  }

  @Test
  void helpAndVersionExitZero() {
    Run help = run("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("Usage: level4j").contains("put").contains("batch")
        .contains("Exit codes");
    Run putHelp = run("put", "--help");
    assertThat(putHelp.code()).isZero();
    assertThat(putHelp.out()).contains("Usage: level4j put");
    Run version = run("--version");
    assertThat(version.code()).isZero();
    assertThat(version.out()).startsWith("level4j ");
  }

  @Test
  void everyCommandsOneLineSummaryInHelpIsACompleteSentence() {
    // --help lists each command with the first line of its description, and only that line.
    picocli.CommandLine cli = Main.commandLine(System.in, null);
    for (var c : cli.getSubcommands().entrySet()) {
      String[] description = c.getValue().getCommandSpec().usageMessage().description();
      assertThat(description).as(c.getKey()).isNotEmpty();
      assertThat(description[0]).as(c.getKey()).endsWith(".");
    }
    Run help = run("--help");
    assertThat(help.out().replaceAll("\\s+", " ")).contains("List entries in key order.")
        .contains("Apply operations read from stdin, one JSON object a line, atomically.")
        .contains("Hold the database in DIR and serve it until stopped (Ctrl-C).");
  }

  @Test
  void generateCompletionPrintsAScriptThatCompletesEveryCommand() {
    Run r = run("generate-completion");
    assertThat(r.code()).as("%s", r).isZero();
    assertThat(r.out()).contains("complete -F").contains("level4j");
    for (String command : List.of("put", "get", "ls", "serve", "export", "import")) {
      assertThat(r.out()).contains(command);
    }
  }

  @Test
  void infoDescribesADatabaseWithoutOpeningIt() {
    ok("put", dir, "a", "1");
    try (Database held = Target.open(Path.of(dir), false)) {
      Run r = run("info", dir);
      assertThat(r.code()).as("%s", r).isZero();
      assertThat(r.out()).contains("path: " + Path.of(dir).toAbsolutePath())
          .contains("exists: yes").contains("database: yes").containsPattern("bytes: [1-9]");
      assertThat(held.get("a")).isEqualTo("1");
    }
  }

  @Test
  void demoKillsTheLeaderAndLosesNothing() {
    Run r = run("demo", "--workers", "2", "--kills", "1", "--interval-ms", "300", "--dir", dir);
    assertThat(r.code()).as("%s", r).isZero();
    String last = r.out().lines().filter(l -> l.startsWith("acknowledged=")).findFirst()
        .orElseThrow(() -> new AssertionError("no result line in " + r));
    assertThat(last).matches(
        "acknowledged=[1-9][0-9]* lost=0 failovers=1 failover_ms_median=[0-9.]+ "
            + "failover_ms_max=[0-9.]+");
    // Not only the demo's word for it: each worker's writes are in the directory, 0..n without a
    // gap and with the values it wrote, at least as many as it reported acknowledged.
    long acknowledged = Long.parseLong(last.substring("acknowledged=".length(), last.indexOf(' ')));
    java.util.Map<String, Long> stored = new java.util.TreeMap<>();
    try (Database db = Target.open(Path.of(dir), false)) {
      for (org.level4j.Entry<String, String> e : db.iterator()) {
        String name = e.key().substring(0, e.key().indexOf(':'));
        long n = Long.parseLong(e.key().substring(name.length() + 1));
        assertThat(n).as("%s follows the previous key of %s", e.key(), name)
            .isEqualTo(stored.getOrDefault(name, -1L) + 1);
        assertThat(e.value()).isEqualTo(DemoWorker.value(name, n));
        stored.put(name, n);
      }
    }
    assertThat(stored.size()).as("workers with writes in %s", stored).isGreaterThanOrEqualTo(2);
    assertThat(stored.values().stream().mapToLong(n -> n + 1).sum())
        .isGreaterThanOrEqualTo(acknowledged);
  }

  @Test
  void demoRefusesWorkerCountsOutsideTwoToNinetyNineBeforeStartingAny() {
    for (String n : new String[] {"1", "100", "100000"}) {
      Run r = run("demo", "--workers", n, "--dir", dir);
      assertThat(r.code()).as("%s", r).isEqualTo(64);
      assertThat(r.err()).startsWith("level4j: --workers must be from 2 to 99 (each is a JVM), not "
          + n).contains("Usage: level4j demo");
      assertThat(Path.of(dir)).doesNotExist();
    }
  }

  @Test
  void infoOfAMissingDirectorySaysSo() {
    Run r = run("info", dir);
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("exists: no").doesNotContain("database:");
  }

  @Test
  void demoTakesTheTourAndCleansUp() {
    Run r = run("demo", "--tour");
    assertThat(r.code()).as("%s", r).isZero();
    assertThat(r.out()).contains("get fruit:banana -> yellow")
        .contains("fruit:cherry = dark red\n  fruit:banana = yellow")
        .contains("!users!ada = {\"name\":\"Ada Lovelace\",\"age\":36}")
        .contains("veg:carrot -> null")
        .endsWith("6 entries\n");
    String first = r.out().lines().findFirst().orElseThrow();
    Path demoDir = Path.of(first.substring(first.lastIndexOf(' ') + 1));
    assertThat(demoDir).doesNotExist();
  }
}
