package org.level4j.leak;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves a database open in the test JVM: one whose lock files, RocksDB's
 * {@code LOCK} or RaveLevel's {@code LEADER} and {@code STANDBY}, this process still has open
 * after the class ended. The message names their directories.
 *
 * <p>It runs for every test class of each module with level4j-core's test jar on its test class
 * path: JUnit finds it through {@code META-INF/services/org.junit.jupiter.api.extension.Extension}
 * (in that jar), as the root pom's Surefire configuration sets {@code
 * junit.jupiter.extensions.autodetection.enabled}.
 *
 * <p>Why: a database a class leaves open keeps RocksDB's background threads running through
 * every later class and into the exit of the test JVM, and keeps its directory locked; a
 * RaveLevel left open keeps leading or following. A failure here points at the class that did it,
 * instead of at whatever goes wrong later.
 */
public final class LocksLeftOpen implements BeforeAllCallback, AfterAllCallback {
  /*
   * How. The files a process has open are the links in /proc/self/fd (Linux; elsewhere nothing
   * is checked). They are read, never opened: POSIX locks belong to the process, and closing any
   * descriptor of a locked file would release its lock. Only files opened during the class count
   * (the descriptor and its file were not open when it began), so a leak fails one class, not
   * every class after it.
   *
   * A close may end a moment after the class: RaveLevel's standby runs a warm-up in the
   * background (Standby: a scratch RaveLevel of its own, in java.io.tmpdir), for a fraction of a
   * second, more on a loaded machine. So files still open are looked at again every 10 ms for up
   * to WAIT; only those open then fail the class. A class that leaves nothing open pays one look.
   */

  /** The names of the lock files looked for. */
  static final Set<String> LOCK_FILES = Set.of("LOCK", "LEADER", "STANDBY");
  /** How long files opened during a class may stay open after it before it fails. */
  static final Duration WAIT = Duration.ofSeconds(30);
  private static final Path FDS = Path.of("/proc/self/fd");
  private static final String DELETED = " (deleted)";
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LocksLeftOpen.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(NAMESPACE).put(context.getUniqueId(), open());
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    @SuppressWarnings("unchecked")
    Map<String, String> before = (Map<String, String>) context.getStore(NAMESPACE)
        .remove(context.getUniqueId());
    if (before == null) {
      return; // beforeAll failed, and failed the class
    }
    Map<String, String> left = leftOpen(before, WAIT);
    if (!left.isEmpty()) {
      throw new AssertionError(describe(
          context.getTestClass().map(Class::getName).orElse(context.getDisplayName()), left));
    }
  }

  /**
   * The lock files this process has open, by descriptor; a file deleted while open ends in
   * {@code " (deleted)"}, as the kernel shows it.
   */
  static Map<String, String> open() {
    Map<String, String> open = new TreeMap<>();
    if (!Files.isDirectory(FDS)) {
      return open;
    }
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(FDS)) {
      for (Path fd : fds) {
        String file;
        try {
          file = Files.readSymbolicLink(fd).toString();
        } catch (IOException closedMeanwhile) {
          continue;
        }
        String path = strip(file);
        if (LOCK_FILES.contains(path.substring(path.lastIndexOf('/') + 1))) {
          open.put(fd.getFileName().toString(), file);
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot list " + FDS + ": " + e, e);
    }
    return open;
  }

  /**
   * The lock files open now that were not open as in {@code before} (a value of {@link #open}),
   * waiting up to {@code wait} for them to close.
   */
  static Map<String, String> leftOpen(Map<String, String> before, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      Map<String, String> now = open();
      now.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey())));
      if (now.isEmpty() || System.nanoTime() - deadline >= 0) {
        return now;
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  /** The failure message for {@code left} (a value of {@link #leftOpen}) of the class named. */
  static String describe(String testClass, Map<String, String> left) {
    Map<Path, List<String>> byDirectory = new TreeMap<>();
    for (String file : left.values()) {
      Path p = Path.of(strip(file));
      String name = p.getFileName() + (file.endsWith(DELETED) ? " (its directory deleted)" : "");
      byDirectory.computeIfAbsent(p.getParent(), d -> new ArrayList<>()).add(name);
    }
    StringBuilder m = new StringBuilder(testClass).append(" left a database open in this JVM ")
        .append(WAIT.toSeconds()).append(" s after it ended; close every database and RaveLevel "
            + "a test opens, failing or not (try-with-resources). Lock files still open:");
    byDirectory.forEach((dir, names) -> m.append("\n  ").append(dir).append(": ")
        .append(String.join(", ", names.stream().sorted().toList())));
    return m.toString();
  }

  private static String strip(String file) {
    return file.endsWith(DELETED) ? file.substring(0, file.length() - DELETED.length()) : file;
  }
}
