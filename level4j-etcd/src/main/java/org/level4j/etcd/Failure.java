package org.level4j.etcd;

import io.etcd.jetcd.common.exception.ClosedClientException;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.EtcdException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/** What a failed etcd call means to a level4j user: the code and a message to act on. */
final class Failure {
  private Failure() {}

  /**
   * The gRPC status code of {@code t}, by name: jetcd reports most failures as EtcdExceptions,
   * but some (a connection closed under a call) as gRPC's own exceptions.
   */
  private static String grpcCode(Throwable t) {
    if (t instanceof EtcdException) {
      return ((EtcdException) t).getErrorCode().name();
    }
    return io.grpc.Status.fromThrowable(t).getCode().name();
  }

  /** Whether {@code t} says the network connection under a call closed. */
  private static boolean closedConnection(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof java.nio.channels.ClosedChannelException
          || String.valueOf(c.getMessage()).contains("channel closed")) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code t}, the failure of a call that was {@code doing} something, as a LevelException.
   *
   * @param write whether the call wrote: a write that got no answer may have been applied
   */
  static LevelException of(Throwable t, String doing, boolean write, List<String> endpoints,
      Duration timeout) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof LevelException) {
      return (LevelException) c;
    }
    String m = String.valueOf(c.getMessage());
    String maybe = write ? " The write may or may not have been applied: read before retrying, "
        + "or write with a RequestId to make retrying safe." : "";
    if (c instanceof TimeoutException) {
      return new LevelException(ErrorCode.LEVEL_CONNECTION_LOST, "etcd did not answer to " + doing
          + " within " + timeout.toMillis() + " ms (EtcdOptions.requestTimeout); is a majority of "
          + "the cluster's members up and reachable at " + endpoints + "?" + maybe, c);
    }
    if (c instanceof ClosedClientException) {
      return new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPEN,
          "the database was closed while it was waiting to " + doing, c);
    }
    if (c instanceof CompactedException || m.contains("required revision has been compacted")) {
      long at = c instanceof CompactedException ? ((CompactedException) c).getCompactedRevision()
          : -1;
      return new LevelException(ErrorCode.LEVEL_SNAPSHOT_NOT_OPEN, "etcd compacted away the "
          + "revision this snapshot or iterator reads" + (at > 0 ? " (compacted up to " + at + ")"
          : "") + ", so it cannot " + doing + " any more; take a new snapshot or iterator, and "
          + "give the cluster a longer --auto-compaction-retention if readers need old "
          + "revisions for longer", c);
    }
    if (m.contains("request is too large") || m.contains("too many operations in txn")) {
      return new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED, "the etcd cluster refused to "
          + doing + ": " + m + ". Nothing was written. Its limits are lower than EtcdOptions "
          + "says (maxRequestBytes, maxTxnOps); set them to the cluster's --max-request-bytes "
          + "and --max-txn-ops", c);
    }
    if (m.contains("database space exceeded")) {
      return new LevelException(ErrorCode.LEVEL_IO_ERROR, "the etcd cluster is full (its "
          + "--quota-backend-bytes; an alarm is raised) and refused to " + doing + ". Compact "
          + "and defragment it, then disarm the alarm (etcdctl alarm disarm)", c);
    }
    String code = grpcCode(c);
    if (code.equals("UNKNOWN") && closedConnection(c)) {
      // gRPC's word when the member a call was on went away under it (seen when members are
      // killed): the connection was lost, as UNAVAILABLE says in other races.
      code = "UNAVAILABLE";
    }
    switch (code) {
      case "UNAVAILABLE":
      case "DEADLINE_EXCEEDED":
      case "ABORTED":
        return new LevelException(ErrorCode.LEVEL_CONNECTION_LOST, "etcd could not " + doing
            + " (" + m + "); is a majority of the cluster's members up and reachable at "
            + endpoints + "?" + maybe, c);
      case "PERMISSION_DENIED":
      case "UNAUTHENTICATED":
        return new LevelException(ErrorCode.LEVEL_IO_ERROR, "etcd refused to " + doing + " ("
            + m + "); check EtcdOptions.auth and that the user's role grants read and write "
            + "on the namespace's keys", c);
      default:
        break;
    }
    return new LevelException(ErrorCode.LEVEL_IO_ERROR, "etcd could not " + doing + ": " + m, c);
  }
}
