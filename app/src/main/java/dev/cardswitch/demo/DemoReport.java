package dev.cardswitch.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.SwitchStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The end of a demo run: a short human summary and one line of JSON whose first keys are, in this
 * order, {@value #JSON_KEYS_TEXT}, followed by {@code p95_ms}, {@code unexpected}, {@code
 * elapsed_ms}, {@code seed}, and how Knot closed the switches: {@code confirmed} (CARD_UPDATED),
 * {@code failed} (CARD_FAILED by Knot's reason), {@code no_confirmation} and {@code
 * awaiting_confirmation} (no lifecycle record read yet when the demo stopped), and through the
 * webhook ingress {@code ingress_p50_ms} and {@code ingress_p99_ms} (request to 200) and {@code
 * ingress_own_p99_within_ms} (the histogram bucket bound 99 % of its own times stayed within). {@code knot_calls} is the number of {@code POST /card} calls the
 * embedded Knot sandbox accepted during the run, null against a real Knot; the latencies are null
 * when no task reached Knot.
 *
 * <p>A run succeeded when every planned event ended exactly once, as planned: nothing missing, no
 * duplicate, nothing unexpected ({@link #succeeded()}, {@link #exitCode()}). Immutable;
 * thread-safe.
 */
public final class DemoReport {

  /** The keys the JSON line starts with, in order. */
  public static final List<String> JSON_KEYS =
      List.of(
          "events",
          "switched",
          "skipped",
          "dead_lettered",
          "missing",
          "duplicates",
          "knot_calls",
          "p50_ms",
          "p99_ms");

  static final String JSON_KEYS_TEXT =
      "events, switched, skipped, dead_lettered, missing, duplicates, knot_calls, p50_ms, p99_ms";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final long seed;
  private final Map<ExpectedResult, Integer> expected;
  private final CollectedResults results;
  private final Long knotCalls;
  private final Duration elapsed;
  private final IngressRoundTrips ingress;
  private final Long ingressOwnP99BoundMillis;

  /**
   * @param expected how many events expect each result (from the plan)
   * @param knotCalls {@code POST /card} calls Knot accepted during the run; null when not counted
   */
  public DemoReport(
      long seed,
      Map<ExpectedResult, Integer> expected,
      CollectedResults results,
      Long knotCalls,
      Duration elapsed) {
    this(seed, expected, results, knotCalls, elapsed, null, null);
  }

  /**
   * @param ingress the webhook ingress's answer times to the demo's POSTs; null when the events went
   *     straight to the webhook topic
   * @param ingressOwnP99BoundMillis the bucket bound that 99 % of the ingress's own times (the
   *     broker's acknowledgement excluded) stayed within; null when not known
   */
  public DemoReport(
      long seed,
      Map<ExpectedResult, Integer> expected,
      CollectedResults results,
      Long knotCalls,
      Duration elapsed,
      IngressRoundTrips ingress,
      Long ingressOwnP99BoundMillis) {
    this.ingress = ingress;
    this.ingressOwnP99BoundMillis = ingressOwnP99BoundMillis;
    this.seed = seed;
    this.expected = Map.copyOf(Objects.requireNonNull(expected, "expected"));
    this.results = Objects.requireNonNull(results, "results");
    this.knotCalls = knotCalls;
    this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
  }

  public long seed() {
    return seed;
  }

  public int events() {
    return results.planned();
  }

  /** How many events of the plan expected each result. */
  public Map<ExpectedResult, Integer> expectedCounts() {
    return expected;
  }

  public CollectedResults results() {
    return results;
  }

  /** Null when the demo ran against a real Knot. */
  public Long knotCalls() {
    return knotCalls;
  }

  public Duration elapsed() {
    return elapsed;
  }

  /** Every planned event ended exactly once, as planned. */
  public boolean succeeded() {
    return results.missing() == 0 && results.duplicates() == 0 && results.unexpected() == 0;
  }

  /** The demo command's exit status: 0 when {@link #succeeded()}, else 1. */
  public int exitCode() {
    return succeeded() ? 0 : 1;
  }

  /** Prints the summary, then the JSON line last. */
  public void print(PrintStream out) {
    out.print(summary());
    out.println(jsonLine());
    out.flush();
  }

  /** The JSON line, without a line break. */
  public String jsonLine() {
    ObjectNode json = JSON.createObjectNode();
    json.put("events", results.planned());
    json.put("switched", results.switched());
    json.put("skipped", results.skipped());
    ObjectNode deadLettered = json.putObject("dead_lettered");
    results.byReason().forEach((reason, count) -> deadLettered.put(reason.name(), count));
    json.put("missing", results.missing());
    json.put("duplicates", results.duplicates());
    json.put("knot_calls", knotCalls);
    json.put("p50_ms", results.latencyPercentileMillis(50));
    json.put("p99_ms", results.latencyPercentileMillis(99));
    json.put("p95_ms", results.latencyPercentileMillis(95));
    json.put("unexpected", results.unexpected());
    json.put("elapsed_ms", elapsed.toMillis());
    json.put("seed", seed);
    CollectedResults.Lifecycle lifecycle = results.lifecycle();
    json.put("confirmed", lifecycle.confirmed());
    ObjectNode failed = json.putObject("failed");
    lifecycle.failedByReason().forEach(failed::put);
    json.put("no_confirmation", lifecycle.noConfirmation());
    json.put("awaiting_confirmation", lifecycle.awaiting());
    if (ingress != null) {
      json.put("ingress_p50_ms", ingress.percentileMillis(50));
      json.put("ingress_p99_ms", ingress.percentileMillis(99));
      json.put("ingress_own_p99_within_ms", ingressOwnP99BoundMillis);
    }
    try {
      return JSON.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of numbers and names always serialises", e);
    }
  }

  /** The human summary, a few lines, each ending with a line break. */
  public String summary() {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "Demo: %d events (seed %d) in %.1f s",
            results.planned(),
            seed,
            elapsed.toMillis() / 1000.0));
    lines.add(
        String.format(
            Locale.ROOT,
            "  switched      %7d   (planned %d)",
            results.switched(),
            planned(ExpectedResult.SWITCHED)));
    lines.add(
        String.format(
            Locale.ROOT,
            "  skipped       %7d   (planned %d)",
            results.skipped(),
            planned(ExpectedResult.SKIPPED)));
    Map<SwitchStatus, Long> otherStatuses = new EnumMap<>(SwitchStatus.class);
    otherStatuses.putAll(results.byStatus());
    otherStatuses.remove(SwitchStatus.SWITCHED);
    otherStatuses.remove(SwitchStatus.SKIPPED);
    if (!otherStatuses.isEmpty()) {
      lines.add("  other outcomes " + counts(otherStatuses));
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "  dead letters  %7d   %s   (planned %s)",
            results.deadLettered(),
            results.byReason().isEmpty() ? "none" : counts(results.byReason()),
            plannedDeadLetters()));
    if (results.switched() > 0) {
      lines.add("  " + lifecycleLine());
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "  missing %d, duplicates %d, unexpected %d",
            results.missing(),
            results.duplicates(),
            results.unexpected()));
    lines.add("  " + knotLine());
    lines.add("  " + latencyLine());
    if (ingress != null && ingress.count() > 0) {
      lines.add(String.format(Locale.ROOT,
          "  webhook ingress answered %d POSTs: p50 %.1f ms, p99 %.1f ms (request to 200, the broker's acknowledgement included)",
          ingress.count(), ingress.percentileMillis(50), ingress.percentileMillis(99)));
      if (ingressOwnP99BoundMillis != null) {
        lines.add("    99 % of them within " + ingressOwnP99BoundMillis
            + " ms of the ingress's own time (receipt to 200 less the wait for the broker's acknowledgement)");
      }
    }
    if (results.foreign() > 0 || results.unreadable() > 0) {
      lines.add(
          String.format(
              Locale.ROOT,
              "  ignored: %d results of tasks outside this run, %d unreadable records",
              results.foreign(),
              results.unreadable()));
    }
    lines.add(verdict());
    return lines.stream().map(line -> line + System.lineSeparator()).collect(Collectors.joining());
  }

  private int planned(ExpectedResult result) {
    return expected.getOrDefault(result, 0);
  }

  private String plannedDeadLetters() {
    Map<DeadLetterReason, Long> planned = new EnumMap<>(DeadLetterReason.class);
    for (ExpectedResult result : ExpectedResult.values()) {
      if (result.result().kind() == TaskResult.Kind.DEAD_LETTER && planned(result) > 0) {
        planned.put(DeadLetterReason.valueOf(result.result().name()), (long) planned(result));
      }
    }
    return planned.isEmpty() ? "none" : counts(planned);
  }

  private static <K extends Enum<K>> String counts(Map<K, Long> counts) {
    return counts.entrySet().stream()
        .map(e -> e.getKey().name() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  /** How Knot closed the switches: its CARD_UPDATED / CARD_FAILED webhooks, or none in time. */
  private String lifecycleLine() {
    CollectedResults.Lifecycle lifecycle = results.lifecycle();
    String failures = lifecycle.failedByReason().entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
    return String.format(
        Locale.ROOT,
        "confirmed %d, failed %d%s, no confirmation %d, awaiting Knot's webhook %d",
        lifecycle.confirmed(),
        lifecycle.failed(),
        failures.isEmpty() ? "" : " (" + failures + ")",
        lifecycle.noConfirmation(),
        lifecycle.awaiting());
  }

  private String knotLine() {
    if (knotCalls == null) {
      return "Knot calls: not counted (a real Knot: see its dashboard)";
    }
    String line = "Knot accepted " + knotCalls + " POST /card calls (embedded sandbox)";
    return knotCalls == results.switched()
        ? line
        : line + ", but " + results.switched() + " tasks were switched";
  }

  private String latencyLine() {
    if (results.latencyCount() == 0) {
      return "latency: no task reached Knot";
    }
    return String.format(
        Locale.ROOT,
        "latency, webhook receipt to /card answered (%d tasks): p50 %d ms, p95 %d ms, p99 %d ms",
        results.latencyCount(),
        results.latencyPercentileMillis(50),
        results.latencyPercentileMillis(95),
        results.latencyPercentileMillis(99));
  }

  private String verdict() {
    if (succeeded()) {
      return "OK: every event ended exactly once, as planned";
    }
    List<String> problems = new ArrayList<>();
    if (results.missing() > 0) {
      problems.add(
          results.missing()
              + " missing (tasks "
              + join(results.missingSample(), results.missing())
              + ")"
              + (results.deadlineReached()
                  ? ": no result within the window + margin; is the service running?"
                  : ""));
    }
    if (results.duplicates() > 0) {
      problems.add(results.duplicates() + " duplicate results");
    }
    if (results.unexpected() > 0) {
      problems.add(
          results.unexpected()
              + " unexpected ("
              + join(results.unexpectedSample(), results.unexpected())
              + ")");
    }
    return "FAILED: " + String.join("; ", problems);
  }

  private static String join(List<?> sample, long total) {
    String shown = sample.stream().map(String::valueOf).collect(Collectors.joining(", "));
    return total > sample.size() ? shown + ", ..." : shown;
  }

  @Override
  public String toString() {
    return jsonLine();
  }
}
