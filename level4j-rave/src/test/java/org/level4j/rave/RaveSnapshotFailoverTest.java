package org.level4j.rave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Range;
import org.level4j.Snapshot;
import org.level4j.child.ChildProcess;

/**
 * Real processes, real SIGKILLs: a follower's snapshot is held by the leader, and when that
 * leader dies, reads with it fail instead of reading what was written since.
 */
class RaveSnapshotFailoverTest {
  @TempDir Path dir;

  @Test
  void aFollowersSnapshotFailsWithSnapshotNotOpenOnceItTakesOver() throws Exception {
    try (ChildProcess leader = ChildProcess.java(RaveWorker.class, "hold", dir.toString())) {
      assertThat(leader.await("ROLE")).startsWith("ROLE leader");
      leader.await("READY");
      try (RaveLevel db = RaveLevel.open(dir)) {
        assertThat(db.isLeader()).isFalse();
        assertThat(db.supports().explicitSnapshots()).isTrue();
        db.put("k", "old");
        Snapshot s = db.snapshot();
        db.put("k", "new");
        assertThat(db.get("k", s)).isEqualTo("old");

        CountDownLatch leads = new CountDownLatch(1);
        db.onLeader(leads::countDown);
        leader.kill(); // this process is the only one left: it takes over

        assertGone(() -> db.get("k", s)); // whether or not the takeover is done yet
        assertThat(leads.await(60, TimeUnit.SECONDS)).as("this process took over").isTrue();
        assertThat(db.get("k")).isEqualTo("new");
        assertGone(() -> db.get("k", s)); // now read by this process's own RocksDB
        assertGone(() -> db.getMany(List.of("k"), s));
        assertGone(() -> db.keys(Range.all(), s).all());
        s.close();
        try (Snapshot fresh = db.snapshot()) {
          db.put("k", "newer");
          assertThat(db.get("k", fresh)).isEqualTo("new");
        }
      }
    }
  }

  @Test
  void aFollowersSnapshotFailsWithSnapshotNotOpenWhoeverTakesOver() throws Exception {
    try (ChildProcess leader = ChildProcess.java(RaveWorker.class, "hold", dir.toString())) {
      assertThat(leader.await("ROLE")).startsWith("ROLE leader");
      leader.await("READY");
      ChildProcess other = ChildProcess.java(RaveWorker.class, "hold", dir.toString());
      assertThat(other.await("ROLE")).startsWith("ROLE follower");
      other.await("READY");
      try (other; RaveLevel db = RaveLevel.open(dir)) {
        assertThat(db.isLeader()).isFalse();
        db.put("k", "old");
        Snapshot s = db.snapshot();
        Snapshot kept = db.snapshot();
        db.put("k", "new");
        assertThat(db.getMany(List.of("k"), s)).containsExactly("old");

        leader.kill(); // the other process or this one takes over

        assertGone(() -> db.getMany(List.of("k"), s));
        assertThat(db.get("k")).isEqualTo("new");
        assertGone(() -> db.get("k", kept));
        assertGone(() -> db.values(Range.all(), kept).all());
        s.close();
        kept.close();
        try (Snapshot fresh = db.snapshot()) {
          db.put("k", "newer");
          assertThat(db.get("k", fresh)).isEqualTo("new");
        }
        other.finish();
      }
    }
  }

  private static void assertGone(Runnable use) {
    assertThatThrownBy(use::run).satisfies(t -> {
      LevelException e = LevelException.of(t, ErrorCode.LEVEL_REMOTE_ERROR);
      assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_SNAPSHOT_NOT_OPEN);
      assertThat(e.getMessage()).contains("the host that held this snapshot is gone");
    });
  }
}
