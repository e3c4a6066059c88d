package dev.cardswitch.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

/** What the fault tests share: the seed (printed with every result) and the verdict. */
final class FaultRuns {

  /** {@code -Dcard.switch.seed=N} replays a run; otherwise each build tries other fault points. */
  static final long SEED = Long.getLong("card.switch.seed", System.currentTimeMillis() % 100_000);

  private FaultRuns() {}

  /** Prints the run's row and fails with every broken invariant, the seed included. */
  static void assertPassed(ScenarioResult result) {
    System.out.println(result.describe());
    assertEquals(List.of(), result.violations(), result.describe() + "replay with -Dcard.switch.seed=" + SEED);
  }
}
