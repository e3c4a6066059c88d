package dev.cardswitch.soak;

import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Knot's faults against card-switch running as a separate process, on one broker and one instance
 * shared by the runs (each run has its own tasks and cards): 5xx bursts, an outage, answers slower
 * than the call time-out, 429 storms, a key rotation, revoked credentials, a redirect to another
 * origin. Each run keeps every invariant ({@link Invariants}) and its fault's own expectations.
 */
class KnotFaultsTest {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path dir; // the instances' logs stay after a failure
  static SoakStack stack;
  static final PrintStream PROGRESS = System.err;

  @BeforeAll
  static void start() {
    stack = SoakStack.start(dir, Scale.CI.serviceSettings(), FaultRuns.SEED);
    stack.start(KnotFaultScenarios.INSTANCE);
    // Without a fault every event ends as planned; and the instance is warm before the first fault.
    FaultRuns.assertPassed(Scenarios.baseline(Scale.CI, FaultRuns.SEED).run(stack, PROGRESS));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void retriesThroughBurstsOfServerErrors() {
    FaultRuns.assertPassed(KnotFaultScenarios.serverErrorBursts(Scale.CI, FaultRuns.SEED).run(stack, PROGRESS));
  }

  @Test
  void deadLettersWhatAnOutageMakesLateAndRecoversWithoutARestart() {
    FaultRuns.assertPassed(KnotFaultScenarios.outage(Scale.CI, FaultRuns.SEED).run(stack, PROGRESS));
  }

  @Test
  void survivesAnswersSlowerThanTheCallTimeOut() {
    FaultRuns.assertPassed(KnotFaultScenarios.slowAnswers(Scale.CI, FaultRuns.SEED).run(stack, PROGRESS));
  }

  @Test
  void waitsAsRetryAfterSaysThrough429Storms() {
    FaultRuns.assertPassed(KnotFaultScenarios.tooManyRequests(Scale.CI, FaultRuns.SEED).run(stack, PROGRESS));
  }

  @Test
  void refetchesTheKeyOnceWhenKnotRotatesIt() {
    FaultRuns.assertPassed(KnotFaultScenarios.keyRotation(Scale.CI, FaultRuns.SEED).run(stack, PROGRESS));
  }

  @Test
  void deadLettersEveryEventWhileKnotRefusesTheCredentialsWithoutARetryStorm() {
    FaultRuns.assertPassed(KnotFaultScenarios.revokedCredentials(Scale.CI, FaultRuns.SEED).run(stack, PROGRESS));
  }

  @Test
  void sendsNothingToAnotherOriginKnotRedirectsTo() {
    FaultRuns.assertPassed(KnotFaultScenarios.crossOriginRedirect(Scale.CI, FaultRuns.SEED).run(stack, PROGRESS));
  }
}
