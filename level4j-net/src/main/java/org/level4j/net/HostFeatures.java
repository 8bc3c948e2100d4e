package org.level4j.net;

import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Supports;

/**
 * What a guest's host serves beyond many-level's protocol: the feature bits of its Hello (see
 * {@link Wire}); none from a Node host, or until the guest's probe is answered.
 */
record HostFeatures(int bits) {
  static final HostFeatures NONE = new HostFeatures(0);

  boolean snapshots() {
    return (bits & Wire.FEATURE_SNAPSHOTS) != 0;
  }

  boolean changes() {
    return (bits & Wire.FEATURE_CHANGES) != 0;
  }

  boolean checkpoints() {
    return (bits & Wire.FEATURE_CHECKPOINTS) != 0;
  }

  boolean preconditions() {
    return (bits & Wire.FEATURE_PRECONDITIONS) != 0;
  }

  boolean requestIds() {
    return (bits & Wire.FEATURE_REQUEST_IDS) != 0;
  }

  /** What a guest of this host supports; {@code permanence} as its options say. */
  Supports supports(boolean permanence) {
    return Supports.all().withExplicitSnapshots(snapshots()).withPermanence(permanence)
        .withSyncWrites(false).withConditionalBatch(preconditions())
        .withExactlyOnce(requestIds()).withChangeFeed(changes());
  }

  /** Why this host cannot take {@code r}, or null. */
  LevelException refusal(GuestRequest<?> r) {
    if (r instanceof GuestRequest.TakeSnapshot && !snapshots()) {
      return new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED, "the host holds no snapshots for "
          + "its guests (it is not a level4j host, or its database has no explicit snapshots; see "
          + "supports().explicitSnapshots())");
    }
    if (r instanceof GuestRequest.Subscribe && !changes()) {
      return new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED, "the host has no change feed "
          + "(it is not a level4j host, or its database has none; see supports().changeFeed())");
    }
    if (r instanceof GuestRequest.Checkpoint && !checkpoints()) {
      return new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED, "the host makes no checkpoints "
          + "(it is not a level4j host, or its database cannot make them: a RocksDB database or "
          + "a RaveLevel can)");
    }
    if (!(r instanceof GuestRequest.Write w)) {
      return null;
    }
    if (w.request != null && !requestIds()) {
      return new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED,
          "the host keeps no request records (it is not a level4j host, or its database cannot "
              + "apply writes exactly once); write without a request id");
    }
    if (w.conditional && !preconditions()) {
      return new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED,
          "the host does not take conditional batches (it is not a level4j host, or its "
              + "database has no preconditions; see supports().conditionalBatch())");
    }
    return null;
  }
}
