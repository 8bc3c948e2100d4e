package org.level4j.rave;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * The figures of a {@link RaveLevel} (those of its {@link RaveLevelMXBean}) as Micrometer meters,
 * tagged with the directory:
 *
 * <ul>
 *   <li>{@code level4j.rave.leader} (gauge): 1 while this process leads the directory, else 0;
 *   <li>{@code level4j.rave.leader.pid} (gauge): the leading process, -1 if none is known;
 *   <li>{@code level4j.rave.followers} (gauge): processes connected to this one while it leads;
 *   <li>{@code level4j.rave.operations.served} (counter): requests this process served for its
 *       followers;
 *   <li>{@code level4j.rave.failovers} (counter): takeovers by this process after a leader went.
 * </ul>
 *
 * <pre>{@code
 * new RaveLevelMetrics(db).bindTo(registry);
 * }</pre>
 *
 * <p>Micrometer is an optional dependency of level4j-rave: add {@code io.micrometer:micrometer-core}
 * to use this class. The meters hold the database weakly and read it when the registry asks; after
 * {@code close()} they read as a follower with no followers.
 */
public final class RaveLevelMetrics implements MeterBinder {
  private final RaveLevel db;
  private final Tags tags;

  /**
   * Meters for {@code db}, tagged {@code dir=<its directory>}.
   *
   * @param db the database to measure
   */
  public RaveLevelMetrics(RaveLevel db) {
    this(db, Tags.empty());
  }

  /**
   * Meters for {@code db}, tagged {@code dir=<its directory>} and with {@code tags}.
   *
   * @param db the database to measure
   * @param tags added to every meter
   */
  public RaveLevelMetrics(RaveLevel db, Iterable<Tag> tags) {
    this.db = Objects.requireNonNull(db, "db");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags")).and("dir", db.location().toString());
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("level4j.rave.leader", db, d -> d.isLeader() ? 1 : 0)
        .description("1 while this process leads the directory, else 0")
        .tags(tags)
        .register(registry);
    Gauge.builder("level4j.rave.leader.pid", db, d -> figures(d).getLeaderPid())
        .description("the pid of the process leading the directory, -1 if none is known")
        .tags(tags)
        .register(registry);
    Gauge.builder("level4j.rave.followers", db, d -> figures(d).getConnectedFollowers())
        .description("processes connected to this one while it leads")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("level4j.rave.operations.served", db,
            d -> figures(d).getOperationsServed())
        .description("requests this process served for its followers while leading")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("level4j.rave.failovers", db, RaveLevel::failovers)
        .description("takeovers by this process after a leader went")
        .tags(tags)
        .register(registry);
  }

  private static RaveLevelMXBean figures(RaveLevel d) {
    return RaveMonitor.figures(d.presence());
  }
}
