package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.net.Connector;
import org.level4j.net.Guest;

/** The JMX bean operators read: org.level4j.rave:type=RaveLevel,dir="...". */
class RaveMonitorTest {
  @TempDir
  Path tmp;

  @Test
  void aLeaderReportsItsRolePidFollowersAndRequestsServedUntilClosed() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name;
    try (RaveLevel db = RaveLevel.open(tmp.resolve("db"))) {
      name = RaveMonitor.nameOf(db.location());
      assertThat(server.isRegistered(name)).isTrue();
      RaveLevelMXBean bean = JMX.newMXBeanProxy(server, name, RaveLevelMXBean.class);
      assertThat(bean.getDirectory()).isEqualTo(db.location().toString());
      assertThat(bean.getRole()).isEqualTo("leader");
      assertThat(bean.getLeaderPid()).isEqualTo(ProcessHandle.current().pid());
      assertThat(bean.getFailovers()).isZero();
      assertThat(bean.getConnectedFollowers()).isZero();
      // Another process would connect to the leader's socket: a guest does the same here.
      try (Guest follower = Guest.connect(Connector.unix(RaveLevel.leaderSocket(db.location())))) {
        follower.put("a", "1");
        assertThat(follower.get("a")).isEqualTo("1");
        assertThat(bean.getConnectedFollowers()).isEqualTo(1);
        assertThat(bean.getOperationsServed()).isEqualTo(2);
      }
      db.put("b", "2"); // the leader's own operations are not served to anyone
      assertThat(bean.getOperationsServed()).isEqualTo(2);
    }
    assertThat(server.isRegistered(name)).isFalse();
  }

  @Test
  void noBeanWhenTheOptionsSaySo() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try (RaveLevel db = RaveLevel.open(tmp.resolve("quiet"),
        RaveOptions.builder().registerMXBean(false).build())) {
      db.put("a", "1");
      assertThat(server.isRegistered(RaveMonitor.nameOf(db.location()))).isFalse();
    }
  }
}
