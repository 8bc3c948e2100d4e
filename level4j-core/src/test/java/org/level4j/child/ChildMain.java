package org.level4j.child;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The main class of every JVM a test starts: it runs the test's own main class, and halts the
 * process when the test JVM that started it ends, however that ends (a test that forgot to close
 * it, a surefire timeout, a SIGKILL), so no test leaves a process behind.
 *
 * <pre>{@code java -cp ... org.level4j.child.ChildMain <parent pid> <main class> <args...>}</pre>
 *
 * <p>Tests start such JVMs through {@link ChildProcess}, which builds this command line with
 * {@link #command}. The watch on the parent is the JDK's
 * {@link ProcessHandle#onExit()}, which for a process that is not one's own child checks now and
 * then, so a child may outlive its parent by a few seconds.
 */
public final class ChildMain {
  /** The exit status of a child halted because its parent ended. */
  public static final int ORPHANED = 99;

  private ChildMain() {}

  public static void main(String[] args) throws Throwable {
    long parent = Long.parseLong(args[0]);
    Optional<ProcessHandle> p = ProcessHandle.of(parent);
    if (p.isEmpty()) {
      Runtime.getRuntime().halt(ORPHANED);
    }
    p.get().onExit().thenRun(() -> Runtime.getRuntime().halt(ORPHANED));
    try {
      java.lang.reflect.Method main = Class.forName(args[1]).getMethod("main", String[].class);
      main.setAccessible(true); // test mains are often package-private classes
      main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * {@code java <jvmOptions> -cp <this JVM's class path> ChildMain <this pid> <main> <args>}: a
   * JVM with this JVM's class path that dies with this JVM.
   */
  public static List<String> command(List<String> jvmOptions, Class<?> main, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ChildMain.class.getName());
    cmd.add(Long.toString(ProcessHandle.current().pid()));
    cmd.add(main.getName());
    cmd.addAll(args);
    return cmd;
  }
}
