package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.net.Connector;
import org.level4j.net.Guest;

/** RaveLevel's figures as Micrometer meters: the same numbers as its JMX bean. */
class RaveLevelMetricsTest {
  @TempDir
  Path tmp;

  @Test
  void aLeadersMetersFollowItsRoleFollowersAndRequestsServed() {
    MeterRegistry registry = new SimpleMeterRegistry();
    try (RaveLevel db = RaveLevel.open(tmp.resolve("db"))) {
      new RaveLevelMetrics(db, Tags.of("app", "test")).bindTo(registry);
      String dir = db.location().toString();
      assertThat(registry.get("level4j.rave.leader").tag("dir", dir).tag("app", "test").gauge()
          .value()).isEqualTo(1.0);
      assertThat(registry.get("level4j.rave.leader.pid").gauge().value())
          .isEqualTo((double) ProcessHandle.current().pid());
      assertThat(registry.get("level4j.rave.failovers").functionCounter().count()).isZero();
      assertThat(registry.get("level4j.rave.followers").gauge().value()).isZero();

      try (Guest follower = Guest.connect(Connector.unix(RaveLevel.leaderSocket(db.location())))) {
        follower.put("a", "1");
        assertThat(follower.get("a")).isEqualTo("1");
        assertThat(registry.get("level4j.rave.followers").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("level4j.rave.operations.served").functionCounter().count())
            .isEqualTo(2.0);
      }
    }
    assertThat(registry.get("level4j.rave.leader").gauge().value())
        .as("a closed database no longer leads").isZero();
  }

  @Test
  void refusesNoDatabase() {
    assertThatThrownBy(() -> new RaveLevelMetrics(null)).isInstanceOf(NullPointerException.class);
  }
}
