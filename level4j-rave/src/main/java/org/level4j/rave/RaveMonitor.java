package org.level4j.rave;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.level4j.net.Host;

/**
 * The {@link RaveLevelMXBean} of one {@link Presence}, registered in the platform MBean server
 * while the presence lives. Monitoring never stops a database from opening: a registration that
 * fails (a JVM without JMX, a name taken by another class loader's copy) is logged and skipped.
 */
final class RaveMonitor implements RaveLevelMXBean {
  private static final System.Logger LOG = System.getLogger("org.level4j.rave");

  private final Presence presence;
  private final ObjectName name;

  private RaveMonitor(Presence presence, ObjectName name) {
    this.presence = presence;
    this.name = name;
  }

  /** The JMX name for {@code dir}. */
  static ObjectName nameOf(java.nio.file.Path dir) throws JMException {
    return new ObjectName("org.level4j.rave:type=RaveLevel,dir=" + ObjectName.quote(dir.toString()));
  }

  /** The figures of {@code presence}, not registered anywhere (for {@link RaveLevelMetrics}). */
  static RaveMonitor figures(Presence presence) {
    return new RaveMonitor(presence, null);
  }

  /** Registers the bean of {@code presence}; null if that was not possible. */
  static RaveMonitor register(Presence presence) {
    try {
      RaveMonitor m = new RaveMonitor(presence, nameOf(presence.dir()));
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      if (server.isRegistered(m.name)) {
        server.unregisterMBean(m.name); // left by a presence of this directory that is closing
      }
      server.registerMBean(m, m.name);
      return m;
    } catch (JMException | RuntimeException | LinkageError e) {
      LOG.log(System.Logger.Level.DEBUG, "no JMX bean for " + presence.dir(), e);
      return null;
    }
  }

  void unregister() {
    try {
      ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
    } catch (JMException | RuntimeException e) {
      // already gone
    }
  }

  @Override
  public String getDirectory() {
    return presence.dir().toString();
  }

  @Override
  public String getRole() {
    return presence.isLeader() ? "leader" : "follower";
  }

  @Override
  public long getLeaderPid() {
    return presence.isLeader() ? ProcessHandle.current().pid()
        : RaveLevel.leaderPid(presence.dir()).orElse(-1);
  }

  @Override
  public int getConnectedFollowers() {
    return presence.followers();
  }

  @Override
  public long getOperationsServed() {
    Host h = presence.host();
    return h == null ? 0 : h.requestsServed();
  }

  @Override
  public long getFailovers() {
    return presence.failovers();
  }
}
