package org.level4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code --version} says which build this is, on every command. */
class VersionTest {
  private static final String BUILD = System.getProperty("level4j.build.version");

  @Test
  void versionIsTheBuildsVersion() {
    assertThat(BUILD).as("set by the pom's surefire configuration").isNotBlank();
    Run r = Run.of("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("level4j " + BUILD + "\n");
  }

  @Test
  void everyCommandTakesVersionToo() {
    assertThat(Run.of("backup", "--version").out()).isEqualTo("level4j " + BUILD + "\n");
  }
}
