package org.level4j.rave;

import java.nio.file.Path;
import java.util.OptionalLong;
import org.level4j.Checkpointable;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Registration;
import org.level4j.rocksdb.RocksDatabase;
import org.level4j.rocksdb.RocksOptions;
import org.level4j.spi.Databases;
import org.level4j.spi.ForwardingDatabase;

/**
 * A RocksDB database that any number of processes can open at once, like Node's
 * {@code rave-level}. The first process to take the directory's {@code LEADER} lock becomes the
 * <em>leader</em>: it opens RocksDB and serves the others, the <em>followers</em>, over the Unix
 * socket {@code <dir>/rave-level.sock} (the many-level protocol, so Node's rave-level can join as
 * a follower). When the leader dies, one follower takes over: it wins the lock once the kernel
 * has freed the dead process (a few ms; more for a leader with much memory resident), opens
 * RocksDB (replaying the unflushed end of the write-ahead log, at most the 2 MiB write buffer) and
 * listens; on an idle 2-core machine the whole outage is a few tens of milliseconds ({@link
 * #onFailover} reports the stages). Which follower takes over is settled in advance: followers
 * queue for the lock one at a time, and the first in line, the standby, prepares in the
 * background: RocksDB's library, classes and the leader's code paths are loaded and run once on a
 * scratch directory. Operations in flight are retried on the new leader and open
 * iterators resume exactly where they were. There is no "lock held" error between RaveLevel
 * processes.
 *
 * <pre>{@code
 * try (RaveLevel db = RaveLevel.open(Path.of("data"))) {
 *   db.put("a", "1");                 // works in every process that opened "data"
 *   db.onLeader(() -> log("leading"));
 * }
 * }</pre>
 *
 * <p>The full {@link org.level4j.Level} API works, sync and async. Explicit snapshots are held
 * by the leader's RocksDB, for a follower through its connection; a snapshot lives no longer than
 * the leader it was taken from: after a failover, reads with it fail with {@code
 * LEVEL_SNAPSHOT_NOT_OPEN} (take a new one) instead of reading newer data. Conditional batches work
 * in every process and are applied exactly once even when the leader dies while applying one
 * (see {@link org.level4j.RequestId}); a {@code LevelMutex.shared} over a RaveLevel keeps its
 * read-then-write checks across processes. Events (write listeners,
 * hooks) see only this handle's own operations; a change feed ({@link #changes}) sees every
 * process's writes, in the order of RocksDB's sequence numbers, which a new leader continues: a
 * follower's feed goes on from the new leader after a failover, each write once. How far back a
 * feed can start is what the leader's write-ahead log keeps ({@link RocksOptions#walTtl()}).
 * {@link #checkpoint} works in every process (the leader writes the copy). A closed RaveLevel
 * cannot be reopened. Closing the last handle of a JVM releases everything it held before it
 * returns: a follower closed while it takes over waits for the takeover, then closes the RocksDB
 * it opened. Several handles on one directory inside one JVM share its leadership and connection.
 */
public final class RaveLevel extends ForwardingDatabase implements Checkpointable {
  private final Presence presence;

  private RaveLevel(Database db, Presence presence) {
    super(db);
    this.presence = presence;
  }

  /**
   * Opens {@code dir} (created if missing) as leader or follower, with default options.
   *
   * @param dir the database directory, shared with the other processes
   * @return the open database; close it to leave
   */
  public static RaveLevel open(Path dir) {
    return open(dir, RaveOptions.defaults());
  }

  /**
   * Opens {@code dir} (created if missing) as leader or follower.
   *
   * @param dir the database directory, shared with the other processes
   * @param options RocksDB options for a leader, retry, how long to keep trying
   * @return the open database; close it to leave
   */
  public static RaveLevel open(Path dir, RaveOptions options) {
    Presence p = Presence.acquire(dir, options);
    try {
      return new RaveLevel(Databases.open(new RaveEngine(p)), p);
    } catch (RuntimeException e) {
      p.release();
      throw e;
    }
  }

  /**
   * Whether this process is the leader now (it holds the RocksDB database).
   *
   * @return true while this process leads
   */
  public boolean isLeader() {
    return presence.isLeader();
  }

  /**
   * Runs {@code listener} when this process becomes leader (at once if it already is), on the
   * thread that won the election, once it serves the other processes. Operations of this
   * process that were in flight when it took over may complete before the listener runs. Keep it
   * short.
   *
   * @param listener runs each time this process becomes leader
   * @return close it to stop listening
   */
  public Registration onLeader(Runnable listener) {
    presence.onLeader(listener);
    return () -> presence.removeLeaderListener(listener);
  }

  /**
   * Runs {@code listener} after each change of leader this process lived through (as the follower
   * that took over, or one that stayed a follower), once it is connected to the new leader, with
   * when each stage happened. On a thread of the connection: keep it short.
   *
   * @param listener receives the stages of each failover
   * @return close it to stop listening
   */
  public Registration onFailover(java.util.function.Consumer<Failover> listener) {
    java.util.Objects.requireNonNull(listener, "listener");
    presence.onFailover(listener);
    return () -> presence.removeFailoverListener(listener);
  }

  /**
   * The last change of leader this process lived through, if any. Like every absent value in
   * level4j's API (an absent key reads as {@code null} too), none is {@code null}, not an empty
   * {@code Optional}.
   *
   * @return the last failover, or {@code null} if this process has lived through none
   */
  public Failover lastFailover() {
    return presence.lastFailover();
  }

  /** While leading: the change feeds followers have open on this leader (for tests). */
  int servedFeeds() {
    org.level4j.net.Host h = presence.host();
    return h == null ? 0 : h.openFeeds();
  }

  /**
   * The directory, as an absolute real path.
   *
   * @return the directory
   */
  public Path location() {
    return presence.dir();
  }

  /**
   * How many times this process took over after a leader went.
   *
   * @return the number of takeovers by this process
   */
  public long failovers() {
    return presence.failovers();
  }

  /**
   * Writes a consistent copy of the database, as it is now, to the new directory {@code dest},
   * as {@link RocksDatabase#checkpoint(Path)} does, while every process goes on reading and
   * writing. The leader makes it, whichever process asks: a follower sends the absolute path of
   * {@code dest} to the leader, which writes the copy there as its own user (table files
   * hard-linked where {@code dest} is on the same file system), and returns once it is complete.
   * If the leader dies meanwhile, the next leader is asked again; should the first have finished,
   * that second request fails with {@code LEVEL_INVALID_ARGUMENT} and the copy stands in {@code
   * dest}.
   *
   * @param dest a directory that does not exist yet; its parent is created if needed
   * @throws LevelException {@link ErrorCode#LEVEL_INVALID_ARGUMENT} if {@code dest} exists,
   *     {@link ErrorCode#LEVEL_NOT_SUPPORTED} in a follower whose leader cannot make one (a Node
   *     rave-level leader) or runs as another user, {@link ErrorCode#LEVEL_IO_ERROR} if the copy
   *     could not be written
   */
  @Override
  public void checkpoint(Path dest) {
    if (dest == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, "dest must not be null");
    }
    Database d = presence.target();
    if (!(d instanceof Checkpointable c)) {
      throw new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED, "this process cannot reach a "
          + "leader of " + location() + " that makes checkpoints");
    }
    c.checkpoint(dest.toAbsolutePath());
  }

  Presence presence() {
    return presence;
  }

  /**
   * The pid of the live process leading {@code dir}, if any (from its LEADER.info record).
   *
   * @param dir a RaveLevel directory
   * @return the leader's pid, or empty if no live process leads
   */
  public static OptionalLong leaderPid(Path dir) {
    LeaderInfo info = LeaderInfo.read(dir);
    return info == null || !info.alive() ? OptionalLong.empty() : OptionalLong.of(info.pid());
  }

  /**
   * The socket the current leader of {@code dir} listens on, or null if none is published.
   *
   * @param dir a RaveLevel directory
   * @return the socket, or {@code null}
   */
  public static Path leaderSocket(Path dir) {
    LeaderInfo info = LeaderInfo.read(dir);
    return info == null || !info.alive() ? null : info.socket();
  }
}
