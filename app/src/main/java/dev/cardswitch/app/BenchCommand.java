package dev.cardswitch.app;

import dev.cardswitch.CardSwitchException;
import dev.cardswitch.app.runtime.AppConfig;
import dev.cardswitch.bench.Bench;
import dev.cardswitch.bench.BenchReport;
import dev.cardswitch.bench.BenchSettings;
import dev.cardswitch.bench.Warmup;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code card-switch bench}: measures card-switch's throughput, latencies, CPU time per switch and
 * memory under Knot's latency, with the service in separate processes and the embedded parts (or
 * the configured real ones) beside them; with {@code --baseline}, the naive blocking design too.
 * Exit status 0 only if every measured event ended exactly once.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = {
    "Measure card-switch's throughput, latencies, CPU and memory.",
    "The service runs as separate processes against the embedded broker,",
    "registry and Knot sandbox (or the configured real parts); N valid switches",
    "are offered at a rate; a summary and one JSON line follow: throughput,",
    "latencies, CPU per switch, heap, RSS, deadline misses. --baseline adds the",
    "naive blocking design and the ratio. --sweep runs one step per offered rate",
    "and draws latency versus load as a PNG.",
    "",
    "Examples:",
    "  card-switch bench --events 20000 --latency-ms 200 --baseline",
    "  card-switch bench --rate 500 --events 10000",
    "  card-switch bench --rate 1000 --events 30000 --warmup auto --baseline",
    "  card-switch bench --sweep 200,400,600,800,1000 --events 5000 --plot docs/latency-vs-load.png",
    "  card-switch bench --instances 2 --events 20000"})
public final class BenchCommand implements Callable<Integer> {

  @Option(names = "--events", description = "Measured events (default: ${DEFAULT-VALUE}).")
  int events = BenchSettings.DEFAULT_EVENTS;

  @Option(names = "--rate", description = "Events per second offered; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
  double rate = BenchSettings.DEFAULT_RATE;

  @Option(names = "--latency-ms", description = "Knot sandbox's mean latency of POST /card (default: ${DEFAULT-VALUE}).")
  long latencyMs = BenchSettings.DEFAULT_LATENCY.toMillis();

  @Option(names = "--jitter", description = "Latency drawn uniformly within ± this share of it (default: ${DEFAULT-VALUE}).")
  double jitter = BenchSettings.DEFAULT_JITTER;

  @Option(names = "--verify-share", description = "Share of JWEs the sandbox decrypts and validates (default: ${DEFAULT-VALUE}).")
  double verifyShare = BenchSettings.DEFAULT_VERIFY_SHARE;

  @Option(names = "--instances", description = "Service processes, each its own instance (default: ${DEFAULT-VALUE}).")
  int instances = BenchSettings.DEFAULT_INSTANCES;

  @Option(names = "--baseline", description = "Also run the naive baseline (POST /card blocking the stream thread).")
  boolean baseline;

  @Option(names = "--warmup", paramLabel = "EVENTS|auto", description = {
      "Events played before the measured span, or auto: chunks of 10000 until the service's JIT compilers take"
          + " 10 % of its CPU or less in two chunks in a row, at most 300000 (default: ${DEFAULT-VALUE})."})
  String warmup = Integer.toString(BenchSettings.DEFAULT_WARMUP);

  @Option(names = "--cards", description = "Distinct cards the events reuse (default: ${DEFAULT-VALUE}).")
  int cards = BenchSettings.DEFAULT_CARDS;

  @Option(names = "--java-opts", description = "JVM options of each service process, e.g. \"-Xmx512m\" (default: none).")
  String javaOptions = "";

  @Option(names = "--sweep", split = ",", paramLabel = "RATE",
      description = "Offered rates (events/s) of a load sweep, e.g. 200,400,800: one step of --events events each.")
  List<Double> sweep = new ArrayList<>();

  @Option(names = "--plot", description = "Where a sweep writes its latency-versus-load PNG (default: $DATA_DIR/bench/sweep.png).")
  java.nio.file.Path plot;

  @CommandLine.Unmatched
  List<String> settings = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    AppConfig config;
    BenchSettings bench;
    try {
      config = Bench.configure(System.getenv(), settings);
      bench = BenchSettings.builder().events(events).rate(rate).latency(Duration.ofMillis(latencyMs)).jitter(jitter)
          .verifyShare(verifyShare).instances(instances).baseline(baseline).warmup(Warmup.parse(warmup)).cards(cards)
          .javaOptions(javaOptions.isBlank() ? List.of() : Arrays.asList(javaOptions.trim().split("\\s+")))
          .sweep(sweep).plot(plot)
          .build();
    } catch (CardSwitchException | IllegalArgumentException e) {
      err.println("card-switch: " + e.getMessage());
      return 2;
    }
    try {
      String classPath = System.getProperty("java.class.path");
      if (!bench.sweep().isEmpty()) {
        return Bench.sweep(bench, config, classPath, out, err).exitCode();
      }
      BenchReport report = Bench.run(bench, config, classPath, out, err);
      return report.exitCode();
    } catch (CardSwitchException e) {
      err.println("card-switch: " + e.getMessage());
      return 1;
    }
  }
}
