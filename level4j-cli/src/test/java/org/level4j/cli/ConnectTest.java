package org.level4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.net.Host;
import org.level4j.net.HostOptions;
import org.level4j.net.Listener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The commands with {@code --connect}, against a host running in this JVM. */
class ConnectTest {
  @TempDir
  Path tmp;

  Database db;
  Host host;
  String tcp;
  String unix;

  @BeforeEach
  void serve() throws Exception {
    db = Target.open(tmp.resolve("db"), true);
    host = Host.of(db);
    Listener t = Listener.tcp(0);
    Listener u = Listener.unix(tmp.resolve("db.sock"));
    host.listen(t).listen(u);
    tcp = "tcp://127.0.0.1:" + ((InetSocketAddress) t.address()).getPort();
    unix = "unix:" + tmp.resolve("db.sock");
  }

  @AfterEach
  void stop() {
    host.close();
    db.close();
  }

  private String uri(String transport) {
    return transport.equals("tcp") ? tcp : unix;
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "unix"})
  void everyCommandWorksThroughAHost(String transport) {
    String at = uri(transport);
    assertThat(Run.of("put", "--connect", at, "a", "1").code()).isZero();
    assertThat(Run.of("put", "--connect", at, "b", "✓").code()).isZero();
    assertThat(db.get("b")).isEqualTo("✓");

    assertThat(Run.of("get", "--connect", at, "b").out()).isEqualTo("✓\n");
    Run missing = Run.of("get", "--connect", at, "zz");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("not found: zz\n");

    Run batch = Run.withInput("{\"type\":\"put\",\"key\":\"c\",\"value\":\"3\"}\n"
        + "{\"type\":\"del\",\"key\":\"a\"}\n", "batch", "--connect", at);
    assertThat(batch.code()).as("%s", batch).isZero();
    assertThat(Run.of("ls", "--connect", at).out()).isEqualTo("b\t✓\nc\t3\n");
    assertThat(Run.of("ls", "--connect", at, "--reverse", "--limit", "1", "--json").out())
        .isEqualTo("{\"key\":\"c\",\"value\":\"3\"}\n");

    assertThat(Run.of("del", "--connect", at, "b").code()).isZero();
    assertThat(Run.of("ls", "--connect", at, "--keys").out()).isEqualTo("c\n");
  }

  @Test
  void aReadOnlyHostRefusesWrites() throws Exception {
    db.put("a", "1");
    try (Host ro = Host.of(db, HostOptions.builder().readOnly(true).build())) {
      Listener l = Listener.tcp(0);
      ro.listen(l);
      String at = "tcp://127.0.0.1:" + ((InetSocketAddress) l.address()).getPort();
      assertThat(Run.of("get", "--connect", at, "a").out()).isEqualTo("1\n");
      Run put = Run.of("put", "--connect", at, "a", "2");
      assertThat(put.code()).isEqualTo(2);
      assertThat(put.err()).startsWith("level4j: LEVEL_READONLY");
      Run batch = Run.withInput("{\"type\":\"del\",\"key\":\"a\"}\n", "batch", "--connect", at);
      assertThat(batch.code()).isEqualTo(2);
      assertThat(db.get("a")).isEqualTo("1");
    }
  }

  @Test
  void connectingWhereNothingListensFailsClearly() {
    Run r = Run.of("get", "--connect", "unix:" + tmp.resolve("nothing.sock"), "a");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("level4j: LEVEL_DATABASE_NOT_OPENED: cannot connect to unix:")
        .contains("is `level4j serve` running there?");
  }

  @Test
  void aHostNameThatDoesNotResolveIsNamedNotNull() {
    Run r = Run.of("get", "--connect", "tcp://nohost.invalid:7007", "a"); // .invalid: RFC 2606
    assertThat(r.code()).as("%s", r).isEqualTo(2);
    assertThat(r.err()).isEqualTo("level4j: LEVEL_DATABASE_NOT_OPENED: cannot connect to"
        + " tcp://nohost.invalid:7007: unknown host nohost.invalid (check its spelling and this"
        + " machine's DNS)\n");
  }

  @Test
  void aCauseWithoutAMessageIsToldByTheNearestMessageAroundIt() {
    LevelException wrapped = new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED, "opening",
        new LevelException(ErrorCode.LEVEL_CONNECTION_LOST, "the host closed the connection",
            new java.io.EOFException()));
    assertThat(Target.cannotConnect("tcp://h:1", wrapped).getMessage())
        .isEqualTo("LEVEL_DATABASE_NOT_OPENED: cannot connect to tcp://h:1: the host closed the"
            + " connection (is `level4j serve` running there?)");
    LevelException bare = new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED, "opening",
        new java.io.EOFException());
    assertThat(Target.cannotConnect("unix:s", bare).getMessage()).isEqualTo(
        "LEVEL_DATABASE_NOT_OPENED: cannot connect to unix:s: opening (is `level4j serve` running"
            + " there?)");
  }

  @Test
  void aMalformedAddressIsAUsageError() {
    for (String bad : new String[] {"localhost:7000", "tcp://127.0.0.1", "tcp://h:1/x", "unix:",
        "http://127.0.0.1:80"}) {
      Run r = Run.of("get", "--connect", bad, "a");
      assertThat(r.code()).as("%s", r).isEqualTo(64);
      assertThat(r.err()).startsWith("level4j: Invalid value for option '--connect'");
    }
  }

  @Test
  void aDirectoryTogetherWithConnectIsAUsageError() {
    Run r = Run.of("get", "--connect", tcp, tmp.resolve("db").toString(), "a");
    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err()).startsWith("level4j: expected KEY (no DIR with --connect), got 2 operands");
    Run ls = Run.of("ls", "--connect", tcp, "somewhere");
    assertThat(ls.code()).isEqualTo(64);
    assertThat(ls.err()).startsWith("level4j: expected no operands with --connect, got 1");
  }
}
