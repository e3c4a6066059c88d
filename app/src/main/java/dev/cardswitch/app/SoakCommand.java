package dev.cardswitch.app;

import dev.cardswitch.CardSwitchException;
import dev.cardswitch.soak.ReliabilityReport;
import dev.cardswitch.soak.Scale;
import dev.cardswitch.soak.ScenarioResult;
import dev.cardswitch.soak.ScenarioRun;
import dev.cardswitch.soak.Scenarios;
import dev.cardswitch.soak.SoakStack;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code card-switch soak}: the fault runs of the tests ({@code KnotFaultsTest}, {@code
 * ProcessFaultsTest}), longer: thousands of events per fault, Knot's 30-second outage, 20 SIGKILLs.
 * card-switch runs as separate processes against an embedded broker, registry and Knot sandbox in
 * this process. Prints one row per fault, a short summary and one JSON line, and with {@code
 * --report} writes {@code docs/RELIABILITY.md}. Exit status 0 only if every run kept every
 * invariant.
 *
 * <p>Not thread-safe: picocli makes one instance per run.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = {
      "Run card-switch through faults for a long while and report what was lost",
      "(nothing, we hope): Knot's 5xx bursts, a 30-second outage, slow answers,",
      "429 storms, a key rotation, revoked credentials and a cross-origin redirect;",
      "a broker restart, 20 SIGKILLs and a rebalance. About 20 minutes.",
      "Rows like docs/RELIABILITY.md's, a summary and one JSON line."
    })
public final class SoakCommand implements Callable<Integer> {

  @Option(names = "--scale", description = "soak (default: long runs) or ci (the tests' short runs).")
  String scale = "soak";

  @Option(names = "--seed", description = "Seed of the cards, the mix and the kill points (default: from the clock).")
  Long seed;

  @Option(names = "--only", description = "Run only the faults whose name contains this (repeatable).")
  List<String> only = new ArrayList<>();

  @Option(names = "--dir", description = "Work folder for the broker's data and the instances' logs"
      + " (default: a new temporary folder, deleted at the end if every run passed).")
  Path dir;

  @Option(names = "--report", description = "Write the reliability document here, e.g. docs/RELIABILITY.md.")
  Path report;

  @Option(names = "--note", description = "A sentence for the document about the conditions, e.g. that other"
      + " jobs shared the machine (the load average is recorded anyway).")
  String note = "";

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    PrintStream err = System.err;
    Scale s = switch (scale.toLowerCase(Locale.ROOT)) {
      case "soak" -> Scale.SOAK;
      case "ci" -> Scale.CI;
      default -> null;
    };
    if (s == null) {
      err.println("card-switch: --scale is \"" + scale + "\": use soak or ci");
      return 2;
    }
    long runSeed = seed != null ? seed : System.currentTimeMillis() % 1_000_000;
    List<ScenarioRun> runs = Scenarios.all(s, runSeed).stream()
        .filter(r -> only.isEmpty() || only.stream().anyMatch(o -> r.fault().toLowerCase(Locale.ROOT)
            .contains(o.toLowerCase(Locale.ROOT))))
        .toList();
    if (runs.isEmpty()) {
      err.println("card-switch: no fault matches --only " + only + ": the faults are "
          + Scenarios.all(s, runSeed).stream().map(ScenarioRun::fault).toList());
      return 2;
    }
    boolean temporary = dir == null;
    Path work = temporary ? Files.createTempDirectory("card-switch-soak-") : Files.createDirectories(dir);
    String command = "./card-switch soak" + (s == Scale.SOAK ? "" : " --scale " + s.name()) + " --seed " + runSeed
        + (only.isEmpty() ? "" : only.stream().map(o -> " --only '" + o + "'").reduce("", String::concat))
        + (report == null ? "" : " --report " + report);
    err.println("Soak (" + s.name() + ", seed " + runSeed + "): " + runs.size() + " runs; broker data and instance"
        + " logs in " + work);
    Instant started = Instant.now();
    MachineLoad load = MachineLoad.start();
    ReliabilityReport results = new ReliabilityReport();
    try (SoakStack stack = SoakStack.start(work, s.serviceSettings(), runSeed)) {
      int i = 0;
      for (ScenarioRun run : runs) {
        err.println("run " + ++i + "/" + runs.size() + ": " + run.fault() + " (" + run.events() + " events)");
        ScenarioResult result = run.run(stack, err);
        err.print(result.describe());
        results.add(result);
      }
    } catch (CardSwitchException e) {
      err.println("card-switch: the soak could not go on: " + e.getMessage());
      err.println("the logs are in " + work);
      return 1;
    }
    Duration took = Duration.between(started, Instant.now());
    String conditions = load.stop() + (note.isBlank() ? "" : " " + note.strip());
    out.println();
    out.print(results.table());
    out.println();
    out.println(results.summary());
    out.println(results.jsonLine());
    if (report != null) {
      String date = LocalDate.now(ZoneOffset.UTC).toString();
      Files.createDirectories(report.toAbsolutePath().getParent());
      Files.writeString(report, results.document(command, machine(), date, took, conditions), StandardCharsets.UTF_8);
      err.println("wrote " + report);
    }
    if (results.passed() && temporary) {
      deleteRecursively(work);
    } else {
      err.println("the broker's data and the instances' logs stay in " + work);
    }
    return results.passed() ? 0 : 1;
  }

  /** "2 vCPU AMD EPYC 7B13, 24 GB, OpenJDK 17.0.15": what the numbers were measured on. */
  static String machine() {
    String cpu = "";
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      cpu = lines.filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> " " + l.substring(l.indexOf(':') + 1).trim()).orElse("");
    } catch (IOException | RuntimeException e) {
      // Not Linux: the count alone.
    }
    long memory = 0;
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      memory = Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024));
    }
    String java = System.getProperty("java.runtime.name", "Java").replace(" Runtime Environment", "") + " "
        + System.getProperty("java.version");
    return Runtime.getRuntime().availableProcessors() + " vCPU" + cpu + (memory > 0 ? ", " + memory + " GB" : "")
        + ", " + java;
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * The 1-minute load average, sampled every 10 s while the soak runs: the soak alone keeps about
   * two cores busy, so a load well above the core count means other work shared the machine and the
   * timings (time to recover, latencies) are inflated. Thread-safe.
   */
  static final class MachineLoad {
    private final java.util.concurrent.ScheduledExecutorService sampler;
    private final List<Double> samples = java.util.Collections.synchronizedList(new ArrayList<>());

    private MachineLoad() {
      sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-load-sampler");
        t.setDaemon(true);
        return t;
      });
    }

    static MachineLoad start() {
      MachineLoad load = new MachineLoad();
      load.sampler.scheduleAtFixedRate(load::sample, 0, 10, java.util.concurrent.TimeUnit.SECONDS);
      return load;
    }

    private void sample() {
      double v = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      if (v >= 0) {
        samples.add(v);
      }
    }

    /** Stops sampling; a sentence for the document. */
    String stop() {
      sampler.shutdownNow();
      List<Double> all = List.copyOf(samples);
      if (all.isEmpty()) {
        return "";
      }
      int cores = Runtime.getRuntime().availableProcessors();
      double mean = all.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      double max = all.stream().mapToDouble(Double::doubleValue).max().orElse(0);
      return String.format(Locale.ROOT, "Load average (1 min) during the soak: mean %.1f, max %.1f on %d cores%s", mean,
          max, cores, mean > cores * 1.5
              ? ": the machine was busier than the soak alone makes it, so times (recovery, latencies) are inflated."
              : ".");
    }
  }
}
