package org.level4j.net;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The figures of a {@link Host} (those of its {@link HostMXBean}) as Micrometer meters:
 *
 * <ul>
 *   <li>{@code level4j.host.connections} (gauge): connections served now;
 *   <li>{@code level4j.host.connections.accepted} (counter): connections taken;
 *   <li>{@code level4j.host.connections.refused} (counter): connections closed unserved;
 *   <li>{@code level4j.host.connections.errors} (counter): connections closed on an error;
 *   <li>{@code level4j.host.requests} (counter): requests served;
 *   <li>{@code level4j.host.requests.in.flight} (gauge): requests not yet answered;
 *   <li>{@code level4j.host.bytes.received} and {@code level4j.host.bytes.sent} (counters):
 *       bytes read from and written to guests;
 *   <li>{@code level4j.host.unsent.bytes} (gauge): bytes of answers waiting for their guests;
 *   <li>{@code level4j.host.iterators} and {@code level4j.host.snapshots} (gauges): what guests
 *       hold open.
 * </ul>
 *
 * <pre>{@code
 * new HostMetrics(host, Tags.of("listen", "tcp://0.0.0.0:7007")).bindTo(registry);
 * }</pre>
 *
 * <p>Micrometer is an optional dependency of level4j-net: add {@code io.micrometer:micrometer-core}
 * to use this class. The meters hold the host weakly and read it when the registry asks.
 */
public final class HostMetrics implements MeterBinder {
  private final Host host;
  private final Tags tags;

  /**
   * Meters for {@code host}, without tags.
   *
   * @param host the host to measure
   */
  public HostMetrics(Host host) {
    this(host, Tags.empty());
  }

  /**
   * Meters for {@code host}, with {@code tags} (to tell hosts apart if a process has several).
   *
   * @param host the host to measure
   * @param tags added to every meter
   */
  public HostMetrics(Host host, Iterable<Tag> tags) {
    this.host = Objects.requireNonNull(host, "host");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    gauge(registry, "level4j.host.connections", Host::connections, "connections served now");
    counter(registry, "level4j.host.connections.accepted", Host::connectionsAccepted,
        "connections taken to serve");
    counter(registry, "level4j.host.connections.refused", Host::connectionsRefused,
        "connections closed without being served (untrusted TLS guest, host closed)");
    counter(registry, "level4j.host.connections.errors", Host::connectionErrors,
        "connections closed because the guest broke the protocol or serving it failed");
    counter(registry, "level4j.host.requests", Host::requestsServed, "requests served");
    gauge(registry, "level4j.host.requests.in.flight", Host::requestsInFlight,
        "requests received and not yet answered");
    counter(registry, "level4j.host.bytes.received", Host::bytesReceived,
        "bytes guests sent this host");
    counter(registry, "level4j.host.bytes.sent", Host::bytesSent, "bytes this host sent guests");
    gauge(registry, "level4j.host.unsent.bytes", Host::unsentBytes,
        "bytes of answers waiting for their guests to read them");
    gauge(registry, "level4j.host.iterators", Host::openIterators, "iterators guests hold open");
    gauge(registry, "level4j.host.snapshots", Host::heldSnapshots, "snapshots guests hold");
  }

  private void gauge(MeterRegistry registry, String name, ToDoubleFunction<Host> value,
      String description) {
    Gauge.builder(name, host, value).description(description).tags(tags).register(registry);
  }

  private void counter(MeterRegistry registry, String name, ToDoubleFunction<Host> value,
      String description) {
    FunctionCounter.builder(name, host, value).description(description).tags(tags)
        .register(registry);
  }
}
