package org.level4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A one-line progress bar for long commands ({@code bench}, {@code export}, {@code import}),
 * redrawn in place on standard error, and only when standard error is a terminal: a redirected
 * or piped stderr gets nothing, so logs and scripts stay clean.
 *
 * <p>Cheap enough to call on every operation: it redraws at most ten times a second. Not
 * thread-safe: one thread reports.
 */
final class Progress implements Workload.Tick {
  private static final long EVERY_NANOS = 100_000_000L;
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private String label = "";
  private long started;
  private long lastDrawn;
  private int drawnLength;

  private Progress(PrintWriter err) {
    this.err = err;
  }

  /** A bar on {@code err} if standard error is a terminal, else one that draws nothing. */
  static Progress onTerminal(PrintWriter err) {
    return new Progress(isTerminal(2) ? err : null);
  }

  /**
   * A bar on {@code err} if standard error is a terminal and standard output is not: for
   * commands that print their results on stdout, where a bar would tangle with them.
   */
  static Progress besideOutput(PrintWriter err) {
    return new Progress(isTerminal(2) && !isTerminal(1) ? err : null);
  }

  /** A bar that draws nothing. */
  static Progress none() {
    return new Progress(null);
  }

  /** Starts a new piece of work; the rate counts from now. */
  Progress start(String label) {
    this.label = label;
    started = System.nanoTime();
    lastDrawn = 0;
    return this;
  }

  /**
   * Reports {@code done} of {@code total} units ({@code total} ≤ 0: unknown, shows only the
   * count and the rate).
   */
  @Override
  public void at(long done, long total) {
    if (err == null) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastDrawn < EVERY_NANOS && (total <= 0 || done < total)) {
      return;
    }
    lastDrawn = now;
    double seconds = Math.max(1e-9, (now - started) / 1e9);
    StringBuilder line = new StringBuilder(80).append(String.format(Locale.ROOT, "%-15s", label));
    if (total > 0) {
      int filled = (int) Math.min(WIDTH, WIDTH * done / total);
      line.append(" [").append("#".repeat(filled)).append(".".repeat(WIDTH - filled))
          .append(String.format(Locale.ROOT, "] %3d%%", Math.min(100, 100 * done / total)));
    }
    line.append(String.format(Locale.ROOT, " %,d  %,.0f/s", done, done / seconds));
    draw(line.toString());
  }

  /** Removes the bar, leaving the line empty for what the command prints next. */
  void clear() {
    if (err != null && drawnLength > 0) {
      err.print("\r" + " ".repeat(drawnLength) + "\r");
      err.flush();
      drawnLength = 0;
    }
  }

  private void draw(String line) {
    int pad = Math.max(0, drawnLength - line.length());
    err.print("\r" + line + " ".repeat(pad));
    err.flush();
    drawnLength = line.length();
  }

  /**
   * Whether file descriptor {@code fd} (1: stdout, 2: stderr) is a terminal. The JDK only tells
   * whether stdin and stdout both are ({@code System.console()}), which is wrong for
   * {@code export DIR > file}; on Linux the descriptor's link names the terminal device.
   */
  private static boolean isTerminal(int fd) {
    Path link = Path.of("/proc/self/fd/" + fd);
    if (Files.exists(link)) {
      try {
        String target = Files.readSymbolicLink(link).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      } catch (IOException | UnsupportedOperationException e) {
        return false;
      }
    }
    return System.console() != null;
  }
}
