package org.level4j.cli;

import com.sun.tools.attach.VirtualMachine;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.level4j.rave.RaveLevelMXBean;

/**
 * The figures a leader process publishes about a directory (its {@link RaveLevelMXBean}), read
 * from another process: {@code info} attaches to the leader's JVM, which then starts its local
 * JMX agent (only reachable by the same user on this machine) if it had none.
 */
final class LeaderFigures {
  private LeaderFigures() {}

  /**
   * The leader's figures for {@code dir}, by name, in display order.
   *
   * @throws Exception if the leader cannot be reached (another user's process, a JVM without
   *     the attach mechanism, no longer alive)
   */
  static Map<String, Object> of(long pid, Path dir) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
    String address;
    try {
      address = vm.startLocalManagementAgent();
    } finally {
      vm.detach();
    }
    try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
      MBeanServerConnection server = c.getMBeanServerConnection();
      String real = dir.toRealPath().toString();
      for (ObjectName name : server.queryNames(
          new ObjectName("org.level4j.rave:type=RaveLevel,*"), null)) {
        RaveLevelMXBean bean = JMX.newMXBeanProxy(server, name, RaveLevelMXBean.class);
        if (real.equals(bean.getDirectory())) {
          Map<String, Object> figures = new LinkedHashMap<>();
          figures.put("role", bean.getRole());
          figures.put("connectedFollowers", bean.getConnectedFollowers());
          figures.put("operationsServed", bean.getOperationsServed());
          figures.put("failovers", bean.getFailovers());
          return figures;
        }
      }
      throw new IllegalStateException("process " + pid + " has no RaveLevel open on " + real);
    }
  }
}
