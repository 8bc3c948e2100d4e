package org.level4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.child.ChildProcess;

/** {@code level4j export} and {@code import}: JSON lines out, the same lines back in. */
class ExportImportTest {
  @TempDir
  Path tmp;

  private String dir(String name) {
    return tmp.resolve(name).toString();
  }

  private static Run ok(Run r) {
    assertThat(r.code()).as("%s", r).isZero();
    return r;
  }

  @Test
  void exportPrintsEveryEntryInKeyOrderAsJsonLines() {
    ok(Run.of("put", dir("a"), "b", "2"));
    ok(Run.of("put", dir("a"), "a", "1"));
    Run r = ok(Run.of("export", dir("a")));
    assertThat(r.out()).isEqualTo("{\"key\":\"a\",\"value\":\"1\"}\n{\"key\":\"b\",\"value\":\"2\"}\n");
  }

  @Test
  void anExportedFileImportsIntoAnotherDatabaseUnchanged() throws Exception {
    String odd = "tab\there, newline\nthere, quote \" and ünïcödé ✓";
    ok(Run.of("put", dir("a"), "k1", odd));
    ok(Run.withInput("{\"type\":\"put\",\"key\":\"" + "k\\u0000zero" + "\",\"value\":\"v\"}\n",
        "batch", dir("a")));
    Path file = tmp.resolve("dump.jsonl");
    Run export = ok(Run.of("export", dir("a"), file.toString()));
    assertThat(export.err()).contains("exported 2 entries");
    assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).hasSize(2);

    Run imported = ok(Run.of("import", dir("b"), file.toString()));
    assertThat(imported.err()).contains("imported 2 entries");
    assertThat(ok(Run.of("export", dir("b"))).out())
        .isEqualTo(ok(Run.of("export", dir("a"))).out());
    assertThat(ok(Run.of("get", dir("b"), "k1")).out()).isEqualTo(odd + "\n");
  }

  @Test
  void importReadsStdinWithoutAFileAndSkipsBlankLines() {
    Run r = Run.withInput("{\"key\":\"x\",\"value\":\"1\"}\n\n{\"key\":\"y\",\"value\":\"2\"}\n",
        "import", dir("c"));
    ok(r);
    assertThat(ok(Run.of("ls", dir("c"))).out()).isEqualTo("x\t1\ny\t2\n");
  }

  @Test
  void aBadLineKeepsTheBatchesBeforeItAndSaysWhichLinesAreIn() {
    String in = "{\"key\":\"a\",\"value\":\"1\"}\n{\"key\":\"b\",\"value\":\"2\"}\n"
        + "{\"key\":\"c\",\"value\":\"3\"}\n{\"key\":\"d\",\"value\":4}\n";
    Run r = Run.withInput(in, "import", dir("d"), "--batch", "2");
    assertThat(r.code()).isEqualTo(Main.FAILED);
    assertThat(r.err()).contains("line 4: \"value\" must be a string, not 4; imported 2 entries"
        + " (lines 1 to 2), nothing from line 3 on");
    assertThat(ok(Run.of("ls", dir("d"), "--keys")).out()).isEqualTo("a\nb\n");
  }

  @Test
  void aLineWithTwoObjectsStopsTheImportInsteadOfDroppingTheSecond() {
    for (String sep : new String[] {"", " "}) {
      String name = "two" + sep.length();
      String in = "{\"key\":\"a\",\"value\":\"b\"}" + sep + "{\"key\":\"c\",\"value\":\"d\"}\n";
      Run r = Run.withInput(in, "import", dir(name));
      assertThat(r.code()).as("%s", r).isEqualTo(Main.FAILED);
      assertThat(r.err()).isEqualTo("level4j: LEVEL_INVALID_ARGUMENT: line 1: more than one JSON"
          + " value on the line; put each on a line of its own; imported 0 entries, nothing from"
          + " line 1 on\n");
      assertThat(ok(Run.of("ls", dir(name))).out()).isEmpty();
    }
  }

  @Test
  void aValueLongerThanJacksonsDefaultStringLimitExportsAndImportsBack() throws Exception {
    String big = "x".repeat(20_000_001);
    try (Database db = Target.open(Path.of(dir("big")), true)) {
      db.put("big", big);
      db.put("small", "1");
    }
    Path file = tmp.resolve("big.jsonl");
    ok(Run.of("export", dir("big"), file.toString()));
    Run imported = ok(Run.of("import", dir("back"), file.toString()));
    assertThat(imported.err()).contains("imported 2 entries");
    try (Database db = Target.open(Path.of(dir("back")), false)) {
      assertThat(db.get("big")).isEqualTo(big);
      assertThat(db.get("small")).isEqualTo("1");
    }
  }

  @Test
  void aBatchSizeOutsideOneToAMillionIsAUsageError() {
    for (String n : new String[] {"0", "-1", "1000001", "2000000000"}) {
      Run r = Run.withInput("{\"key\":\"a\",\"value\":\"1\"}\n", "import", dir("n"), "--batch", n);
      assertThat(r.code()).as("%s", r).isEqualTo(Main.USAGE);
      assertThat(r.err()).startsWith("level4j: --batch must be from 1 to 1,000,000, not ")
          .contains("Usage: level4j import");
      assertThat(tmp.resolve("n")).doesNotExist();
    }
    ok(Run.withInput("{\"key\":\"a\",\"value\":\"1\"}\n", "import", dir("n"), "--batch",
        "1000000"));
    assertThat(ok(Run.of("get", dir("n"), "a")).out()).isEqualTo("1\n");
  }

  /** An ordinary file-system condition: exit 2 and a LEVEL_IO_ERROR, never a stack trace. */
  private static void assertIoError(Run r, String message) {
    assertThat(r.code()).as("%s", r).isEqualTo(Main.FAILED);
    assertThat(r.err()).startsWith("level4j: LEVEL_IO_ERROR: " + message)
        .doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void exportIntoAMissingDirectoryOrOntoADirectorySaysSoAndWritesNothing() throws Exception {
    ok(Run.of("put", dir("a"), "k", "v"));
    String missing = tmp.resolve("nodir").resolve("out.jsonl").toString();
    assertIoError(Run.of("export", dir("a"), missing), "cannot export to " + missing
        + ": there is no directory " + tmp.resolve("nodir") + "; create it first");
    assertThat(tmp.resolve("nodir")).doesNotExist();

    Path taken = Files.createDirectory(tmp.resolve("taken"));
    assertIoError(Run.of("export", dir("a"), taken.toString()), "cannot export to " + taken
        + ": it is a directory; name a file in it, as " + taken.resolve("export.jsonl"));
    try (var files = Files.list(taken)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void exportIntoADirectoryYouMayNotWriteSaysSo() throws Exception {
    assumeFalse(ChildProcess.isRoot(), "root may write anywhere");
    ok(Run.of("put", dir("a"), "k", "v"));
    Path locked = Files.createDirectory(tmp.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      String file = locked.resolve("out.jsonl").toString();
      assertIoError(Run.of("export", dir("a"), file), "cannot export to " + file
          + ": you may not create files in " + locked);
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void importOfAFileYouMayNotReadOrOfADirectorySaysSoAndImportsNothing() throws Exception {
    Path dump = tmp.resolve("dump.jsonl");
    Files.writeString(dump, "{\"key\":\"a\",\"value\":\"b\"}\n");
    assertIoError(Run.of("import", dir("e"), tmp.toString()),
        "cannot import " + tmp + ": it is a directory");
    assertThat(tmp.resolve("e")).doesNotExist();
    assumeFalse(ChildProcess.isRoot(), "root may read anything");
    Files.setPosixFilePermissions(dump, PosixFilePermissions.fromString("---------"));
    assertIoError(Run.of("import", dir("e"), dump.toString()),
        "cannot import " + dump + ": " + dump + ": permission denied; nothing was imported");
    assertThat(tmp.resolve("e")).doesNotExist();
  }

  @Test
  void exportOfAMissingDirectoryCreatesNothing() {
    Run r = Run.of("export", dir("none"), tmp.resolve("out.jsonl").toString());
    assertThat(r.code()).isEqualTo(Main.FAILED);
    assertThat(tmp.resolve("none")).doesNotExist();
    assertThat(tmp.resolve("out.jsonl")).doesNotExist();
  }
}
