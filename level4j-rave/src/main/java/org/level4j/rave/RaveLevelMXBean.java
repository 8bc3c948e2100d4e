package org.level4j.rave;

/**
 * What a process using a directory through {@link RaveLevel} tells operators, over JMX (jconsole,
 * {@code jcmd}, any JMX client) as {@code org.level4j.rave:type=RaveLevel,dir="<directory>"}.
 * Registered while the process has the directory open, one per directory.
 */
public interface RaveLevelMXBean {
  /**
   * The directory, as an absolute real path.
   *
   * @return the directory
   */
  String getDirectory();

  /**
   * {@code leader} or {@code follower} now.
   *
   * @return the role
   */
  String getRole();

  /**
   * The pid of the live process leading the directory, or -1 if none is known.
   *
   * @return the leader's pid, or -1
   */
  long getLeaderPid();

  /**
   * While leading: how many other processes are connected to this one now; else 0.
   *
   * @return the number of connected followers
   */
  int getConnectedFollowers();

  /**
   * While leading: requests this process served for its followers since it became leader.
   *
   * @return the number of requests served
   */
  long getOperationsServed();

  /**
   * How many times this process took over after a leader went.
   *
   * @return the number of takeovers
   */
  long getFailovers();
}
