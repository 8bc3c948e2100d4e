package org.level4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.child.ChildProcess;

/**
 * The command as a separate JVM, the way the {@code ./level4j} script starts it: exit codes and
 * UTF-8 reach the shell, and a directory held by another process is reported as such.
 */
class ProcessTest {
  @TempDir
  Path tmp;

  static ProcessBuilder command(String... args) {
    ProcessBuilder pb = ChildProcess.command(List.of(), Main.class, args);
    pb.environment().put("LC_ALL", "C.UTF-8"); // as the script does: the JVM decodes argv by it
    return pb;
  }

  private Run spawn(String stdin, String... args) throws IOException, InterruptedException {
    return spawn(command(args), stdin, tmp);
  }

  /** Runs {@code command} to its end with {@code stdin} as its input ({@link ChildProcess#run}). */
  static Run spawn(ProcessBuilder command, String stdin, Path tmp)
      throws IOException, InterruptedException {
    ChildProcess.Result r = ChildProcess.run(command, stdin, tmp);
    return new Run(r.code(), r.out(), r.err());
  }

  @Test
  void aProcessPassesUtf8AndExitCodesThrough() throws Exception {
    String dir = tmp.resolve("db").toString();
    assertThat(spawn("", "put", dir, "clé", "värde ✓").code()).isZero();
    Run batch = spawn("{\"type\":\"put\",\"key\":\"b\",\"value\":\"日本\"}\n", "batch", dir);
    assertThat(batch.code()).as("%s", batch).isZero();

    Run ls = spawn("", "ls", dir);
    assertThat(ls.code()).as("%s", ls).isZero();
    assertThat(ls.out()).isEqualTo("b\t日本\nclé\tvärde ✓\n");

    Run missing = spawn("", "get", dir, "ø");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("not found: ø\n");

    Run usage = spawn("", "get", dir);
    assertThat(usage.code()).isEqualTo(64);
  }

  @Test
  void aDirectoryHeldByAnotherLevel4jProcessIsSharedNotLocked() throws Exception {
    Path dir = tmp.resolve("db");
    try (Database held = Target.open(dir, true)) {
      held.put("a", "1");
      Run r = spawn("", "get", dir.toString(), "a");
      assertThat(r.code()).as("%s", r).isZero();
      assertThat(r.out()).isEqualTo("1\n");
      assertThat(spawn("", "put", dir.toString(), "b", "2").code()).isZero();
      assertThat(held.get("b")).isEqualTo("2");
    }
    Run after = spawn("", "get", dir.toString(), "b");
    assertThat(after.out()).isEqualTo("2\n");
  }

  @Test
  void aDirectoryHeldByAProgramOutsideTheElectionIsReportedAsInUse() throws Exception {
    Path dir = tmp.resolve("db");
    try (Database held = org.level4j.rocksdb.RocksLevel.open(dir)) {
      held.put("a", "1");
      Run r = spawn("", "get", dir.toString(), "a");
      assertThat(r.code()).as("%s", r).isEqualTo(2);
      assertThat(r.err()).startsWith("level4j: LEVEL_LOCKED: ").contains("hint: ");
    }
  }

  @Test
  void serveListensUntilStoppedAndRecoversFromAStaleSocket() throws Exception {
    Path dir = tmp.resolve("db");
    Path sock = tmp.resolve("s.sock");
    ChildProcess serve = startServe(dir, sock);
    try {
      ChildProcess lines = serve;
      assertThat(lines.readLine()).isEqualTo("serving " + dir.toAbsolutePath());
      assertThat(lines.readLine()).isEqualTo("listening on unix:" + sock.toAbsolutePath());
      String tcpLine = lines.readLine();
      assertThat(tcpLine).startsWith("listening on tcp://127.0.0.1:");
      String tcp = tcpLine.substring("listening on ".length());

      assertThat(Run.of("put", "--connect", tcp, "k", "v").code()).isZero();
      assertThat(Run.of("get", "--connect", "unix:" + sock, "k").out()).isEqualTo("v\n");
      Run direct = Run.of("get", dir.toString(), "k");
      assertThat(direct.code()).as("a direct command follows the serving leader").isZero();
      assertThat(direct.out()).isEqualTo("v\n");

      serve.process().destroy(); // SIGTERM: stops cleanly
      serve.waitFor();
      assertThat(sock).doesNotExist();
    } finally {
      serve.close();
    }

    // SIGKILL leaves the socket file behind; the next serve replaces it.
    try (ChildProcess again = startServe(dir, sock)) {
      again.readLine();
      assertThat(again.readLine()).startsWith("listening on unix:");
      again.kill();
      assertThat(sock).exists();
    }
    try (ChildProcess third = startServe(dir, sock)) {
      third.readLine();
      assertThat(third.readLine()).startsWith("listening on unix:");
      assertThat(Run.of("get", "--connect", "unix:" + sock, "k").out()).isEqualTo("v\n");
    }
  }

  private static ChildProcess startServe(Path dir, Path sock) throws IOException {
    return ChildProcess.start(
        command("serve", dir.toString(), "--socket", sock.toString(), "--tcp", "127.0.0.1:0"));
  }
}
