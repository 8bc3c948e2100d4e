package org.level4j.child;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM started through {@link ChildMain} ends when the JVM that started it is SIGKILLed. */
class ChildMainTest {
  @Test
  void aChildHaltsWhenItsParentIsKilled() throws Exception {
    try (ChildProcess parent = ChildProcess.java(List.of(), Parent.class)) {
      long child = Long.parseLong(parent.readLine());
      ProcessHandle handle = ProcessHandle.of(child).orElseThrow();
      try {
        assertThat(handle.isAlive()).isTrue();
        parent.kill();
        assertThat(handle.onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();
      } finally {
        handle.destroyForcibly(); // if the test failed, it does not leave the child behind
      }
    }
  }

  /** Starts a {@link Sleeper} through ChildMain, prints its pid, and sleeps. */
  static final class Parent {
    public static void main(String[] args) throws Exception {
      ChildProcess child = ChildProcess.java(List.of(), Sleeper.class);
      System.out.println(child.process().pid());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  /** Sleeps until halted. */
  static final class Sleeper {
    public static void main(String[] args) throws Exception {
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
