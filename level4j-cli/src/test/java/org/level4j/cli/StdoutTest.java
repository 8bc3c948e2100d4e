package org.level4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.Op;
import org.level4j.child.ChildProcess;

/**
 * A command whose standard output cannot be written fails (exit 2, LEVEL_IO_ERROR) instead of
 * ending with 0 and part of its output: a PrintWriter keeps its stream's errors to itself.
 */
class StdoutTest {
  private static final Path FULL = Path.of("/dev/full"); // every write: ENOSPC

  @TempDir
  Path tmp;

  private String db(int entries) {
    String dir = tmp.resolve("db").toString();
    List<Op<String, String>> ops = new ArrayList<>();
    for (int i = 0; i < entries; i++) {
      ops.add(Op.put(String.format("k%06d", i), "v".repeat(100)));
    }
    try (Database db = Target.open(Path.of(dir), true)) {
      db.batch(ops);
    }
    return dir;
  }

  @Test
  void aFullDiskUnderStdoutIsAnIoErrorForExportLsAndGet() throws Exception {
    assumeTrue(Files.exists(FULL), "needs /dev/full");
    String dir = db(10);
    for (String[] args : new String[][] {{"export", dir}, {"ls", dir}, {"get", dir, "k000001"}}) {
      ProcessBuilder pb = ProcessTest.command(args).redirectOutput(FULL.toFile());
      Path err = tmp.resolve("err.txt");
      Process p = pb.redirectError(err.toFile()).start();
      p.getOutputStream().close();
      assertThat(p.waitFor(ChildProcess.READ_SECONDS, TimeUnit.SECONDS)).isTrue();
      String stderr = Files.readString(err);
      assertThat(p.exitValue()).as("%s: %s", args[0], stderr).isEqualTo(Main.FAILED);
      assertThat(stderr).isEqualTo("level4j: LEVEL_IO_ERROR: cannot write to standard output:"
          + " No space left on device; what was printed is incomplete\n");
    }
  }

  @Test
  void aReaderThatClosesThePipeEarlyEndsTheCommandWithoutAMessage() throws Exception {
    // More than the pipe and the command's buffer hold, so that the command is still writing
    // when the read end closes, however soon it starts.
    String dir = db(5000);
    Path err = tmp.resolve("err.txt");
    Process p = ProcessTest.command("ls", dir).redirectError(err.toFile()).start();
    p.getOutputStream().close();
    p.getInputStream().close();
    assertThat(p.waitFor(ChildProcess.READ_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(Main.FAILED);
    assertThat(Files.readString(err)).isEmpty();
  }

  @Test
  void aFailingStdoutInProcessIsAnIoErrorEvenForHelp() {
    String dir = db(3);
    for (String[] args : new String[][] {
        {"export", dir}, {"ls", dir}, {"get", dir, "k000001"}, {"--help"}}) {
      StringWriter err = new StringWriter();
      OutputStream failing = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          throw new IOException("No space left on device");
        }
      };
      int code = Main.run(args, new ByteArrayInputStream(new byte[0]),
          new PrintWriter(new OutputStreamWriter(failing, StandardCharsets.UTF_8)),
          new PrintWriter(err));
      assertThat(code).as("%s: %s", args[0], err).isEqualTo(Main.FAILED);
      assertThat(err.toString()).startsWith("level4j: LEVEL_IO_ERROR: cannot write to standard"
          + " output: ");
    }
  }
}
