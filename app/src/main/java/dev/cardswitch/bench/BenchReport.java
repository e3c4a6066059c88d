package dev.cardswitch.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The end of a benchmark: a short human summary, then one JSON line whose first keys are, in this
 * order, those of {@link #JSON_KEYS} ({@link #BASELINE_KEYS} follow with {@code --baseline}), then
 * the settings and further detail. Latencies are in milliseconds, memory in MiB; a figure that
 * could not be measured is null. Immutable; thread-safe.
 */
public final class BenchReport {

  /** The keys the JSON line starts with, in order. */
  public static final List<String> JSON_KEYS = List.of(
      "events", "switches_per_s", "p50_card_ms", "p95_card_ms", "p99_card_ms", "p50_outcome_ms", "p95_outcome_ms",
      "p99_outcome_ms", "cpu_ms_per_switch", "heap_peak_mb", "rss_peak_mb", "deadline_misses", "missing",
      "duplicates", "latency_ms");

  /** With {@code --baseline}, right after {@link #JSON_KEYS}. */
  public static final List<String> BASELINE_KEYS = List.of(
      "baseline_switches_per_s", "ratio", "baseline_p99_card_ms", "baseline_deadline_misses", "baseline_missing",
      "baseline_duplicates");

  /** The settings and the detail, after the figures. */
  public static final List<String> SETTING_KEYS = List.of(
      "jitter", "rate", "verify_share", "instances", "partitions", "threads", "processing_guarantee", "max_in_flight",
      "crypto_provider", "warmup", "warmup_until_settled", "warmup_jit_share", "cards", "switched", "cpu_ms_per_event",
      "cpu_ms_per_switch_without_jit", "jit_cpu_ms", "gc_cpu_ms",
      "deadline_misses_counted", "other_results", "knot_calls", "jwe_verified", "p50_sent_ms", "p99_sent_ms",
      "stack_cpu_ms_per_switch", "thread_cpu_ms_per_switch",
      "throughput_span_ms", "span_ms", "cpu_source", "heap_max_mb", "rss_since", "kafka", "knot", "elapsed_ms");

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Below this many completions in the measured span, the throughput is flagged as imprecise. */
  static final int FEW_COMPLETIONS = 50;

  private final BenchSettings settings;
  private final BenchEnvironment environment;
  private final Warmup.Done warmedUp;
  private final RunFigures main;
  private final RunFigures baseline;
  private final Duration elapsed;

  /**
   * @param warmedUp what the warm-up before {@code main} did
   * @param baseline the naive baseline's figures, null when it did not run
   */
  public BenchReport(BenchSettings settings, BenchEnvironment environment, Warmup.Done warmedUp, RunFigures main,
      RunFigures baseline, Duration elapsed) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.environment = Objects.requireNonNull(environment, "environment");
    this.warmedUp = Objects.requireNonNull(warmedUp, "warmedUp");
    this.main = Objects.requireNonNull(main, "main");
    this.baseline = baseline;
    this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
  }

  public RunFigures main() {
    return main;
  }

  /** Null without {@code --baseline}. */
  public RunFigures baseline() {
    return baseline;
  }

  /** card-switch's sustained throughput over the baseline's; null without both. */
  public Double ratio() {
    if (baseline == null || main.switchesPerSecond() == null || baseline.switchesPerSecond() == null) {
      return null;
    }
    return main.switchesPerSecond() / baseline.switchesPerSecond();
  }

  /** Every measured task of every run ended exactly once, as a switch or a deadline miss. */
  public boolean succeeded() {
    return main.accountedFor() && (baseline == null || baseline.accountedFor());
  }

  /** The command's exit status: 0 when {@link #succeeded()}, else 1. */
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
    json.put("events", main.events());
    json.put("switches_per_s", round(main.switchesPerSecond(), 1));
    json.put("p50_card_ms", main.card().percentile(50));
    json.put("p95_card_ms", main.card().percentile(95));
    json.put("p99_card_ms", main.card().percentile(99));
    json.put("p50_outcome_ms", main.outcome().percentile(50));
    json.put("p95_outcome_ms", main.outcome().percentile(95));
    json.put("p99_outcome_ms", main.outcome().percentile(99));
    json.put("cpu_ms_per_switch", round(main.cpuMillisPerSwitch(), 3));
    json.put("heap_peak_mb", round(main.heapPeakMib(), 1));
    json.put("rss_peak_mb", round(main.rssPeakMib(), 1));
    json.put("deadline_misses", main.deadlineMisses());
    json.put("missing", main.results().missing());
    json.put("duplicates", main.results().duplicates());
    json.put("latency_ms", environment.sandbox() ? (Long) settings.latency().toMillis() : null);
    if (baseline != null) {
      json.put("baseline_switches_per_s", round(baseline.switchesPerSecond(), 1));
      json.put("ratio", round(ratio(), 1));
      json.put("baseline_p99_card_ms", baseline.card().percentile(99));
      json.put("baseline_deadline_misses", baseline.deadlineMisses());
      json.put("baseline_missing", baseline.results().missing());
      json.put("baseline_duplicates", baseline.results().duplicates());
    }
    json.put("jitter", environment.sandbox() ? settings.jitter() : null);
    json.put("rate", settings.rate());
    json.put("verify_share", environment.sandbox() ? settings.verifyShare() : null);
    putShape(json, settings, environment, warmedUp);
    json.put("cards", settings.cards());
    json.put("switched", main.switched());
    json.put("cpu_ms_per_event", round(main.cpu() == null ? null : main.cpu().toNanos() / 1e6 / main.events(), 3));
    json.put("cpu_ms_per_switch_without_jit", round(main.cpuMillisPerSwitchWithoutJit(), 3));
    json.put("jit_cpu_ms", main.jitCpu() == null ? null : (Long) main.jitCpu().toMillis());
    json.put("gc_cpu_ms", main.gcCpu() == null ? null : (Long) main.gcCpu().toMillis());
    json.put("deadline_misses_counted", main.deadlineMissesCounted());
    json.put("other_results", main.otherResults());
    json.put("knot_calls", main.knotCalls());
    json.put("jwe_verified", main.jweVerified());
    json.put("p50_sent_ms", main.sent().percentile(50));
    json.put("p99_sent_ms", main.sent().percentile(99));
    json.put("stack_cpu_ms_per_switch", round(main.stackCpuMillisPerSwitch(), 3));
    ObjectNode threads = json.putObject("thread_cpu_ms_per_switch");
    main.threadCpuMillisPerSwitch().forEach((group, ms) -> threads.put(group, round(ms, 3)));
    json.put("throughput_span_ms", main.throughput().known() ? (Long) main.throughput().spanMillis() : null);
    json.put("span_ms", main.span().toMillis());
    json.put("cpu_source", main.cpu() == null ? null : main.cpuFromProc() ? "proc" : "jvm");
    json.put("heap_max_mb", round(main.heapMaxMib(), 0));
    json.put("rss_since", main.rssPeakKib() == null ? null : main.rssPeakSinceSpan() ? "span" : "start");
    json.put("kafka", environment.kafka());
    json.put("knot", environment.knot());
    json.put("elapsed_ms", elapsed.toMillis());
    try {
      return JSON.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of numbers and names always serialises", e);
    }
  }

  /**
   * The keys both JSON lines, a run's and a sweep's, give about how the services ran: instances,
   * partitions, stream threads, processing guarantee, calls in flight, crypto provider and the warm-up.
   */
  static void putShape(ObjectNode json, BenchSettings settings, BenchEnvironment environment, Warmup.Done warmedUp) {
    json.put("instances", settings.instances());
    json.put("partitions", environment.partitions());
    json.put("threads", environment.threads());
    json.put("processing_guarantee", environment.processingGuarantee());
    json.put("max_in_flight", environment.maxInFlight());
    json.put("crypto_provider", environment.cryptoProvider());
    json.put("warmup", warmedUp.events());
    json.put("warmup_until_settled", warmedUp.warmup().untilSettled());
    json.put("warmup_jit_share", warmedUp.lastJitShare().isPresent() ? round(warmedUp.lastJitShare().getAsDouble(), 3)
        : null);
  }

  /** A figure rounded for the JSON line; null when unknown or not a number. */
  static BigDecimal round(Double value, int decimals) {
    if (value == null || value.isNaN() || value.isInfinite()) {
      return null;
    }
    return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP);
  }

  /** The human summary, a few lines, each ending with a line break. */
  public String summary() {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "Bench: %d events (after %s), %s, Knot %s", main.events(),
        warmedUp.describe(),
        settings.rate() > 0 ? settings.rate() + " events/s offered" : "offered as fast as possible",
        environment.sandbox()
            ? String.format(Locale.ROOT, "sandbox at %d ms ± %.0f %% (verifies %s of the JWEs)",
                settings.latency().toMillis(), settings.jitter() * 100, percent(settings.verifyShare()))
            : environment.knot()));
    lines.add(String.format(Locale.ROOT, "  %d instance(s) × %d stream thread(s), %d partitions, %s, %d calls in flight"
            + " per instance at most, card crypto by %s; took %.1f s in all", settings.instances(), environment.threads(),
        environment.partitions(), environment.processingGuarantee(), environment.maxInFlight(),
        environment.cryptoProvider(), elapsed.toMillis() / 1000.0));
    lines.addAll(runLines(main));
    lines.add(String.format(Locale.ROOT, "  service CPU    %s", cpuLine(main)));
    if (!main.threadCpu().isEmpty() && main.switched() > 0) {
      lines.add("                 by Java thread: " + main.threadCpu().entrySet().stream()
          .map(e -> String.format(Locale.ROOT, "%s %.3f", e.getKey(), e.getValue().toNanos() / 1e6 / main.switched()))
          .collect(Collectors.joining(", ")) + " ms per switch");
    }
    if (main.stackCpuMillisPerSwitch() != null) {
      lines.add(String.format(Locale.ROOT, "  bench's JVM    %.3f ms of CPU per switch (embedded broker, registry and"
          + " sandbox, and the bench's producer and consumer: they share the machine with the service)",
          main.stackCpuMillisPerSwitch()));
    }
    lines.add(String.format(Locale.ROOT, "  service memory %sheap peak %.0f MiB (heap max %.0f MiB), RSS peak %s",
        settings.instances() > 1 ? "(the largest instance) " : "",
        main.heapPeakMib(), main.heapMaxMib(), main.rssPeakMib() == null ? "unknown"
            : String.format(Locale.ROOT, "%.0f MiB (%s)", main.rssPeakMib(),
                main.rssPeakSinceSpan() ? "over the measured span" : "since the process started")));
    if (main.knotCalls() != null) {
      lines.add(String.format(Locale.ROOT, "  Knot sandbox   accepted %d POST /card; decrypted %d JWEs, checked %d for"
          + " shape only", main.knotCalls(), main.jweVerified(), main.jweNotVerified()));
    }
    if (baseline != null) {
      lines.addAll(runLines(baseline));
      if (!baseline.blockingConfirmed()) {
        lines.add("  WARNING: the baseline's services did not report KNOT_BLOCKING_BASELINE: the service in use does"
            + " not read it yet, so this baseline is card-switch itself");
      }
      Double ratio = ratio();
      lines.add(ratio == null ? "  ratio: unknown (too few switches in one of the runs)"
          : String.format(Locale.ROOT, "  card-switch sustains %.1f× the baseline's throughput", ratio));
    }
    lines.add(verdict());
    return lines.stream().map(line -> line + System.lineSeparator()).collect(Collectors.joining());
  }

  private List<String> runLines(RunFigures run) {
    List<String> lines = new ArrayList<>();
    lines.add(run.label().equals("baseline")
        ? "baseline (the same topology, POST /card blocking the stream thread):"
        : run.label() + ":");
    lines.add(String.format(Locale.ROOT, "  switched       %d of %d; deadline misses %d (services counted %d); missing"
            + " %d, duplicates %d, other results %d", run.switched(), run.events(), run.deadlineMisses(),
        run.deadlineMissesCounted(), run.results().missing(), run.results().duplicates(), run.otherResults()));
    SustainedThroughput t = run.throughput();
    lines.add(t.known()
        ? String.format(Locale.ROOT, "  throughput     %.1f switches/s sustained (%d completions between the %dth and"
                + " %dth percentile of completion time, %.2f s apart%s)", t.perSecond(), t.counted(),
            SustainedThroughput.LOW_PERCENTILE, SustainedThroughput.HIGH_PERCENTILE, t.spanMillis() / 1000.0,
            t.counted() < FEW_COMPLETIONS ? "; too few to be precise" : "")
        : "  throughput     unknown (fewer than two distinct completion times)");
    lines.add("  receipt → /card sent       " + percentiles(run.sent()) + " (last_attempt_at − received_at)");
    lines.add("  receipt → /card answered   " + percentiles(run.card()) + " (completed_at − received_at)");
    lines.add("  receipt → outcome visible  " + percentiles(run.outcome()) + " (read_committed consumer)");
    return lines;
  }

  private String cpuLine(RunFigures run) {
    if (run.cpu() == null || run.cpuMillisPerSwitch() == null) {
      return "unknown";
    }
    String line = String.format(Locale.ROOT, "%.3f ms per switch (%.2f s over the measured span%s, %s)",
        run.cpuMillisPerSwitch(), run.cpu().toMillis() / 1000.0,
        settings.instances() > 1 ? " in " + settings.instances() + " processes" : "",
        run.cpuFromProc() ? "utime + stime in /proc/<pid>/stat" : "the JVM's process CPU time");
    if (run.jitCpu() == null) {
      return line;
    }
    return line + String.format(Locale.ROOT, "%n                 of which JIT compiler threads %.2f s and GC threads %.2f s:"
        + " %.3f ms per switch without the JIT", run.jitCpu().toMillis() / 1000.0, run.gcCpu().toMillis() / 1000.0,
        run.cpuMillisPerSwitchWithoutJit());
  }

  private static String percentiles(LatencyDistribution d) {
    if (d.count() == 0) {
      return "no switch measured";
    }
    return String.format(Locale.ROOT, "p50 %d ms, p95 %d ms, p99 %d ms, max %d ms", d.percentile(50),
        d.percentile(95), d.percentile(99), d.max());
  }

  private static String percent(double share) {
    return BigDecimal.valueOf(share * 100).stripTrailingZeros().toPlainString() + " %";
  }

  private String verdict() {
    if (succeeded()) {
      return "OK: every measured event ended exactly once (switched, or dead-lettered for its deadline)";
    }
    List<String> problems = new ArrayList<>();
    for (RunFigures run : baseline == null ? List.of(main) : List.of(main, baseline)) {
      if (!run.accountedFor()) {
        problems.add(String.format(Locale.ROOT, "%s: %d missing, %d duplicates, %d other results%s", run.label(),
            run.results().missing(), run.results().duplicates(), run.otherResults(),
            otherSample(run)));
      }
    }
    StringBuilder failed = new StringBuilder("FAILED: " + String.join("; ", problems));
    for (RunFigures run : baseline == null ? List.of(main) : List.of(main, baseline)) {
      for (String sample : run.otherSamples()) {
        failed.append(System.lineSeparator()).append("  ").append(run.label()).append(", ").append(sample);
      }
    }
    return failed.toString();
  }

  private static String otherSample(RunFigures run) {
    List<String> sample = run.results().unexpectedSample().stream()
        .filter(s -> !s.endsWith(dev.cardswitch.schemas.DeadLetterReason.DEADLINE_EXCEEDED.name()))
        .toList();
    return sample.isEmpty() ? "" : " (" + String.join("; ", sample) + ")";
  }

  @Override
  public String toString() {
    return jsonLine();
  }
}
