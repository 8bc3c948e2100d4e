package org.level4j.rave;

/**
 * One change of leader as this process saw it: when each stage happened, in wall-clock
 * microseconds since the epoch (the clock every process of one machine shares), or 0 for a stage
 * this process had no part in. A follower that stays a follower sees only {@link #lostMicros} and
 * {@link #reconnectedMicros}; the one that takes over sees every stage.
 *
 * <p>Delivered to {@link RaveLevel#onFailover} listeners once this process is connected to the
 * new leader, and logged at {@code DEBUG} on the {@code org.level4j.rave} logger.
 *
 * @param lostMicros when this process saw its connection to the old leader end
 * @param lockWonMicros when this process won the directory's lock (the old leader's death had
 *     reached the kernel's lock table)
 * @param openedMicros when RocksDB was open here (the write-ahead log replayed)
 * @param listeningMicros when this process listened for followers on the directory's socket
 * @param publishedMicros when this process had published itself in {@code LEADER.info}
 * @param reconnectedMicros when this process was connected to the new leader again (its pending
 *     operations re-sent)
 */
public record Failover(long lostMicros, long lockWonMicros, long openedMicros,
    long listeningMicros, long publishedMicros, long reconnectedMicros) {

  /**
   * Whether this process became the new leader.
   *
   * @return true for the follower that took over, false for one that stayed a follower
   */
  public boolean tookOver() {
    return lockWonMicros != 0;
  }

  /**
   * The stages as {@code name=ms} pairs, in milliseconds since {@code originMicros}.
   *
   * @param originMicros the wall-clock time to count from, in microseconds
   * @return the stages, such as {@code lost=0.0 lock=5.1 ...}
   */
  public String describe(long originMicros) {
    StringBuilder s = new StringBuilder();
    stage(s, "lost", lostMicros, originMicros);
    stage(s, "lock_won", lockWonMicros, originMicros);
    stage(s, "rocksdb_open", openedMicros, originMicros);
    stage(s, "listening", listeningMicros, originMicros);
    stage(s, "published", publishedMicros, originMicros);
    stage(s, "reconnected", reconnectedMicros, originMicros);
    return s.toString();
  }

  private static void stage(StringBuilder s, String name, long micros, long origin) {
    if (micros != 0) {
      s.append(s.length() == 0 ? "" : " ").append(name).append('=')
          .append(String.format(java.util.Locale.ROOT, "%.2f", (micros - origin) / 1000.0));
    }
  }

  /** Wall-clock microseconds since the epoch. */
  static long now() {
    java.time.Instant t = java.time.Instant.now();
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }
}
