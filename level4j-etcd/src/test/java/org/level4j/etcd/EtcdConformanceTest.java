package org.level4j.etcd;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.conformance.ConformanceSuite;

/**
 * The shared conformance suite against a real 3-member cluster, each database a fresh namespace.
 * EtcdLevel supports every feature: etcd acknowledges a write once a majority of members has
 * fsynced it, so every write is a sync write.
 *
 * <p>The suite writes batches of up to 5,000 operations, which etcd's default limit of 128
 * operations per transaction refuses (EtcdLimitsTest checks that refusal against defaults). Here
 * the cluster and the options are both raised, as an operator would, so that the suite checks
 * what these batches do rather than that they are refused.
 */
class EtcdConformanceTest {
  @TempDir
  static Path root;
  static EtcdCluster cluster;
  private static final int MAX_TXN_OPS = 10_000;

  /**
   * Open for the whole suite, so that the databases of the cases share its connection instead
   * of each setting one up, as an application's handles would.
   */
  static EtcdLevel keeper;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = EtcdCluster.start(root, 3, "--max-txn-ops", Integer.toString(MAX_TXN_OPS));
    keeper = EtcdLevel.open(cluster.endpoints(), "keeper", options());
  }

  private static EtcdOptions options() {
    return EtcdOptions.builder().maxTxnOps(MAX_TXN_OPS).build();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (keeper != null) {
      keeper.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @TestFactory
  Stream<DynamicNode> conformance() {
    AtomicInteger n = new AtomicInteger();
    return ConformanceSuite.all(
        () -> EtcdLevel.open(cluster.endpoints(), "conformance-" + n.incrementAndGet(),
            options()),
        ConformanceSuite.supportsAllBut());
  }
}
