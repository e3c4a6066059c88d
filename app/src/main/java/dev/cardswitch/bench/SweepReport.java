package dev.cardswitch.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The end of a load sweep: a table with one row per offered rate (achieved throughput, receipt →
 * {@code /card} answered p50 / p95 / p99, receipt → outcome visible p99, deadline misses, missing,
 * duplicates, CPU per switch), one JSON line with the same figures under {@code steps}, and the
 * latency-versus-load plot ({@link LatencyPlot}). Immutable; thread-safe.
 */
public final class SweepReport {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BenchSettings settings;
  private final BenchEnvironment environment;
  private final Warmup.Done warmedUp;
  private final List<RunFigures> steps;
  private final Duration elapsed;
  /** Where {@link #plot} drew the plot, once it has. */
  private Path plotted;

  /**
   * @param warmedUp what the one warm-up before the first step did
   * @param steps one per rate of {@code settings.sweep()}, in the same order
   */
  public SweepReport(BenchSettings settings, BenchEnvironment environment, Warmup.Done warmedUp, List<RunFigures> steps,
      Duration elapsed) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.environment = Objects.requireNonNull(environment, "environment");
    this.warmedUp = Objects.requireNonNull(warmedUp, "warmedUp");
    this.steps = List.copyOf(steps);
    this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
    if (this.steps.size() != settings.sweep().size()) {
      throw new IllegalArgumentException(this.steps.size() + " steps for " + settings.sweep().size() + " rates");
    }
  }

  public List<RunFigures> steps() {
    return steps;
  }

  /** Every measured task of every step ended exactly once, as a switch or a deadline miss. */
  public boolean succeeded() {
    return steps.stream().allMatch(RunFigures::accountedFor);
  }

  public int exitCode() {
    return succeeded() ? 0 : 1;
  }

  /** Prints the table and where the plot is, then the JSON line last. */
  public void print(PrintStream out) {
    out.print(table());
    if (plotted != null) {
      out.println("plot: " + plotted);
    }
    out.println(jsonLine());
    out.flush();
  }

  /** Draws the latency-versus-load plot as a PNG file (parent folders created). */
  public void plot(Path file) {
    List<LatencyPlot.Point> points = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      RunFigures step = steps.get(i);
      points.add(new LatencyPlot.Point(settings.sweep().get(i), step.switchesPerSecond(),
          step.card().percentile(50), step.card().percentile(95), step.card().percentile(99),
          step.outcome().percentile(99), step.deadlineMisses()));
    }
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      // L + 300 ms is drawn only where the bench set L: a real Knot's latency is its own.
      LatencyPlot.write(plotTitle(), environment.sandbox() ? OptionalLong.of(settings.latency().toMillis())
          : OptionalLong.empty(), points, file);
      plotted = file.toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the plot to " + file + ": check the folder is writable", e);
    }
  }

  /** The plot's title: the Knot it ran against, and the services' shape. */
  String plotTitle() {
    String knot = environment.sandbox()
        ? String.format(Locale.ROOT, "Knot sandbox %d ms ± %.0f %%", settings.latency().toMillis(), settings.jitter() * 100)
        : "Knot at " + environment.knot();
    return String.format(Locale.ROOT, "card-switch: latency vs offered load (%s, %d instance(s) × %d stream thread(s), %s)",
        knot, settings.instances(), environment.threads(), environment.processingGuarantee());
  }

  /** The human table, a line per step. */
  public String table() {
    StringBuilder t = new StringBuilder();
    t.append(String.format(Locale.ROOT, "Sweep: %d events per step after %s, Knot %s; %d instance(s) × %d"
            + " stream thread(s), %d partitions, %s, card crypto by %s; took %.1f s%n", settings.events(),
        warmedUp.describe(),
        environment.sandbox() ? "sandbox at " + settings.latency().toMillis() + " ms" : environment.knot(),
        settings.instances(), environment.threads(), environment.partitions(), environment.processingGuarantee(),
        environment.cryptoProvider(), elapsed.toMillis() / 1000.0));
    t.append(String.format(Locale.ROOT, "%10s %12s %10s %8s %8s %8s %12s %9s %8s %6s %10s%n", "offered/s",
        "switches/s", "p99 sent", "p50 ms", "p95 ms", "p99 ms", "p99 out ms", "deadline", "missing", "dups",
        "cpu ms/sw"));
    for (int i = 0; i < steps.size(); i++) {
      RunFigures s = steps.get(i);
      t.append(String.format(Locale.ROOT, "%10.0f %12s %10s %8s %8s %8s %12s %9d %8d %6d %10s%n",
          settings.sweep().get(i),
          s.switchesPerSecond() == null ? "?" : String.format(Locale.ROOT, "%.1f", s.switchesPerSecond()),
          s.sent().percentile(99),
          s.card().percentile(50), s.card().percentile(95), s.card().percentile(99), s.outcome().percentile(99),
          s.deadlineMisses(), s.results().missing(), s.results().duplicates(),
          s.cpuMillisPerSwitchWithoutJit() == null ? "?"
              : String.format(Locale.ROOT, "%.3f", s.cpuMillisPerSwitchWithoutJit())));
    }
    t.append(succeeded() ? "OK: every measured event of every step ended exactly once" + System.lineSeparator()
        : "FAILED: some step has missing, duplicate or unexpected results" + System.lineSeparator());
    return t.toString();
  }

  /** The JSON line, without a line break. */
  public String jsonLine() {
    ObjectNode json = JSON.createObjectNode();
    json.put("events_per_step", settings.events());
    ArrayNode array = json.putArray("steps");
    for (int i = 0; i < steps.size(); i++) {
      RunFigures s = steps.get(i);
      ObjectNode step = array.addObject();
      step.put("rate", settings.sweep().get(i));
      step.put("switches_per_s", round(s.switchesPerSecond(), 1));
      step.put("p50_sent_ms", s.sent().percentile(50));
      step.put("p99_sent_ms", s.sent().percentile(99));
      step.put("p50_card_ms", s.card().percentile(50));
      step.put("p95_card_ms", s.card().percentile(95));
      step.put("p99_card_ms", s.card().percentile(99));
      step.put("p99_outcome_ms", s.outcome().percentile(99));
      step.put("deadline_misses", s.deadlineMisses());
      step.put("missing", s.results().missing());
      step.put("duplicates", s.results().duplicates());
      step.put("other_results", s.otherResults());
      step.put("cpu_ms_per_switch", round(s.cpuMillisPerSwitch(), 3));
      step.put("cpu_ms_per_switch_without_jit", round(s.cpuMillisPerSwitchWithoutJit(), 3));
      step.put("stack_cpu_ms_per_switch", round(s.stackCpuMillisPerSwitch(), 3));
      ObjectNode threads = step.putObject("thread_cpu_ms_per_switch");
      s.threadCpuMillisPerSwitch().forEach((group, ms) -> threads.put(group, round(ms, 3)));
      step.put("heap_peak_mb", round(s.heapPeakMib(), 1));
    }
    json.put("latency_ms", environment.sandbox() ? (Long) settings.latency().toMillis() : null);
    json.put("jitter", environment.sandbox() ? settings.jitter() : null);
    BenchReport.putShape(json, settings, environment, warmedUp);
    json.put("kafka", environment.kafka());
    json.put("knot", environment.knot());
    json.put("elapsed_ms", elapsed.toMillis());
    json.put("plot", plotted == null ? null : plotted.toString());
    try {
      return JSON.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of numbers and names always serialises", e);
    }
  }

  private static BigDecimal round(Double value, int decimals) {
    return BenchReport.round(value, decimals);
  }
}
