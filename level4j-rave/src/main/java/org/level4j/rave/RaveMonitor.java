package org.level4j.rave;

import java.lang.management.ManagementFactory;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.level4j.net.Host;

/**
 * The {@link RaveLevelMXBean} of one {@link Presence}, registered in the platform MBean server
 * while the presence lives. Monitoring never stops a database from opening: a registration that
 * fails (a JVM without JMX, a name taken by another class loader's copy) is logged and skipped.
 *
 * <p>Registering and unregistering run on a thread of their own ({@link #TASKS}), in the order
 * asked, so that a directory closed and opened again ends registered. Why not in the open: the
 * first registration of a JVM makes its platform MBean server, with a bean for each memory pool,
 * collector and so on. Measured: 140 to 160 ms for that call alone in a new JVM on the client
 * compiler, and {@code ./level4j put} took 0.33 to 0.35 s with it in the open against 0.27 to
 * 0.29 s without it (5 runs each, the command line's class-data archive in use).
 */
final class RaveMonitor implements RaveLevelMXBean {
  private static final System.Logger LOG = System.getLogger("org.level4j.rave");
  /**
   * One daemon thread, made when there is work and ended after a second without any, so that
   * it neither keeps a JVM alive nor stays in one that opened a directory long ago.
   */
  private static final ThreadPoolExecutor TASKS = new ThreadPoolExecutor(1, 1, 1,
      TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "level4j-jmx");
        t.setDaemon(true);
        return t;
      });

  static {
    TASKS.allowCoreThreadTimeOut(true);
  }

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

  /** The bean of {@code presence}, registered soon after on {@link #TASKS}; null if it has no name. */
  static RaveMonitor register(Presence presence) {
    RaveMonitor m;
    try {
      m = new RaveMonitor(presence, nameOf(presence.dir()));
    } catch (JMException e) {
      LOG.log(System.Logger.Level.DEBUG, "no JMX bean for " + presence.dir(), e);
      return null;
    }
    TASKS.execute(m::registerNow);
    return m;
  }

  private void registerNow() {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      if (server.isRegistered(name)) {
        server.unregisterMBean(name); // left by a presence of this directory that is closing
      }
      server.registerMBean(this, name);
    } catch (JMException | RuntimeException | LinkageError e) {
      LOG.log(System.Logger.Level.DEBUG, "no JMX bean for " + presence.dir(), e);
    }
  }

  /** Unregisters the bean, after its registration if that is still to come. */
  void unregister() {
    TASKS.execute(() -> {
      try {
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
      } catch (JMException | RuntimeException e) {
        // never registered, or already gone
      }
    });
  }

  /** Waits until the registrations and removals asked so far are done (for tests). */
  static void settle() throws InterruptedException, ExecutionException {
    TASKS.submit(() -> { }).get();
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
