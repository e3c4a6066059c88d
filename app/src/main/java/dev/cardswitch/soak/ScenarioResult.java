package dev.cardswitch.soak;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One fault run's row of {@code docs/RELIABILITY.md} and its verdict: the fault, what was injected,
 * how many events, lost, duplicates, re-sent after a restart, cards Knot accepted twice, the time to
 * recover, the first results by kind, notes, and every invariant or expectation broken (none when
 * the run passed). Immutable; thread-safe.
 *
 * @param recovery the longest time from the end of a fault to the next switched card; empty when
 *     the run had no fault end
 * @param results first results by name ({@code SWITCHED}, {@code KNOT_UNAVAILABLE}, …)
 */
public record ScenarioResult(
    String fault,
    String injected,
    long seed,
    int events,
    long lost,
    long duplicates,
    long resentAfterRestart,
    long acceptedTwice,
    Optional<Duration> recovery,
    Map<String, Long> results,
    List<String> notes,
    List<String> violations,
    Duration took) {

  public ScenarioResult {
    results = Map.copyOf(results);
    notes = List.copyOf(notes);
    violations = List.copyOf(violations);
  }

  public boolean passed() {
    return violations.isEmpty();
  }

  /** "4.2 s", or "—" when nothing ended. */
  public String recoveryText() {
    return recovery.map(d -> String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0)).orElse("—");
  }

  /** Several lines: the verdict, the numbers, the notes, what was broken, and how to run it again. */
  public String describe() {
    StringBuilder s = new StringBuilder();
    s.append(passed() ? "PASSED " : "FAILED ").append(fault).append(" (seed ").append(seed).append(", ")
        .append(took.toSeconds()).append(" s): ").append(injected).append('\n');
    s.append("  events ").append(events).append(", lost ").append(lost).append(", duplicates ").append(duplicates)
        .append(", re-sent after restart ").append(resentAfterRestart).append(", accepted twice by Knot ")
        .append(acceptedTwice).append(", time to recover ").append(recoveryText()).append('\n');
    s.append("  results ").append(new java.util.TreeMap<>(results)).append('\n');
    notes.forEach(n -> s.append("  note: ").append(n).append('\n'));
    violations.forEach(v -> s.append("  BROKEN: ").append(v).append('\n'));
    return s.toString();
  }
}
