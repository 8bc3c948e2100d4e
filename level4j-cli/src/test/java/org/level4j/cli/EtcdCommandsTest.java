package org.level4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.etcd.EtcdCluster;

/** The commands with {@code --etcd}, against a cluster of one real etcd process. */
class EtcdCommandsTest {
  @TempDir
  static Path tmp;
  static EtcdCluster cluster;
  static String etcd;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = EtcdCluster.start(tmp.resolve("etcd"), 1);
    etcd = String.join(",", cluster.endpoints());
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Run ok(Run r) {
    assertThat(r.code()).as("%s", r).isZero();
    return r;
  }

  @Test
  void putGetLsDelAndBatchWorkOnANamespace() {
    ok(Run.of("put", "--etcd", etcd, "--namespace", "cmds", "a", "1"));
    ok(Run.of("put", "--etcd", etcd, "--namespace", "cmds", "b", "✓"));
    assertThat(ok(Run.of("get", "--etcd", etcd, "--namespace", "cmds", "b")).out())
        .isEqualTo("✓\n");
    ok(Run.withInput("{\"type\":\"put\",\"key\":\"c\",\"value\":\"3\"}\n"
        + "{\"type\":\"del\",\"key\":\"a\"}\n", "batch", "--etcd", etcd, "--namespace", "cmds"));
    assertThat(ok(Run.of("ls", "--etcd", etcd, "--namespace", "cmds")).out())
        .isEqualTo("b\t✓\nc\t3\n");
    ok(Run.of("del", "--etcd", etcd, "--namespace", "cmds", "b"));
    assertThat(ok(Run.of("ls", "--etcd", etcd, "--namespace", "cmds", "--keys")).out())
        .isEqualTo("c\n");
    assertThat(ok(Run.of("ls", "--etcd", etcd, "--namespace", "other")).out()).isEmpty();
  }

  @Test
  void exportFromADirectoryAndImportToTheClusterMovesTheStore() {
    String dir = tmp.resolve("local").toString();
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 250; i++) { // more than one etcd transaction holds
      lines.append(String.format("{\"key\":\"k%03d\",\"value\":\"v%d\"}%n", i, i));
    }
    ok(Run.withInput(lines.toString(), "import", dir));
    Path file = tmp.resolve("moved.jsonl");
    ok(Run.of("export", dir, file.toString()));
    Run imported = ok(Run.of("import", "--etcd", etcd, "--namespace", "moved", file.toString()));
    assertThat(imported.err()).contains("imported 250 entries");
    assertThat(ok(Run.of("export", "--etcd", etcd, "--namespace", "moved")).out())
        .isEqualTo(ok(Run.of("export", dir)).out());
  }

  @Test
  void benchRunsItsPhasesOnANewNamespace() {
    Run r = ok(Run.of("bench", "--etcd", etcd, "--n", "300", "--json"));
    assertThat(r.out()).contains("\"role\":\"etcd\"").contains("\"phase\":\"put_seq\"")
        .contains("\"phase\":\"batch_put_100\"").contains("\"phase\":\"get_window64\"");
  }

  @Test
  void etcdFlagsAreCheckedAsUsage() {
    assertThat(Run.of("get", "--etcd", etcd, "somedir", "k").err()).contains("no DIR with --etcd");
    assertThat(Run.of("get", "--etcd", etcd, "--connect", "tcp://127.0.0.1:1", "k").err())
        .contains("give one");
    assertThat(Run.of("get", "--namespace", "x", tmp.resolve("d").toString(), "k").err())
        .contains("--namespace goes with --etcd");
    assertThat(Run.of("bench", "--etcd", etcd, tmp.resolve("d").toString()).code()).isEqualTo(64);
  }
}
