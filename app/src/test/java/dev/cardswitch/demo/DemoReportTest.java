package dev.cardswitch.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.SwitchStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoReportTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** 10 tasks: 6 switched (latencies 10..60 ms), 2 skipped, 1 invalid card, 1 unknown card. */
  private static Map<Long, ExpectedResult> plan() {
    Map<Long, ExpectedResult> planned = new LinkedHashMap<>();
    for (long task = 1; task <= 6; task++) {
      planned.put(task, ExpectedResult.SWITCHED);
    }
    planned.put(7L, ExpectedResult.SKIPPED);
    planned.put(8L, ExpectedResult.SKIPPED);
    planned.put(9L, ExpectedResult.INVALID_CARD_DATA);
    planned.put(10L, ExpectedResult.NO_CARD_REFERENCE);
    return planned;
  }

  private static Map<ExpectedResult, Integer> counts(Map<Long, ExpectedResult> planned) {
    Map<ExpectedResult, Integer> counts = new EnumMap<>(ExpectedResult.class);
    planned.values().forEach(e -> counts.merge(e, 1, Integer::sum));
    return counts;
  }

  private static ResultTally allAsPlanned(Map<Long, ExpectedResult> planned) {
    ResultTally tally = new ResultTally(planned);
    planned.forEach(
        (task, expected) ->
            tally.add(
                task, expected.result(), expected == ExpectedResult.SWITCHED ? task * 10 : null));
    return tally;
  }

  private static DemoReport report(ResultTally tally, Long knotCalls) {
    return new DemoReport(
        42, counts(plan()), tally.results(false), knotCalls, Duration.ofMillis(23_456));
  }

  private static List<String> keysOf(JsonNode node) {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  @Test
  void theJsonLineStartsWithTheRequiredKeysInOrder() throws Exception {
    JsonNode json = JSON.readTree(report(allAsPlanned(plan()), 6L).jsonLine());

    List<String> keys = keysOf(json);
    assertEquals(DemoReport.JSON_KEYS, keys.subList(0, DemoReport.JSON_KEYS.size()));
    assertEquals(
        List.of("p95_ms", "unexpected", "elapsed_ms", "seed", "confirmed", "failed", "no_confirmation",
            "awaiting_confirmation"),
        keys.subList(DemoReport.JSON_KEYS.size(), keys.size()));
    assertEquals(10, json.get("events").asInt());
    assertEquals(6, json.get("switched").asInt());
    assertEquals(2, json.get("skipped").asInt());
    assertEquals(
        List.of("NO_CARD_REFERENCE", "INVALID_CARD_DATA"),
        keysOf(json.get("dead_lettered")),
        "reasons in enum order");
    assertEquals(1, json.get("dead_lettered").get("INVALID_CARD_DATA").asInt());
    assertEquals(1, json.get("dead_lettered").get("NO_CARD_REFERENCE").asInt());
    assertEquals(0, json.get("missing").asInt());
    assertEquals(0, json.get("duplicates").asInt());
    assertEquals(6, json.get("knot_calls").asInt());
    assertEquals(30, json.get("p50_ms").asInt(), "nearest rank of 10..60");
    assertEquals(60, json.get("p99_ms").asInt());
    assertEquals(60, json.get("p95_ms").asInt());
    assertEquals(23_456, json.get("elapsed_ms").asInt());
    assertEquals(42, json.get("seed").asInt());
    assertFalse(report(allAsPlanned(plan()), 6L).jsonLine().contains("\n"), "one line");
  }

  @Test
  void againstARealKnotKnotCallsIsNullAndWithoutLatenciesThePercentilesAreNull() throws Exception {
    Map<Long, ExpectedResult> planned = Map.of(1L, ExpectedResult.SKIPPED);
    ResultTally tally = new ResultTally(planned);
    tally.add(1L, TaskResult.of(SwitchStatus.SKIPPED), null);
    DemoReport report =
        new DemoReport(1, counts(planned), tally.results(false), null, Duration.ofSeconds(1));

    JsonNode json = JSON.readTree(report.jsonLine());
    assertTrue(json.get("knot_calls").isNull());
    assertTrue(json.get("p50_ms").isNull());
    assertTrue(json.get("p99_ms").isNull());
    assertTrue(json.get("dead_lettered").isObject() && json.get("dead_lettered").isEmpty());
    assertTrue(report.summary().contains("Knot calls: not counted"), report.summary());
    assertTrue(report.summary().contains("latency: no task reached Knot"), report.summary());
  }

  @Test
  void aRunAsPlannedSucceedsAndSaysSo() {
    DemoReport report = report(allAsPlanned(plan()), 6L);

    assertTrue(report.succeeded());
    assertEquals(0, report.exitCode());
    String summary = report.summary();
    assertTrue(summary.startsWith("Demo: 10 events (seed 42) in 23.5 s"), summary);
    assertTrue(summary.contains("switched            6   (planned 6)"), summary);
    assertTrue(summary.contains("skipped             2   (planned 2)"), summary);
    assertTrue(
        summary.contains("dead letters        2   NO_CARD_REFERENCE 1, INVALID_CARD_DATA 1"),
        summary);
    assertTrue(summary.contains("missing 0, duplicates 0, unexpected 0"), summary);
    assertTrue(
        summary.contains(
            "Knot accepted 6 POST /card calls (embedded sandbox)" + System.lineSeparator()),
        summary);
    assertTrue(summary.contains("(6 tasks): p50 30 ms, p95 60 ms, p99 60 ms"), summary);
    assertTrue(
        summary.endsWith("OK: every event ended exactly once, as planned" + System.lineSeparator()),
        summary);
  }

  @Test
  void missingDuplicateOrUnexpectedResultsFailTheRunAndAreNamed() {
    Map<Long, ExpectedResult> planned = plan();
    ResultTally tally = new ResultTally(planned);
    for (long task = 1; task <= 5; task++) {
      tally.add(task, TaskResult.of(SwitchStatus.SWITCHED), 10L);
    }
    tally.add(5L, TaskResult.of(SwitchStatus.SWITCHED), 10L); // duplicate
    tally.add(6L, TaskResult.of(DeadLetterReason.KNOT_UNAVAILABLE), 15_000L); // unexpected
    tally.add(7L, TaskResult.of(SwitchStatus.SKIPPED), null);
    tally.add(9L, TaskResult.of(DeadLetterReason.INVALID_CARD_DATA), null);
    // 8 and 10 missing
    DemoReport report =
        new DemoReport(42, counts(planned), tally.results(true), 7L, Duration.ofSeconds(30));

    assertFalse(report.succeeded());
    assertEquals(1, report.exitCode());
    String summary = report.summary();
    assertTrue(summary.contains("missing 2, duplicates 1, unexpected 1"), summary);
    assertTrue(
        summary.contains("FAILED: 2 missing (tasks 8, 10): no result within the window + margin"),
        summary);
    assertTrue(summary.contains("1 duplicate results"), summary);
    assertTrue(
        summary.contains(
            "1 unexpected (task 6: expected SWITCHED, got dead letter KNOT_UNAVAILABLE)"),
        summary);
    assertTrue(
        summary.contains(
            "Knot accepted 7 POST /card calls (embedded sandbox), but 5 tasks were switched"),
        summary);
  }

  @Test
  void eachFailureAloneFailsTheExitCode() {
    Map<Long, ExpectedResult> planned = Map.of(1L, ExpectedResult.SWITCHED);
    ResultTally duplicate = new ResultTally(planned);
    duplicate.add(1L, TaskResult.of(SwitchStatus.SWITCHED), 1L);
    duplicate.add(1L, TaskResult.of(SwitchStatus.SWITCHED), 1L);
    ResultTally unexpected = new ResultTally(planned);
    unexpected.add(1L, TaskResult.of(SwitchStatus.SKIPPED), null);
    ResultTally missing = new ResultTally(planned);

    for (ResultTally tally : List.of(duplicate, unexpected, missing)) {
      DemoReport report =
          new DemoReport(
              1, Map.of(ExpectedResult.SWITCHED, 1), tally.results(false), null, Duration.ZERO);
      assertEquals(1, report.exitCode(), report.summary());
    }
  }

  @Test
  void printWritesTheSummaryThenTheJsonAsTheLastLine() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DemoReport report = report(allAsPlanned(plan()), 6L);
    report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(report.summary().lines().count() + 1, lines.size());
    assertEquals(report.jsonLine(), lines.get(lines.size() - 1));
    assertTrue(JSON.readTree(lines.get(lines.size() - 1)).isObject());
  }

  @Test
  void percentilesUseTheNearestRank() {
    Map<Long, ExpectedResult> planned = new LinkedHashMap<>();
    for (long task = 1; task <= 200; task++) {
      planned.put(task, ExpectedResult.SWITCHED);
    }
    ResultTally tally = new ResultTally(planned);
    for (long task = 200; task >= 1; task--) {
      tally.add(task, TaskResult.of(SwitchStatus.SWITCHED), task);
    }
    CollectedResults results = tally.results(false);
    assertEquals(100L, results.latencyPercentileMillis(50));
    assertEquals(190L, results.latencyPercentileMillis(95));
    assertEquals(198L, results.latencyPercentileMillis(99));
    assertEquals(200L, results.latencyPercentileMillis(100));
    assertEquals(1L, results.latencyPercentileMillis(0.1));
  }

  @Test
  void resultsOfOtherTasksAreIgnoredButShown() {
    Map<Long, ExpectedResult> planned = Map.of(1L, ExpectedResult.SKIPPED);
    ResultTally tally = new ResultTally(planned);
    tally.add(1L, TaskResult.of(SwitchStatus.SKIPPED), null);
    assertFalse(tally.add(77L, TaskResult.of(SwitchStatus.SWITCHED), 5L));
    tally.unreadable();
    DemoReport report =
        new DemoReport(
            1, Map.of(ExpectedResult.SKIPPED, 1), tally.results(false), null, Duration.ZERO);

    assertTrue(report.succeeded());
    assertEquals(0, report.results().latencyCount(), "another task's latency is not ours");
    assertTrue(
        report
            .summary()
            .contains("ignored: 1 results of tasks outside this run, 1 unreadable records"),
        report.summary());
  }

  @Test
  void throughTheIngressTheReportGivesItsAnswerTimes() throws Exception {
    Map<Long, ExpectedResult> planned = plan();
    long[] micros = new long[100];
    for (int i = 0; i < 100; i++) {
      micros[i] = (i + 1) * 100L; // 0.1 ms to 10 ms
    }
    DemoReport report = new DemoReport(42, counts(planned), allAsPlanned(planned).results(false), 3L,
        Duration.ofSeconds(2), IngressRoundTrips.ofMicros(micros), 5L);
    JsonNode json = new ObjectMapper().readTree(report.jsonLine());
    assertEquals(5.0, json.get("ingress_p50_ms").asDouble());
    assertEquals(9.9, json.get("ingress_p99_ms").asDouble());
    assertTrue(report.summary().contains("webhook ingress answered 100 POSTs: p50 5.0 ms, p99 9.9 ms"),
        report.summary());
    assertEquals(5, json.get("ingress_own_p99_within_ms").asInt());
    assertTrue(report.summary().contains("99 % of them within 5 ms of the ingress's own time"), report.summary());

    JsonNode direct = new ObjectMapper().readTree(report(allAsPlanned(planned), 3L).jsonLine());
    assertFalse(direct.has("ingress_p99_ms"), "no ingress figures when the events went straight to Kafka");
  }
}
