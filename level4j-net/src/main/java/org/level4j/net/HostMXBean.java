package org.level4j.net;

/**
 * What a {@link Host} tells operators over JMX (jconsole, {@code jcmd}, any JMX client), once
 * {@link Host#registerMXBean(String)} registered it. Each attribute is read when asked.
 */
public interface HostMXBean {
  /**
   * See {@link Host#connections()}.
   *
   * @return the number of open connections
   */
  int getConnections();

  /**
   * See {@link Host#connectionsAccepted()}.
   *
   * @return the number of connections taken so far
   */
  long getConnectionsAccepted();

  /**
   * See {@link Host#connectionsRefused()}.
   *
   * @return the number of connections refused so far
   */
  long getConnectionsRefused();

  /**
   * See {@link Host#connectionErrors()}.
   *
   * @return the number of connections closed on an error so far
   */
  long getConnectionErrors();

  /**
   * See {@link Host#requestsServed()}.
   *
   * @return the number of requests so far
   */
  long getRequestsServed();

  /**
   * See {@link Host#bytesReceived()}.
   *
   * @return the bytes received from guests so far
   */
  long getBytesReceived();

  /**
   * See {@link Host#bytesSent()}.
   *
   * @return the bytes sent to guests so far
   */
  long getBytesSent();

  /**
   * See {@link Host#requestsInFlight()}.
   *
   * @return the number of requests under way
   */
  int getRequestsInFlight();

  /**
   * See {@link Host#unsentBytes()}.
   *
   * @return the bytes waiting to be sent
   */
  long getUnsentBytes();

  /**
   * See {@link Host#openIterators()}.
   *
   * @return the number of open iterators
   */
  int getOpenIterators();

  /**
   * See {@link Host#heldSnapshots()}.
   *
   * @return the number of snapshots held
   */
  int getHeldSnapshots();
}
