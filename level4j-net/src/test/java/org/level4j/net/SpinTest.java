package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When a reader polls its socket before sleeping (counts of polls only, no timings). Each Spin
 * here counts its pollers apart from the process's (other tests' connections may be polling) and,
 * where something is to arrive, polls for up to 10 s, so that a thread descheduled between two
 * looks on a busy machine does not end the window first; a window that finds nothing is the
 * usual 100 µs.
 */
class SpinTest {
  private static final java.nio.ByteBuffer DST = java.nio.ByteBuffer.allocate(16);
  private static final long LONG = 10_000_000_000L;
  /** As on a machine with processors to spare. */
  private final Spin spin = spin(() -> false, Thread::yield, Spin.WINDOW_NANOS);
  private int polls;

  private static Spin spin(java.util.function.BooleanSupplier busy, Runnable giveWay,
      long window) {
    return new Spin(busy, giveWay, window, new java.util.concurrent.atomic.AtomicInteger());
  }

  @BeforeEach
  void pollingIsOn() {
    assumeTrue(Spin.WINDOW_NANOS > 0 && Runtime.getRuntime().availableProcessors() > 1,
        "polling is off here (level4j.spinMicros=0 or one processor)");
  }

  private int never(java.nio.ByteBuffer dst) {
    polls++;
    return 0;
  }

  @Test
  void returnsWhatArrivesWhilePolling() throws IOException {
    int[] left = {3};
    int n = spin(() -> false, Thread::yield, LONG).await(dst -> {
      polls++;
      return --left[0] == 0 ? 42 : 0;
    }, DST, true);
    assertThat(n).isEqualTo(42);
    assertThat(polls).isEqualTo(3);
  }

  @Test
  void whileTheMachineHasMoreThreadsReadyThanProcessorsItYieldsBetweenPolls() throws IOException {
    boolean[] busy = {true};
    int[] yields = {0};
    int[] left = {3};
    assertThat(spin(() -> busy[0], () -> yields[0]++, LONG)
        .await(dst -> --left[0] == 0 ? 9 : 0, DST, true)).isEqualTo(9);
    assertThat(yields[0]).as("gave its processor away before each of its 3 looks").isEqualTo(3);

    yields[0] = 0;
    Spin s = spin(() -> busy[0], () -> yields[0]++, Spin.WINDOW_NANOS);

    for (int i = 0; i < 200; i++) {
      assertThat(s.await(this::never, DST, true)).isZero();
    }
    assertThat(polls).as("every busy wait polls: an empty yielding window is not scored")
        .isGreaterThanOrEqualTo(200);
    assertThat(yields[0]).as("and never spins: one yield per look").isEqualTo(polls);

    busy[0] = false;
    polls = 0;
    yields[0] = 0;
    assertThat(s.await(this::never, DST, true)).isZero();
    assertThat(polls).as("with a processor to spare it spins, its score still full").isPositive();
    assertThat(yields[0]).isZero();
  }

  @Test
  void aReaderThatMayNotYieldSleepsWhileTheMachineIsBusyAndKeepsItsScore() throws IOException {
    boolean[] busy = {true};
    int[] yields = {0};
    Spin s = spin(() -> busy[0], () -> yields[0]++, Spin.WINDOW_NANOS);
    for (int i = 0; i < 70; i++) {
      assertThat(s.await(this::never, DST, false)).isZero();
    }
    assertThat(polls).as("a guest's reader thread sleeps at once").isZero();
    assertThat(yields[0]).isZero();

    busy[0] = false;
    assertThat(s.await(dst -> 4, DST, false)).as("and spins with a processor to spare")
        .isEqualTo(4);
  }

  @Test
  void aConnectionToAnotherMachineDoesNotPollWhileTheMachineIsBusy() throws IOException {
    Spin s = spin(() -> true, null, Spin.WINDOW_NANOS);
    for (int i = 0; i < 70; i++) {
      assertThat(s.await(this::never, DST, true)).isZero();
    }
    assertThat(polls).isZero();
  }

  @Test
  void reportsTheEndOfTheStream() throws IOException {
    assertThat(spin.await(dst -> -1, DST, true)).isEqualTo(-1);
  }

  @Test
  void stopsPollingAfterTwoFruitlessWindowsAndProbesOnceEverySixtyFourWaits() throws IOException {
    assertThat(spin.await(this::never, DST, true)).isZero();
    assertThat(spin.await(this::never, DST, true)).isZero();
    assertThat(polls).isPositive();

    polls = 0;
    for (int i = 3; i < 64; i++) {
      assertThat(spin.await(this::never, DST, true)).isZero();
    }
    assertThat(polls).as("waits 3 to 63 sleep at once").isZero();

    assertThat(spin.await(this::never, DST, true)).isZero();
    assertThat(polls).as("wait 64 probes").isPositive();
  }

  @Test
  void aProbeThatPaysTurnsPollingBackOn() throws IOException {
    spin.await(this::never, DST, true);
    spin.await(this::never, DST, true);
    for (int i = 3; i < 64; i++) {
      spin.await(this::never, DST, true);
    }
    assertThat(spin.await(dst -> 7, DST, true)).as("the probe at wait 64").isEqualTo(7);

    polls = 0;
    assertThat(spin.await(dst -> {
      polls++;
      return 1;
    }, DST, true)).isEqualTo(1);
    assertThat(polls).as("the next wait polls again").isEqualTo(1);

    polls = 0;
    spin.await(this::never, DST, true);
    int afterOneFailure = polls;
    spin.await(this::never, DST, true);
    assertThat(afterOneFailure).isPositive();
    assertThat(polls).as("the score is full again: one failure does not stop polling")
        .isGreaterThan(afterOneFailure);
  }

  @Test
  void aPollThatFailsPropagatesAndGivesUpItsPlaceAmongThePollers() throws IOException {
    IOException boom = new IOException("closed");
    java.util.concurrent.atomic.AtomicInteger pollers =
        new java.util.concurrent.atomic.AtomicInteger();
    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(() -> new Spin(() -> false, Thread::yield, LONG, pollers).await(dst -> {
        throw boom;
      }, DST, true)).isSameAs(boom);
    }
    assertThat(pollers.get()).as("the failed ones left no poller counted").isZero();
    int[] left = {2};
    assertThat(new Spin(() -> false, Thread::yield, LONG, pollers)
        .await(dst -> --left[0] == 0 ? 5 : 0, DST, true))
        .as("a new connection still polls").isEqualTo(5);
  }
}
