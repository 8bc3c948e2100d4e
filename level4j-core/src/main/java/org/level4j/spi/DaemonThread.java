package org.level4j.spi;

/**
 * For engine writers: the thread a component keeps of its own, such as a change feed's delivery
 * thread or a loop that runs queued work. It is a daemon, so that one nobody closed does not keep
 * the JVM running, and its owner's {@code close()} waits for it to stop. Applications do not need
 * this class.
 */
public final class DaemonThread {
  private DaemonThread() {}

  /**
   * A new daemon thread running {@code body}, not yet started.
   *
   * @param body what the thread runs
   * @param name the thread's name, as thread dumps show it
   * @return the thread, for the caller to start
   */
  public static Thread of(Runnable body, String name) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * For an owner's {@code close()}: waits until {@code thread} has stopped, so that it does
   * nothing more after close returns; returns at once if called on that thread (a listener or a
   * step closing its own owner). An interrupt while waiting is kept for the caller.
   *
   * @param thread the owner's thread, already told to stop
   */
  public static void awaitStopped(Thread thread) {
    if (Thread.currentThread() == thread) {
      return;
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
