package org.level4j.net;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Registration;

/** The {@link HostMXBean} of one {@link Host}: its monitoring methods, under JMX's names. */
final class HostMonitor implements HostMXBean {
  private final Host host;

  private HostMonitor(Host host) {
    this.host = host;
  }

  static Registration register(Host host, String name) {
    if (name == null || name.isEmpty()) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "the bean's name must not be null or empty (its address, for example)");
    }
    try {
      ObjectName on = new ObjectName("org.level4j.net:type=Host,name=" + ObjectName.quote(name));
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      if (server.isRegistered(on)) {
        server.unregisterMBean(on);
      }
      server.registerMBean(new HostMonitor(host), on);
      return () -> {
        try {
          server.unregisterMBean(on);
        } catch (JMException e) {
          // already gone
        }
      };
    } catch (JMException | RuntimeException e) {
      throw new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED,
          "JMX did not take the bean of host " + name + ": " + e, e);
    }
  }

  @Override
  public int getConnections() {
    return host.connections();
  }

  @Override
  public long getConnectionsAccepted() {
    return host.connectionsAccepted();
  }

  @Override
  public long getConnectionsRefused() {
    return host.connectionsRefused();
  }

  @Override
  public long getConnectionErrors() {
    return host.connectionErrors();
  }

  @Override
  public long getRequestsServed() {
    return host.requestsServed();
  }

  @Override
  public long getBytesReceived() {
    return host.bytesReceived();
  }

  @Override
  public long getBytesSent() {
    return host.bytesSent();
  }

  @Override
  public int getRequestsInFlight() {
    return host.requestsInFlight();
  }

  @Override
  public long getUnsentBytes() {
    return host.unsentBytes();
  }

  @Override
  public int getOpenIterators() {
    return host.openIterators();
  }

  @Override
  public int getHeldSnapshots() {
    return host.heldSnapshots();
  }
}
