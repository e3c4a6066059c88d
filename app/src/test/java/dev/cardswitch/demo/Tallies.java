package dev.cardswitch.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link CollectedResults} as {@link ResultCollector} would make them, for tests outside this package. */
public final class Tallies {

  private Tallies() {}

  /**
   * Tasks 1..planned, all expected {@code SWITCHED}; the results are read in the given order (a task
   * read twice is a duplicate; a planned task never read is missing).
   *
   * @param read task id and its result, in reading order
   */
  public static CollectedResults switches(int planned, List<Map.Entry<Long, TaskResult>> read) {
    Map<Long, ExpectedResult> plan = new LinkedHashMap<>();
    for (long task = 1; task <= planned; task++) {
      plan.put(task, ExpectedResult.SWITCHED);
    }
    ResultTally tally = new ResultTally(plan);
    for (Map.Entry<Long, TaskResult> r : read) {
      tally.add(r.getKey(), r.getValue(), null);
    }
    return tally.results(false);
  }
}
