package dev.cardswitch.soak;

import dev.cardswitch.demo.DemoPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * The fault runs, in the order {@code card-switch soak} runs them: a baseline without any fault
 * (it also warms the instance up), then Knot's faults ({@link KnotFaultScenarios}), then the
 * platform's ({@link ProcessFaultScenarios}). Stateless.
 */
public final class Scenarios {

  private Scenarios() {}

  /** No fault: every event must end exactly as planned. */
  public static ScenarioRun baseline(Scale s, long seed) {
    return ScenarioRun.builder("no fault (baseline)")
        .injected("nothing")
        .events(s.eventsFor(s.before().plus(s.after())))
        .rate(s.rate())
        .seed(seed)
        .mix(DemoPlan.SKIPPED_PERCENT, s.unknownCardPercent(), DemoPlan.INVALID_CARD_PERCENT)
        .instances(KnotFaultScenarios.INSTANCE)
        .build();
  }

  public static List<ScenarioRun> all(Scale s, long seed) {
    List<ScenarioRun> runs = new ArrayList<>();
    runs.add(baseline(s, seed));
    runs.addAll(KnotFaultScenarios.all(s, seed));
    runs.addAll(ProcessFaultScenarios.all(s, seed));
    return runs;
  }
}
