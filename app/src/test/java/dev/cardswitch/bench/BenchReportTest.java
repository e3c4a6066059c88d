package dev.cardswitch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cardswitch.demo.CollectedResults;
import dev.cardswitch.demo.Tallies;
import dev.cardswitch.demo.TaskResult;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.SwitchStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class BenchReportTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long T0 = 1_790_000_000_000L;
  private static final BenchSettings SETTINGS = BenchSettings.builder().events(10).warmup(5).build();
  private static final Warmup.Done WARMED_UP = Warmup.Done.fixed(5);
  private static final BenchEnvironment SANDBOX =
      new BenchEnvironment(6, 2, "exactly_once_v2", 2048, "embedded", "sandbox", "corretto");
  private static final TaskResult SWITCHED = TaskResult.of(SwitchStatus.SWITCHED);
  private static final TaskResult DEADLINE = TaskResult.of(DeadLetterReason.DEADLINE_EXCEEDED);

  /** Ten tasks switched at {@code perSecond}; latencies 210..300 ms; 2 s of CPU; 300 MiB heap peak. */
  private static RunFigures run(String label, double perSecond, CollectedResults results, boolean confirmed) {
    long[] completions = LongStream.range(0, 10).map(i -> T0 + Math.round(i * 1000 / perSecond)).toArray();
    long[] card = LongStream.rangeClosed(1, 10).map(i -> 200 + i * 10).toArray();
    long[] outcome = LongStream.rangeClosed(1, 10).map(i -> 300 + i * 10).toArray();
    return new RunFigures(label, results, SustainedThroughput.of(completions), LatencyDistribution.of(card),
        LatencyDistribution.of(LongStream.of(card).map(ms -> ms - 100).toArray()), LatencyDistribution.of(outcome),
        Duration.ofSeconds(2), true, Duration.ofMillis(500), Duration.ofMillis(100),
        300L * 1024 * 1024, 6144L * 1024 * 1024,
        400L * 1024, true, 0, 10L, 1L, 9L, Duration.ofSeconds(3), confirmed,
        List.of("task 9: KNOT_REJECTED, HTTP 400 INVALID_FIELD, 1 attempt(s): Knot rejected the card for good"),
        Duration.ofSeconds(1), Map.of("stream", Duration.ofMillis(1200)));
  }

  private static CollectedResults allSwitched() {
    List<Map.Entry<Long, TaskResult>> read = new ArrayList<>();
    for (long task = 1; task <= 10; task++) {
      read.add(Map.entry(task, SWITCHED));
    }
    return Tallies.switches(10, read);
  }

  private static List<String> keys(JsonNode json) {
    List<String> keys = new ArrayList<>();
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      keys.add(names.next());
    }
    return keys;
  }

  @Test
  void theJsonLineHasTheIssuesKeysFirstThenTheSettings() throws Exception {
    BenchReport report = new BenchReport(SETTINGS, SANDBOX, WARMED_UP,
        run("card-switch", 100, allSwitched(), false), null,
        Duration.ofSeconds(30));

    JsonNode json = JSON.readTree(report.jsonLine());

    List<String> expected = new ArrayList<>(BenchReport.JSON_KEYS);
    expected.addAll(BenchReport.SETTING_KEYS);
    assertEquals(expected, keys(json));
    assertEquals(10, json.get("events").asInt());
    assertEquals(100.0, json.get("switches_per_s").asDouble());
    assertEquals(250, json.get("p50_card_ms").asLong());
    assertEquals(300, json.get("p99_card_ms").asLong());
    assertEquals(400, json.get("p99_outcome_ms").asLong());
    assertEquals(200.0, json.get("cpu_ms_per_switch").asDouble(), "2 s of CPU for 10 switches");
    assertEquals(200.0, json.get("cpu_ms_per_event").asDouble(), "2 s of CPU for 10 events");
    assertEquals(150.0, json.get("cpu_ms_per_switch_without_jit").asDouble(), "0.5 s of it compiling");
    assertEquals(500, json.get("jit_cpu_ms").asLong());
    assertEquals(100, json.get("gc_cpu_ms").asLong());
    assertEquals(300.0, json.get("heap_peak_mb").asDouble());
    assertEquals(400.0, json.get("rss_peak_mb").asDouble());
    assertEquals(200, json.get("latency_ms").asLong());
    assertEquals(0.2, json.get("jitter").asDouble());
    assertEquals(0.01, json.get("verify_share").asDouble());
    assertEquals(6, json.get("partitions").asInt());
    assertEquals(2, json.get("threads").asInt());
    assertEquals("corretto", json.get("crypto_provider").asText());
    assertTrue(report.summary().contains("calls in flight per instance at most, card crypto by corretto;"),
        report.summary());
    assertEquals(0, json.get("missing").asLong());
    assertEquals(0, report.exitCode());
  }

  @Test
  void theBaselineAddsItsThroughputAndTheRatio() throws Exception {
    BenchReport report = new BenchReport(SETTINGS, SANDBOX, WARMED_UP, run("card-switch", 1000, allSwitched(), false),
        run("baseline", 10, allSwitched(), true), Duration.ofSeconds(60));

    JsonNode json = JSON.readTree(report.jsonLine());

    List<String> expected = new ArrayList<>(BenchReport.JSON_KEYS);
    expected.addAll(BenchReport.BASELINE_KEYS);
    expected.addAll(BenchReport.SETTING_KEYS);
    assertEquals(expected, keys(json));
    assertEquals(10.0, json.get("baseline_switches_per_s").asDouble());
    assertEquals(100.0, json.get("ratio").asDouble());
    assertTrue(report.summary().contains("100.0× the baseline"), report.summary());
    assertTrue(report.summary().contains("8 completions between the 10th and 90th percentile of completion time,"
        + " 0.80 s apart; too few to be precise"), report.summary());
    assertFalse(report.summary().contains("WARNING"), report.summary());
  }

  @Test
  void aBaselineTheServiceDidNotApplyIsFlagged() {
    BenchReport report = new BenchReport(SETTINGS, SANDBOX, WARMED_UP, run("card-switch", 1000, allSwitched(), false),
        run("baseline", 900, allSwitched(), false), Duration.ofSeconds(60));

    assertTrue(report.summary().contains("WARNING: the baseline's services did not report KNOT_BLOCKING_BASELINE"),
        report.summary());
  }

  @Test
  void deadlineMissesAreFiguresNotFailures() throws Exception {
    List<Map.Entry<Long, TaskResult>> read = new ArrayList<>();
    for (long task = 1; task <= 10; task++) {
      read.add(Map.entry(task, task <= 7 ? SWITCHED : DEADLINE));
    }
    BenchReport report = new BenchReport(SETTINGS, SANDBOX, WARMED_UP,
        run("card-switch", 100, Tallies.switches(10, read), false),
        null, Duration.ofSeconds(30));

    JsonNode json = JSON.readTree(report.jsonLine());

    assertEquals(3, json.get("deadline_misses").asLong());
    assertEquals(0, json.get("other_results").asLong());
    assertEquals(0, report.exitCode());
  }

  @Test
  void aMissingOrDuplicatedOrWrongResultFailsTheRun() throws Exception {
    List<Map.Entry<Long, TaskResult>> read = new ArrayList<>();
    for (long task = 1; task <= 8; task++) {
      read.add(Map.entry(task, SWITCHED));
    }
    read.add(Map.entry(8L, SWITCHED));
    read.add(Map.entry(9L, TaskResult.of(DeadLetterReason.KNOT_REJECTED)));
    BenchReport report = new BenchReport(SETTINGS, SANDBOX, WARMED_UP,
        run("card-switch", 100, Tallies.switches(10, read), false),
        null, Duration.ofSeconds(30));

    JsonNode json = JSON.readTree(report.jsonLine());

    assertEquals(1, json.get("missing").asLong());
    assertEquals(1, json.get("duplicates").asLong());
    assertEquals(1, json.get("other_results").asLong());
    assertEquals(1, report.exitCode());
    assertTrue(report.summary().contains("FAILED: card-switch: 1 missing, 1 duplicates, 1 other results"
        + " (task 9: expected SWITCHED, got dead letter KNOT_REJECTED)"), report.summary());
    assertTrue(report.summary().contains("  card-switch, task 9: KNOT_REJECTED, HTTP 400 INVALID_FIELD, 1 attempt(s):"
        + " Knot rejected the card for good"), "the dead letters explain the failure: " + report.summary());
  }

  @Test
  void figuresThatCouldNotBeMeasuredAreNull() throws Exception {
    BenchEnvironment realKnot =
        new BenchEnvironment(6, 2, "exactly_once_v2", 256, "broker:9092", "https://development.knotapi.com",
        "bouncycastle");
    RunFigures unknown = new RunFigures("card-switch", allSwitched(), SustainedThroughput.of(new long[] {T0}),
        LatencyDistribution.empty(), LatencyDistribution.empty(), LatencyDistribution.empty(), null, false, null, null, 0, 0, null, false, 0, null, null,
        null, Duration.ofSeconds(1), false, List.of(), null, Map.of());
    BenchReport report = new BenchReport(SETTINGS, realKnot, WARMED_UP, unknown, null, Duration.ofSeconds(5));

    JsonNode json = JSON.readTree(report.jsonLine());

    for (String key : List.of("switches_per_s", "p50_card_ms", "p99_outcome_ms", "cpu_ms_per_switch", "jit_cpu_ms",
        "cpu_ms_per_switch_without_jit", "rss_peak_mb",
        "latency_ms", "jitter", "verify_share", "knot_calls", "cpu_source", "rss_since")) {
      assertTrue(json.get(key).isNull(), key + " in " + json);
    }
    assertEquals("https://development.knotapi.com", json.get("knot").asText());
  }

  @Test
  void printEndsWithTheJsonLine() {
    BenchReport report = new BenchReport(SETTINGS, SANDBOX, WARMED_UP,
        run("card-switch", 100, allSwitched(), false), null,
        Duration.ofSeconds(30));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(report.jsonLine(), lines.get(lines.size() - 1));
    assertTrue(lines.get(lines.size() - 2).startsWith("OK: every measured event ended exactly once"), lines.toString());
  }

  @Test
  void aWarmUpUntilTheJitSettledIsReportedWithItsEventsAndTheJitsLastShare() throws Exception {
    Warmup auto = Warmup.auto();
    BenchSettings settings = BenchSettings.builder().events(10).warmup(auto).build();
    BenchReport report = new BenchReport(settings, SANDBOX, new Warmup.Done(auto, 70_000, OptionalDouble.of(0.0612),
        true), run("card-switch", 100, allSwitched(), false), null, Duration.ofSeconds(30));

    JsonNode json = JSON.readTree(report.jsonLine());

    assertEquals(70_000, json.get("warmup").asInt(), "the events played, not the most it could have");
    assertTrue(json.get("warmup_until_settled").asBoolean());
    assertEquals(0.061, json.get("warmup_jit_share").asDouble());
    assertTrue(report.summary().contains("after 70000 warm-up events, until the JIT settled (its compilers at most"
        + " 6 % of the service's CPU in each of the last 2 chunks of 10000)"), report.summary());
  }

  @Test
  void aWarmUpThatEndedBeforeTheJitSettledSaysTheFiguresIncludeItsWork() throws Exception {
    Warmup auto = Warmup.auto();
    BenchReport report = new BenchReport(BenchSettings.builder().events(10).warmup(auto).build(), SANDBOX,
        new Warmup.Done(auto, Warmup.AUTO_MAX_EVENTS, OptionalDouble.of(0.2), false),
        run("card-switch", 100, allSwitched(), false), null, Duration.ofSeconds(30));

    JsonNode json = JSON.readTree(report.jsonLine());

    assertEquals(Warmup.AUTO_MAX_EVENTS, json.get("warmup").asInt());
    assertEquals(0.2, json.get("warmup_jit_share").asDouble());
    assertTrue(report.summary().contains("the JIT had NOT settled (its compilers still 20 % of the service's CPU):"
        + " the figures include its work"), report.summary());
  }

  @Test
  void aFixedWarmUpHasNoJitShare() throws Exception {
    JsonNode json = JSON.readTree(new BenchReport(SETTINGS, SANDBOX, WARMED_UP,
        run("card-switch", 100, allSwitched(), false), null, Duration.ofSeconds(30)).jsonLine());

    assertEquals(5, json.get("warmup").asInt());
    assertFalse(json.get("warmup_until_settled").asBoolean());
    assertTrue(json.get("warmup_jit_share").isNull(), json.toString());
  }
}
