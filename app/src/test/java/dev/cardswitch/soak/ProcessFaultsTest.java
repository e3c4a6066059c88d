package dev.cardswitch.soak;

import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform failing under card-switch (a separate process): the broker restarted mid-run, the
 * application killed with SIGKILL at random points (seeded; the seed is printed) and restarted,
 * a rebalance from one instance to two and back (no valid card missing its window). Each run keeps every invariant ({@link Invariants}).
 */
class ProcessFaultsTest {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path dir; // the instances' logs stay after a failure
  static SoakStack stack;
  static final PrintStream PROGRESS = System.err;

  @BeforeAll
  static void start() {
    stack = SoakStack.start(dir, Scale.CI.serviceSettings(), FaultRuns.SEED);
    stack.start(ProcessFaultScenarios.FIRST);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void losesNothingWhenTheBrokerRestartsMidRun() {
    FaultRuns.assertPassed(ProcessFaultScenarios.brokerRestart(Scale.CI, FaultRuns.SEED).run(stack, PROGRESS));
  }

  @Test
  void losesAndDuplicatesNothingThroughSigkillsAtRandomPoints() {
    FaultRuns.assertPassed(ProcessFaultScenarios.randomKills(Scale.CI, FaultRuns.SEED).run(stack, PROGRESS));
  }

  /**
   * Strict: no valid card may miss its window. A second instance that stops for good leaves the group
   * (CardSwitchService.close with LEAVE_GROUP), so its tasks move at once instead of after the session
   * time-out (45 s), which cost 156 of 367 valid cards their window before.
   */
  @Test
  void scalingOutAndInLosesDuplicatesAndCostsNoCardItsWindow() {
    FaultRuns.assertPassed(ProcessFaultScenarios.rebalance(Scale.CI, FaultRuns.SEED).run(stack, PROGRESS));
  }
}
