package dev.cardswitch.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The fault runs' results as {@code docs/RELIABILITY.md} shows them: one row per fault (what was
 * injected, events, lost, duplicates, re-sent after a restart, cards Knot accepted twice, time to
 * recover, results), the notes of each run, a short human summary and one JSON line. Not
 * thread-safe: filled by one thread.
 */
public final class ReliabilityReport {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<ScenarioResult> results = new ArrayList<>();

  public void add(ScenarioResult result) {
    results.add(result);
  }

  public List<ScenarioResult> results() {
    return List.copyOf(results);
  }

  public boolean passed() {
    return results.stream().allMatch(ScenarioResult::passed);
  }

  /** The table, in Markdown. */
  public String table() {
    StringBuilder s = new StringBuilder();
    s.append("| fault | injected | events | lost | duplicates | re-sent after restart | accepted twice by Knot"
        + " | time to recover | results |\n");
    s.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (ScenarioResult r : results) {
      s.append("| ").append(r.passed() ? "" : "**FAILED** ").append(r.fault())
          .append(" | ").append(r.injected())
          .append(" | ").append(r.events())
          .append(" | ").append(r.lost())
          .append(" | ").append(r.duplicates())
          .append(" | ").append(r.resentAfterRestart())
          .append(" | ").append(r.acceptedTwice())
          .append(" | ").append(r.recoveryText())
          .append(" | ").append(mix(r.results()))
          .append(" |\n");
    }
    return s.toString();
  }

  /** The notes of every run, and what each broke. */
  public String details() {
    StringBuilder s = new StringBuilder();
    for (ScenarioResult r : results) {
      s.append("- **").append(r.fault()).append("** (seed ").append(r.seed()).append(", ")
          .append(r.took().toSeconds()).append(" s)").append(r.passed() ? "" : ": **failed**").append('\n');
      r.notes().forEach(n -> s.append("  - ").append(n).append('\n'));
      r.violations().forEach(v -> s.append("  - broken: ").append(v).append('\n'));
    }
    return s.toString();
  }

  /** A few lines a person reads at the end of a run. */
  public String summary() {
    long events = results.stream().mapToLong(ScenarioResult::events).sum();
    long lost = results.stream().mapToLong(ScenarioResult::lost).sum();
    long duplicates = results.stream().mapToLong(ScenarioResult::duplicates).sum();
    long resent = results.stream().mapToLong(ScenarioResult::resentAfterRestart).sum();
    long twice = results.stream().mapToLong(ScenarioResult::acceptedTwice).sum();
    List<String> failed = results.stream().filter(r -> !r.passed()).map(ScenarioResult::fault).toList();
    StringBuilder s = new StringBuilder();
    s.append(results.size()).append(results.size() == 1 ? " fault run, " : " fault runs, ").append(events).append(" events: ")
        .append(lost).append(" lost, ").append(duplicates).append(" duplicates, ")
        .append(resent).append(" cards re-sent after a restart (marked), ")
        .append(twice).append(" accepted twice by Knot; longest time to recover ")
        .append(longestRecovery().map(ReliabilityReport::seconds).orElse("—")).append(".\n");
    s.append(failed.isEmpty() ? "Every run kept every invariant." : "FAILED: " + String.join(", ", failed)
        + " (see the notes above).");
    return s.toString();
  }

  /** One JSON object on one line. */
  public String jsonLine() {
    ObjectNode n = JSON.createObjectNode();
    n.put("runs", results.size());
    n.put("passed", results.stream().filter(ScenarioResult::passed).count());
    n.put("events", results.stream().mapToLong(ScenarioResult::events).sum());
    n.put("lost", results.stream().mapToLong(ScenarioResult::lost).sum());
    n.put("duplicates", results.stream().mapToLong(ScenarioResult::duplicates).sum());
    n.put("resent_after_restart", results.stream().mapToLong(ScenarioResult::resentAfterRestart).sum());
    n.put("accepted_twice", results.stream().mapToLong(ScenarioResult::acceptedTwice).sum());
    Optional<Duration> longest = longestRecovery();
    if (longest.isPresent()) {
      n.put("max_recovery_ms", longest.get().toMillis());
    } else {
      n.putNull("max_recovery_ms");
    }
    ArrayNode failed = n.putArray("failed");
    results.stream().filter(r -> !r.passed()).forEach(r -> failed.add(r.fault()));
    return n.toString();
  }

  /** The whole {@code docs/RELIABILITY.md}. */
  public String document(String command, String machine, String date, Duration took) {
    return document(command, machine, date, took, "");
  }

  /**
   * The whole {@code docs/RELIABILITY.md}, with what the machine was doing meanwhile ({@code
   * conditions}, e.g. its load and who else used it: timings read differently on a shared machine).
   */
  public String document(String command, String machine, String date, Duration took, String conditions) {
    return "# Reliability\n\n"
        + "What card-switch does when things break, measured by `" + command + "` on " + machine + ", " + date
        + " (" + took.toMinutes() + " min)." + (conditions.isBlank() ? "" : " " + conditions.strip()) + "\n\nEach row is one run: generated switching events (valid cards, 10 %"
        + " `send_card=false`, 3 % invalid cards, and unknown cards where the scale has them) produced at a"
        + " steady rate through card-switch running as separate processes (`card-switch run`) on an embedded"
        + " broker, the development schema registry and the Knot sandbox, while the fault is injected; then every"
        + " result is read back `read_committed` and checked.\n\n"
        + "Every run checks the same invariants (`app/src/main/java/dev/cardswitch/soak/Invariants.java`): every"
        + " event ends in exactly one outcome or dead letter (**lost** and **duplicates** count the breaches), its"
        + " result is one the fault explains, Knot is called only for valid cards, a SWITCHED outcome means Knot"
        + " accepted the card, a card reaches Knot twice only when the result says it was re-sent after a restart"
        + " (**re-sent after restart**; **accepted twice by Knot** counts the cards Knot took twice), a result other"
        + " than SWITCHED for a card Knot took says \"Knot may have switched the card\" (a call that timed out or"
        + " lost its connection after it was sent is never re-sent), no card"
        + " value appears in clear in any topic (changelogs, repartition topics and aborted transactions included)"
        + " or in any instance's output, and the configuration each instance printed masks its secrets."
        + " **Time to recover** is the longest time from the end of a fault (or a restart) to the next switched"
        + " card. The same runs, smaller, are the tests `KnotFaultsTest` and `ProcessFaultsTest` in `mvn -B verify`.\n\n"
        + table() + "\n"
        + "## Notes per run\n\n" + details() + "\n"
        + "## Summary\n\n" + summary() + "\n\n```json\n" + jsonLine() + "\n```\n";
  }

  private Optional<Duration> longestRecovery() {
    return results.stream().map(ScenarioResult::recovery).flatMap(Optional::stream).max(Duration::compareTo);
  }

  private static String mix(Map<String, Long> results) {
    List<String> parts = new ArrayList<>();
    new TreeMap<>(results).forEach((k, v) -> parts.add(k + " " + v));
    return String.join(", ", parts);
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
