package org.level4j.cli;

import java.util.function.IntFunction;
import org.level4j.net.HostOptions;
import picocli.CommandLine.Option;

/**
 * The {@code --max-…} flags of {@code serve}: the limits of {@link HostOptions}, per connection
 * and over all of them. A flag left out keeps HostOptions' default, which its description names.
 */
final class HostLimitFlags {
  @Option(names = "--max-frame-bytes", paramLabel = "N",
      description = "Per connection: the largest frame a guest may send; a larger one closes its"
          + " connection (default 64 MiB).")
  Integer maxFrameBytes;

  @Option(names = "--max-unsent-bytes", paramLabel = "N",
      description = "Per connection: bytes of answers that may wait for the guest to read them"
          + " before the host stops reading its requests, until it reads (default 1 MiB).")
  Integer maxUnsentBytes;

  @Option(names = "--max-requests-in-flight", paramLabel = "N",
      description = "Per connection: requests under way at once; more are answered with"
          + " LEVEL_LIMIT_EXCEEDED (default 4096).")
  Integer maxRequestsInFlight;

  @Option(names = "--max-iterators", paramLabel = "N",
      description = "Per connection: iterators open at once; more fail with LEVEL_LIMIT_EXCEEDED"
          + " (default 1024).")
  Integer maxIterators;

  @Option(names = "--max-snapshots", paramLabel = "N",
      description = "Per connection: snapshots a level4j guest holds at once; more fail with"
          + " LEVEL_LIMIT_EXCEEDED (default 1024).")
  Integer maxSnapshots;

  @Option(names = "--max-host-iterators", paramLabel = "N",
      description = "Over all connections: iterators open at once; more fail with"
          + " LEVEL_LIMIT_EXCEEDED (default 16384, some 180 MB).")
  Integer maxHostIterators;

  @Option(names = "--max-host-snapshots", paramLabel = "N",
      description = "Over all connections: snapshots level4j guests hold at once; more fail with"
          + " LEVEL_LIMIT_EXCEEDED (default 16384).")
  Integer maxHostSnapshots;

  @Option(names = "--max-connections", paramLabel = "N",
      description = "Connections served at once, over all the addresses (each costs a thread and"
          + " file descriptors); one more is closed at once, unread, and a warning is logged"
          + " (default 1024).")
  Integer maxConnections;

  /**
   * Sets on {@code o} the limits given.
   *
   * @throws org.level4j.LevelException {@code LEVEL_INVALID_ARGUMENT} for a value HostOptions
   *     refuses
   */
  void applyTo(HostOptions.Builder o) {
    set(maxFrameBytes, o::maxFrameBytes);
    set(maxUnsentBytes, o::maxUnsentBytes);
    set(maxRequestsInFlight, o::maxRequestsInFlight);
    set(maxIterators, o::maxIterators);
    set(maxSnapshots, o::maxSnapshots);
    set(maxHostIterators, o::maxHostIterators);
    set(maxHostSnapshots, o::maxHostSnapshots);
    set(maxConnections, o::maxConnections);
  }

  private static void set(Integer value, IntFunction<HostOptions.Builder> setter) {
    if (value != null) {
      setter.apply(value);
    }
  }
}
