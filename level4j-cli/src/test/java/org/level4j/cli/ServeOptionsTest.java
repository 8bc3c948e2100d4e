package org.level4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.net.HostOptions;
import picocli.CommandLine;

/**
 * The limits of {@code level4j serve} (per connection, over all connections, and how many
 * connections): its flags set them, HostOptions' defaults fill in.
 */
class ServeOptionsTest {
  @TempDir
  Path tmp;

  private static HostOptions parse(String... args) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs(args);
    return serve.hostOptions();
  }

  @Test
  void limitsNotGivenKeepTheDefaults() {
    HostOptions o = parse("db");
    HostOptions d = HostOptions.defaults();
    assertThat(o.maxFrameBytes()).isEqualTo(d.maxFrameBytes()).isEqualTo(64 << 20);
    assertThat(o.maxUnsentBytes()).isEqualTo(d.maxUnsentBytes()).isEqualTo(1 << 20);
    assertThat(o.maxRequestsInFlight()).isEqualTo(d.maxRequestsInFlight()).isEqualTo(4096);
    assertThat(o.maxIterators()).isEqualTo(d.maxIterators()).isEqualTo(1024);
    assertThat(o.maxSnapshots()).isEqualTo(d.maxSnapshots()).isEqualTo(1024);
    assertThat(o.maxHostIterators()).isEqualTo(d.maxHostIterators()).isEqualTo(16_384);
    assertThat(o.maxHostSnapshots()).isEqualTo(d.maxHostSnapshots()).isEqualTo(16_384);
    assertThat(o.maxConnections()).isEqualTo(d.maxConnections()).isEqualTo(1024);
    assertThat(o.checkpointsFromAnyGuest()).isEqualTo(d.checkpointsFromAnyGuest()).isFalse();
  }

  @Test
  void eachFlagSetsItsLimit() {
    HostOptions o = parse("db", "--readonly", "--max-frame-bytes", "4096",
        "--max-unsent-bytes", "65536", "--max-requests-in-flight", "16", "--max-iterators", "8",
        "--max-snapshots", "5", "--max-host-iterators", "40", "--max-host-snapshots", "30",
        "--max-connections", "3", "--checkpoints-from-any-guest");
    assertThat(o.readOnly()).isTrue();
    assertThat(o.maxFrameBytes()).isEqualTo(4096);
    assertThat(o.maxUnsentBytes()).isEqualTo(65536);
    assertThat(o.maxRequestsInFlight()).isEqualTo(16);
    assertThat(o.maxIterators()).isEqualTo(8);
    assertThat(o.maxSnapshots()).isEqualTo(5);
    assertThat(o.maxHostIterators()).isEqualTo(40);
    assertThat(o.maxHostSnapshots()).isEqualTo(30);
    assertThat(o.maxConnections()).isEqualTo(3);
    assertThat(o.checkpointsFromAnyGuest()).isTrue();
  }

  @Test
  void aLimitOutOfRangeIsAUsageErrorBeforeTheDatabaseOpens() {
    Path dir = tmp.resolve("db");
    Run r = Run.of("serve", dir.toString(), "--max-iterators", "0");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("maxIterators must be at least 1, got 0");
    assertThat(dir).doesNotExist();
    r = Run.of("serve", dir.toString(), "--max-host-snapshots", "0");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("maxHostSnapshots must be at least 1, got 0");
    assertThat(dir).doesNotExist();
  }

  @Test
  void maxConnectionsBelowOneIsRefusedAsAnInvalidArgument() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("db", "--max-connections", "0");
    assertThatThrownBy(serve::hostOptions)
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("maxConnections must be at least 1, got 0")
        .cause().isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT));

    Path dir = tmp.resolve("db");
    Run r = Run.of("serve", dir.toString(), "--max-connections", "-5");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("maxConnections must be at least 1, got -5");
    assertThat(dir).doesNotExist();
  }

  @Test
  void maxConnectionsThatIsNotANumberIsAUsageError() {
    Path dir = tmp.resolve("db");
    Run r = Run.of("serve", dir.toString(), "--max-connections", "lots");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("--max-connections").contains("lots");
    assertThat(dir).doesNotExist();
  }
}
