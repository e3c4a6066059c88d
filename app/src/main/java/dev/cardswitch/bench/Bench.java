package dev.cardswitch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cardswitch.app.console.ProgressBar;
import dev.cardswitch.app.runtime.AppConfig;
import dev.cardswitch.app.runtime.DevCardKeys;
import dev.cardswitch.app.runtime.EmbeddedStack;
import dev.cardswitch.app.runtime.Settings;
import dev.cardswitch.app.runtime.Topics;
import dev.cardswitch.demo.CollectedResults;
import dev.cardswitch.demo.DemoException;
import dev.cardswitch.demo.DemoProducer;
import dev.cardswitch.demo.PlannedEvent;
import dev.cardswitch.demo.ResultCollector;
import dev.cardswitch.demo.ResultTimes;
import dev.cardswitch.demo.TaskResult;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.knot.client.KnotClientConfig;
import dev.cardswitch.registry.BasicCredentials;
import dev.cardswitch.registry.HttpSchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryClient;
import dev.cardswitch.registry.SchemaRegistryConfig;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.sandbox.SandboxFaults;
import dev.cardswitch.sandbox.SandboxStats;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.SwitchStatus;
import dev.cardswitch.topology.TopologyConfig;
import dev.cardswitch.topology.TopologySerdes;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The benchmark's engine ({@code ./card-switch bench}): starts the embedded parts that are not
 * configured (broker, registry and Knot sandbox, in this JVM), then for each run (card-switch, and
 * with {@code --baseline} the naive blocking design after it) creates fresh topics, starts the
 * service as separate processes ({@link ServiceProcess}) with their own application id, plays the
 * warm-up events and waits for their results ({@link Warmup}: a number of events, or chunks until
 * the services' JIT has settled), then measures: it produces the measured events
 * (each stamped {@code received_at} when produced), reads every result back {@code read_committed},
 * and reads the services' CPU time, heap and resident memory before and after that span. The
 * figures are those of {@link RunFigures}; {@link BenchReport} prints them.
 *
 * <p>Warm-up is excluded from every figure: the CPU time is read, the heap peaks and the peak RSS
 * reset, only once every warm-up result is in; the latencies and the throughput are those of the
 * measured events only. The baseline has no warm-up: its throughput is bound by Knot's latency,
 * not by the JIT.
 *
 * <p>Stateless; {@link #run} runs one benchmark per call.
 */
public final class Bench {

  /** The bench's folder under {@code DATA_DIR}: its broker's data (wiped at each start), states, logs. */
  public static final String FOLDER = "bench";

  static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration READY_POLL = Duration.ofMillis(100);

  private Bench() {}

  /**
   * The configuration of a benchmark: the settings of the environment and flags as for {@code
   * run}, but the embedded parts on free ports and the data in {@code $DATA_DIR/bench}, so a
   * benchmark never meets a demo or a stack that runs beside it. {@code STATE_DIR}, {@code
   * ADMIN_PORT}, {@code APPLICATION_ID}, {@code INSTANCE_ID} and the topic names are the
   * benchmark's to choose, per run and instance.
   *
   * @throws dev.cardswitch.CardSwitchException naming the setting and the fix
   */
  public static AppConfig configure(Map<String, String> env, List<String> flags) {
    Settings given = Settings.of(env, flags, AppConfig.SETTINGS);
    Map<String, String> values = new HashMap<>();
    values.put(AppConfig.KAFKA_PORT, "0");
    values.put(AppConfig.SCHEMA_REGISTRY_PORT, "0");
    values.put(AppConfig.SANDBOX_PORT, "0");
    values.putAll(given.asMap());
    values.put(AppConfig.DATA_DIR,
        Path.of(given.get(AppConfig.DATA_DIR, AppConfig.DEFAULT_DATA_DIR)).resolve(FOLDER).toString());
    values.remove(AppConfig.STATE_DIR);
    return AppConfig.from(Settings.of(values));
  }

  /**
   * Runs the benchmark to its end; progress goes to {@code err}, the report to {@code out}.
   *
   * @param classPath the class path of the service processes (card-switch and its libraries)
   * @throws BenchException if a service process does not start
   * @throws DemoException if the records cannot be produced or the results read
   */
  public static BenchReport run(BenchSettings settings, AppConfig config, String classPath, PrintStream out,
      PrintStream err) throws InterruptedException {
    if (!settings.sweep().isEmpty()) {
      throw new IllegalArgumentException("a sweep runs with Bench.sweep");
    }
    return onStack(settings, config, classPath, err, (run, environment, runTag, started, clock) -> {
      long firstTask = started.toEpochMilli() * 1000;
      List<Double> rate = List.of(settings.rate());
      Measured main = run.measure("card-switch", runTag + "-main", false, settings.warmup(), firstTask, rate);
      RunFigures baseline = settings.baseline()
          ? run.measure("baseline", runTag + "-baseline", true, Warmup.fixed(0),
              firstTask + settings.warmup().events() + settings.events(), rate).steps().get(0)
          : null;
      BenchReport report = new BenchReport(settings, environment, main.warmedUp(), main.steps().get(0), baseline,
          Duration.between(started, clock.instant()));
      report.print(out);
      return report;
    });
  }

  /**
   * Runs a load sweep: one set of service processes, one warm-up, then for each offered rate of
   * {@link BenchSettings#sweep()} its {@code events} events, each step waiting for the last one's
   * results; prints a table and a JSON line and draws the latency-versus-load plot.
   */
  public static SweepReport sweep(BenchSettings settings, AppConfig config, String classPath, PrintStream out,
      PrintStream err) throws InterruptedException {
    if (settings.sweep().isEmpty()) {
      throw new IllegalArgumentException("a sweep needs rates (--sweep)");
    }
    return onStack(settings, config, classPath, err, (run, environment, runTag, started, clock) -> {
      Measured sweep = run.measure("card-switch", runTag + "-sweep", false, settings.warmup(),
          started.toEpochMilli() * 1000, settings.sweep());
      SweepReport report = new SweepReport(settings, environment, sweep.warmedUp(), sweep.steps(),
          Duration.between(started, clock.instant()));
      Path plot = settings.plot() != null ? settings.plot() : config.dataDir().resolve("sweep.png");
      report.plot(plot);
      report.print(out);
      return report;
    });
  }

  /** What a benchmark does once the stack runs and the cards are sealed. */
  private interface OnStack<R> {
    R measure(Run run, BenchEnvironment environment, String runTag, Instant started, Clock clock)
        throws InterruptedException;
  }

  private static <R> R onStack(BenchSettings settings, AppConfig config, String classPath, PrintStream err,
      OnStack<R> body) throws InterruptedException {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(config, "config");
    Clock clock = Clock.systemUTC();
    Instant started = clock.instant();
    wipe(config, err);
    try (EmbeddedStack stack = EmbeddedStack.start(config, b -> b.verifyShare(settings.verifyShare()))) {
      stack.describe().forEach(err::println);
      stack.sandbox().ifPresent(s -> s.faults(SandboxFaults.builder().latency(settings.sandboxLatency()).build()));
      BenchEnvironment environment = new BenchEnvironment(config.topicPartitions(), config.numStreamThreads(),
          config.processingGuarantee(), config.topology().maxInFlight(),
          stack.kafka().isPresent() ? "embedded" : stack.bootstrapServers(),
          stack.sandbox().isPresent() ? "sandbox" : config.settings().get(KnotClientConfig.KNOT_BASE_URL).orElse("?"),
          // The services read the same settings on the same machine, so they make the same choice.
          config.topology().cardCryptoProvider().settingValue());
      err.printf(Locale.ROOT, "Bench: %d events%s after %s, %s; %s%n", settings.events(),
          settings.sweep().isEmpty() ? "" : " per step", settings.warmup().untilSettled()
              ? "a warm-up until the JIT has settled (at most " + settings.warmup().events() + " events)"
              : settings.warmup().events() + " warm-up",
          !settings.sweep().isEmpty() ? "offered at " + settings.sweep() + " events/s in turn"
              : settings.rate() > 0 ? settings.rate() + " events/s" : "as fast as possible",
          environment.sandbox() ? "Knot sandbox latency " + settings.sandboxLatency() + ", verifying "
              + settings.verifyShare() * 100 + " % of JWEs" : "Knot at " + environment.knot());
      String runTag = Long.toString(started.toEpochMilli(), 36);
      JwkSetKeyRing keyRing = DevCardKeys.keyRing(config);
      BenchLoad load = seal(settings, keyRing, runTag, clock, err);
      Run run = new Run(settings, config, stack, load, classPath, clock, err);
      R result = body.measure(run, environment, runTag, started, clock);
      if (stack.kafka().isEmpty()) {
        err.println("bench: the runs' topics stay on " + stack.bootstrapServers() + " (names starting with bench-"
            + runTag + "- and card-switch-bench-" + runTag + "-): delete them when done");
      }
      return result;
    }
  }

  /** A fresh broker for every benchmark: its data, the services' states and logs from an earlier one go. */
  private static void wipe(AppConfig config, PrintStream err) {
    for (Path dir : List.of(config.dataDir().resolve("kafka"), config.dataDir().resolve("state"),
        config.dataDir().resolve("logs"))) {
      if (Files.exists(dir)) {
        err.println("bench: deleting the previous benchmark's " + dir);
        try (Stream<Path> paths = Files.walk(dir)) {
          for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        } catch (IOException e) {
          throw new UncheckedIOException("could not delete " + dir + ": delete it by hand", e);
        }
      }
    }
  }

  private static BenchLoad seal(BenchSettings settings, JwkSetKeyRing keyRing, String runTag, Clock clock,
      PrintStream err) {
    ProgressBar bar = ProgressBar.builder("sealing cards", settings.cards()).out(err).build();
    BenchLoad load = BenchLoad.seal(keyRing.currentPublicKey(), settings.cards(), settings.seed(), runTag, clock,
        (done, total) -> bar.step());
    bar.finish();
    return load;
  }

  /** One run's services, topics and measurement; the stack and the load are shared by the runs. */
  private static final class Run {
    private final BenchSettings settings;
    private final AppConfig config;
    private final EmbeddedStack stack;
    private final BenchLoad load;
    private final String classPath;
    private final Clock clock;
    private final PrintStream err;
    private final TopologySerdes serdes;

    Run(BenchSettings settings, AppConfig config, EmbeddedStack stack, BenchLoad load, String classPath, Clock clock,
        PrintStream err) {
      this.settings = settings;
      this.config = config;
      this.stack = stack;
      this.load = load;
      this.classPath = classPath;
      this.clock = clock;
      this.err = err;
      SchemaRegistryConfig.Builder registry = SchemaRegistryConfig.builder(stack.registryUrl());
      config.schemaRegistryUserInfo().ifPresent(u -> registry.credentials(BasicCredentials.parseUserInfo(u)));
      SchemaRegistryClient client = new HttpSchemaRegistryClient(registry.build());
      this.serdes = TopologySerdes.of(client);
    }

    /** One measured span per rate, after one warm-up, with the same service processes. */
    Measured measure(String label, String tag, boolean blocking, Warmup warmup, long firstTask,
        List<Double> rates) throws InterruptedException {
      TopologyConfig topology = config.topology().toBuilder()
          .webhookTopic("bench-" + tag + "-knot-webhooks")
          .cardReferenceTopic("bench-" + tag + "-card-references")
          .outcomeTopic("bench-" + tag + "-switch-outcomes")
          .deadLetterTopic("bench-" + tag + "-switch-dead-letters")
          .build();
      Topics.ensure(stack.bootstrapServers(), topology, config.topicPartitions(),
          stack.kafka().isPresent() ? 1 : config.topicReplicationFactor());
      List<ServiceProcess> services = new ArrayList<>();
      try {
        for (int i = 1; i <= settings.instances(); i++) {
          services.add(ServiceProcess.start(label + "-" + i, settings.javaOptions(), classPath,
              environment(tag, i, topology, blocking), config.dataDir().resolve("logs").resolve(tag + "-" + i + ".log")));
        }
        awaitReady(services);
        for (ServiceProcess s : services) {
          err.printf(Locale.ROOT, "%s: service %s running (pid %d, admin port %d, log %s)%n", label, s.name(),
              s.pid(), s.adminPort(), s.log());
        }
        return measure(label, topology, services, blocking, warmup, firstTask, rates);
      } finally {
        stop(services);
      }
    }

    private Measured measure(String label, TopologyConfig topology, List<ServiceProcess> services,
        boolean blocking, Warmup warmup, long firstTask, List<Double> rates) throws InterruptedException {
      String bootstrap = stack.bootstrapServers();
      KnotSandbox sandbox = stack.sandbox().orElse(null);
      try (ResultCollector collector = new ResultCollector(bootstrap, Map.of(), serdes, topology, settings.margin(),
              clock);
          DemoProducer producer = new DemoProducer(bootstrap, Map.of(), serdes, topology, clock)) {
        collector.prepare();
        // A sweep warms up at full speed.
        Warmup.Done warmedUp = warmUp(collector, producer, label, services, warmup, firstTask,
            rates.size() == 1 ? rates.get(0) : 0);
        List<RunFigures> figures = new ArrayList<>();
        long nextTask = firstTask + warmedUp.events();
        for (double rate : rates) {
          List<Snapshot> before = new ArrayList<>();
          for (ServiceProcess s : services) {
            before.add(Snapshot.start(s));
          }
          SandboxStats sandboxBefore = sandbox == null ? null : sandbox.stats();
          Optional<Duration> stackBefore = ProcFs.cpuTime(ProcessHandle.current().pid());
          List<PlannedEvent> measured = load.events(nextTask, settings.events(), settings.seed());
          nextTask += settings.events();
          Timings timings = new Timings(measured.size());
          Instant spanStart = clock.instant();
          String step = rates.size() == 1 ? label
              : String.format(Locale.ROOT, "%s at %.0f/s", label, rate);
          CollectedResults results = play(collector, producer, List.of(), measured, step, timings, rate);
          Duration span = Duration.between(spanStart, clock.instant());
          List<Snapshot> after = new ArrayList<>();
          for (ServiceProcess s : services) {
            after.add(Snapshot.end(s));
          }
          Optional<Duration> stackAfter = ProcFs.cpuTime(ProcessHandle.current().pid());
          SandboxStats sandboxAfter = sandbox == null ? null : sandbox.stats();
          Duration stackCpu = stackBefore.isPresent() && stackAfter.isPresent()
              ? stackAfter.get().minus(stackBefore.get()) : null;
          figures.add(figures(label, results, timings, before, after, sandboxBefore, sandboxAfter, span, blocking,
              services, stackCpu));
        }
        return new Measured(warmedUp, figures);
      }
    }

    /**
     * Plays the warm-up, the card references with its first events: all at once when fixed, else
     * chunk by chunk until the services' JIT compiler threads take no more than the settled share of
     * their CPU in {@value Warmup#SETTLED_CHUNKS} chunks in a row.
     */
    private Warmup.Done warmUp(ResultCollector collector, DemoProducer producer, String label,
        List<ServiceProcess> services, Warmup warmup, long firstTask, double rate) throws InterruptedException {
      List<CardReference> references = load.references();
      int played = 0;
      List<Double> shares = new ArrayList<>();
      for (int chunk = warmup.next(0, shares); chunk > 0; chunk = warmup.next(played, shares)) {
        List<CpuReading> before = warmup.untilSettled() ? CpuReading.of(services) : List.of();
        String step = warmup.untilSettled()
            ? String.format(Locale.ROOT, "%s warm-up %d-%d", label, played + 1, played + chunk) : label + " warm-up";
        CollectedResults results = play(collector, producer, references,
            load.events(firstTask + played, chunk, settings.seed()), step, new Timings(0), rate);
        references = List.of();
        played += chunk;
        if (results.missing() > 0) {
          err.printf(Locale.ROOT, "%s: %d warm-up events got no result; going on%n", label, results.missing());
        }
        if (warmup.untilSettled()) {
          shares.add(CpuReading.jitShare(before, CpuReading.of(services)));
          err.printf(Locale.ROOT, "%s: the JIT compilers took %.1f %% of the service's CPU over warm-up events %d-%d"
              + " (settled at %.0f %% or less, %d chunks in a row)%n", label, shares.get(shares.size() - 1) * 100,
              played - chunk + 1, played, warmup.settledJitShare() * 100, Warmup.SETTLED_CHUNKS);
        }
      }
      if (!references.isEmpty()) {
        producer.produce(references, List.of(), 0, new DemoProducer.Listener() {});
      }
      boolean settled = warmup.settled(shares);
      if (warmup.untilSettled() && !settled) {
        err.printf(Locale.ROOT, "%s: the JIT had not settled after %d warm-up events; measuring anyway, and the figures"
            + " include its work%n", label, played);
      }
      return new Warmup.Done(warmup, played, Warmup.lastShare(shares), settled);
    }

    private RunFigures figures(String label, CollectedResults results, Timings timings, List<Snapshot> before,
        List<Snapshot> after, SandboxStats sandboxBefore, SandboxStats sandboxAfter, Duration span, boolean blocking,
        List<ServiceProcess> services, Duration stackCpu) {
      Duration cpu = Duration.ZERO;
      Duration jit = Duration.ZERO;
      Duration gc = Duration.ZERO;
      boolean threadsKnown = true;
      boolean fromProc = true;
      long heapPeak = 0;
      long heapMax = 0;
      Long rss = null;
      boolean rssSinceSpan = true;
      long deadlineCounted = 0;
      Map<String, Duration> threadCpu = new java.util.LinkedHashMap<>();
      for (int i = 0; i < before.size(); i++) {
        Snapshot b = before.get(i);
        Snapshot a = after.get(i);
        cpu = cpu.plus(a.cpu().minus(b.cpu()));
        threadsKnown &= !a.threads().isEmpty();
        Map<ProcFs.ThreadKind, Duration> byKind = ProcFs.cpuByKind(b.threads(), a.threads());
        jit = jit.plus(byKind.get(ProcFs.ThreadKind.JIT));
        gc = gc.plus(byKind.get(ProcFs.ThreadKind.GC));
        fromProc &= b.cpuFromProc() && a.cpuFromProc();
        heapPeak = Math.max(heapPeak, a.stats().path("heap_peak_bytes").asLong());
        heapMax = Math.max(heapMax, a.stats().path("heap_max_bytes").asLong());
        if (a.rssPeakKib().isPresent()) {
          rss = Math.max(rss == null ? 0 : rss, a.rssPeakKib().getAsLong());
        }
        rssSinceSpan &= b.rssReset();
        deadlineCounted += deadlineMisses(a.stats()) - deadlineMisses(b.stats());
        JsonNode threadsBefore = b.stats().path("thread_cpu_ns");
        a.stats().path("thread_cpu_ns").fields().forEachRemaining(group -> threadCpu.merge(group.getKey(),
            Duration.ofNanos(group.getValue().asLong() - threadsBefore.path(group.getKey()).asLong(0)), Duration::plus));
      }
      boolean confirmed = blocking && services.stream().allMatch(ServiceProcess::blockingBaseline);
      return new RunFigures(label, results, SustainedThroughput.of(timings.completions()),
          LatencyDistribution.of(timings.card()), LatencyDistribution.of(timings.sent()),
          LatencyDistribution.of(timings.outcome()), cpu, fromProc,
          threadsKnown ? jit : null, threadsKnown ? gc : null, heapPeak, heapMax, rss, rssSinceSpan && rss != null, deadlineCounted,
          sandboxAfter == null ? null : sandboxAfter.switched() - sandboxBefore.switched(),
          sandboxAfter == null ? null : sandboxAfter.jweVerified() - sandboxBefore.jweVerified(),
          sandboxAfter == null ? null : sandboxAfter.jweNotVerified() - sandboxBefore.jweNotVerified(),
          span, confirmed, timings.otherSamples(), stackCpu, threadCpu);
    }

    private static long deadlineMisses(JsonNode stats) {
      return stats.path("switches").path("dead_letters").path("DEADLINE_EXCEEDED").asLong(0);
    }

    /** Produces the references and events while the collector reads their results, with a progress bar. */
    private CollectedResults play(ResultCollector collector, DemoProducer producer, List<CardReference> references,
        List<PlannedEvent> events, String label, Timings timings, double rate) throws InterruptedException {
      AtomicLong produced = new AtomicLong();
      ProgressBar bar = ProgressBar.builder(label, events.size()).out(err)
          .detail(() -> produced.get() < events.size() ? "produced " + produced.get() + "/" + events.size()
              : "all produced")
          .build();
      CompletableFuture<Instant> lastReceipt = new CompletableFuture<>();
      ExecutorService collecting = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "card-switch-bench-collector");
        t.setDaemon(true);
        return t;
      });
      try {
        Future<CollectedResults> collected = collecting.submit(() -> collector.collect(BenchLoad.expectations(events),
            lastReceipt, new ResultCollector.Listener() {
              @Override
              public void accounted(long taskId, TaskResult result) {
                bar.step();
              }

              @Override
              public void polled() {
                bar.refresh();
              }

              @Override
              public void timed(long taskId, TaskResult result, ResultTimes times) {
                timings.add(result, times);
              }

              @Override
              public void deadLettered(long taskId, DeadLetter deadLetter) {
                timings.sample(taskId, deadLetter);
              }
            }));
        try {
          DemoProducer.Produced done = producer.produce(references, events, rate,
              new DemoProducer.Listener() {
                @Override
                public void eventAcknowledged() {
                  produced.incrementAndGet();
                }
              });
          lastReceipt.complete(done.lastReceivedAt());
        } catch (RuntimeException e) {
          lastReceipt.completeExceptionally(e);
          throw e;
        }
        try {
          return collected.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException runtime) {
            throw runtime;
          }
          throw new DemoException(DemoException.RESULTS_UNREADABLE, "collecting the results failed: " + e.getCause(),
              e.getCause());
        } catch (CancellationException e) {
          throw new DemoException(DemoException.RESULTS_UNREADABLE, "collecting the results was cancelled", e);
        }
      } finally {
        collecting.shutdownNow();
        bar.finish();
      }
    }

    /** The whole environment of one service process: the stack, its own id, state, port and topics. */
    private Map<String, String> environment(String tag, int instance, TopologyConfig topology, boolean blocking) {
      Map<String, String> env = new HashMap<>(System.getenv());
      env.keySet().removeIf(AppConfig.SETTINGS::contains);
      env.putAll(config.settings().asMap());
      env.put(AppConfig.KAFKA_BOOTSTRAP_SERVERS, stack.bootstrapServers());
      env.put(AppConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
      stack.sandboxEndpoint().ifPresent(s -> {
        env.put(KnotClientConfig.KNOT_BASE_URL, s.baseUrl());
        env.put(KnotClientConfig.KNOT_CLIENT_ID, s.clientId());
        env.put(KnotClientConfig.KNOT_SECRET, s.secret());
        // What the service allows itself against the embedded sandbox (with KNOT_BASE_URL set it
        // would take Knot's production defaults).
        env.putIfAbsent(KnotClientConfig.KNOT_RATE_LIMIT_PER_SECOND,
            Integer.toString(AppConfig.SANDBOX_RATE_LIMIT_PER_SECOND));
        env.putIfAbsent(KnotClientConfig.KNOT_MAX_IN_FLIGHT, Integer.toString(config.topology().maxInFlight()));
      });
      if (!config.cardKeysConfigured()) {
        env.put(JwkSetKeyRing.CARD_KEYS_FILE, config.dataDir().resolve(DevCardKeys.FILE_NAME).toString());
      }
      env.put(AppConfig.APPLICATION_ID, "card-switch-bench-" + tag);
      env.put(AppConfig.INSTANCE_ID, "bench-" + tag + "-" + instance);
      env.put(AppConfig.STATE_DIR, config.dataDir().resolve("state").resolve(tag).resolve("instance-" + instance)
          .toString());
      env.put(AppConfig.ADMIN_PORT, "0");
      env.put(AppConfig.ADMIN_BIND, "127.0.0.1");
      env.put(AppConfig.INGRESS_PORT, "0"); // several instances run at once: no fixed port
      env.put(AppConfig.INGRESS_BIND, "127.0.0.1");
      env.put(AppConfig.WEBHOOK_TOPIC, topology.webhookTopic());
      env.put(AppConfig.CARD_REFERENCE_TOPIC, topology.cardReferenceTopic());
      env.put(AppConfig.OUTCOME_TOPIC, topology.outcomeTopic());
      env.put(AppConfig.DEAD_LETTER_TOPIC, topology.deadLetterTopic());
      env.put(AppConfig.KNOT_BLOCKING_BASELINE, Boolean.toString(blocking));
      return env;
    }

    /** Every service RUNNING, then every one ready at once (a late joiner makes the others rebalance). */
    private void awaitReady(List<ServiceProcess> services) throws InterruptedException {
      for (ServiceProcess s : services) {
        s.awaitRunning(START_TIMEOUT);
      }
      Instant deadline = clock.instant().plus(START_TIMEOUT);
      while (!services.stream().allMatch(ServiceProcess::ready)) {
        for (ServiceProcess s : services) {
          if (!s.alive()) {
            throw new BenchException(BenchException.SERVICE_FAILED, s.name() + " ended: see " + s.log() + "\n"
                + s.tail());
          }
        }
        if (clock.instant().isAfter(deadline)) {
          throw new BenchException(BenchException.SERVICE_FAILED, "the services were not all ready at once within "
              + START_TIMEOUT + ": see their logs in " + config.dataDir().resolve("logs"));
        }
        Thread.sleep(READY_POLL.toMillis()); // polling GET /ready: a rebalance announces nothing to wait on
      }
    }

    private void stop(List<ServiceProcess> services) throws InterruptedException {
      for (ServiceProcess s : services) {
        s.terminate();
      }
      for (ServiceProcess s : services) {
        if (!s.awaitExit(STOP_TIMEOUT)) {
          err.printf(Locale.ROOT, "bench: %s did not stop within %s of SIGTERM; killed it (log %s)%n", s.name(),
              STOP_TIMEOUT, s.log());
        }
        s.close();
      }
    }
  }

  /** One warm-up's result and the figures of each measured span after it. */
  private record Measured(Warmup.Done warmedUp, List<RunFigures> steps) {}

  /** A service's CPU time and its threads', to tell the JIT's share of a stretch of work. */
  private record CpuReading(Duration cpu, Map<Long, ProcFs.ThreadCpu> threads) {

    static List<CpuReading> of(List<ServiceProcess> services) {
      List<CpuReading> readings = new ArrayList<>();
      for (ServiceProcess s : services) {
        Map<Long, ProcFs.ThreadCpu> threads = ProcFs.threads(s.pid());
        if (threads.isEmpty()) {
          throw new BenchException(BenchException.JIT_UNSEEN, "--warmup auto needs the service's threads in /proc"
              + " (Linux) to see its JIT compilers' CPU, and " + s.name() + "'s are not readable: give --warmup a"
              + " number of events instead");
        }
        readings.add(new CpuReading(s.cpuTime(), threads));
      }
      return readings;
    }

    /** The JIT compiler threads' share of the services' CPU between two readings (0 if none was spent). */
    static double jitShare(List<CpuReading> before, List<CpuReading> after) {
      Duration jit = Duration.ZERO;
      Duration all = Duration.ZERO;
      for (int i = 0; i < before.size(); i++) {
        jit = jit.plus(ProcFs.cpuByKind(before.get(i).threads(), after.get(i).threads()).get(ProcFs.ThreadKind.JIT));
        all = all.plus(after.get(i).cpu().minus(before.get(i).cpu()));
      }
      return all.isZero() || all.isNegative() ? 0 : Math.min(1, (double) jit.toNanos() / all.toNanos());
    }
  }

  /**
   * One service's figures at one end of the measured span.
   *
   * @param rssReset at the start: whether the peak RSS was reset
   */
  private record Snapshot(Duration cpu, boolean cpuFromProc, Map<Long, ProcFs.ThreadCpu> threads, JsonNode stats,
      OptionalLong rssPeakKib, boolean rssReset) {

    /** Resets the peaks, then reads the CPU times last, right before the first measured event. */
    static Snapshot start(ServiceProcess service) {
      JsonNode stats = service.resetStats();
      boolean rssReset = ProcFs.resetPeakRss(service.pid());
      Map<Long, ProcFs.ThreadCpu> threads = ProcFs.threads(service.pid());
      return new Snapshot(service.cpuTime(), service.cpuFromProc(), threads, stats, OptionalLong.empty(), rssReset);
    }

    /** Reads the CPU times first, right after the last measured result. */
    static Snapshot end(ServiceProcess service) {
      Duration cpu = service.cpuTime();
      Map<Long, ProcFs.ThreadCpu> threads = ProcFs.threads(service.pid());
      return new Snapshot(cpu, service.cpuFromProc(), threads, service.stats(), ProcFs.peakRssKib(service.pid()),
          false);
    }
  }

  /**
   * The times of the measured {@code SWITCHED} outcomes, as the collector reads them (one thread
   * adds; read once the collection is over).
   */
  private static final class Timings {
    private static final int SAMPLES_PER_REASON = 2;
    private final Map<DeadLetterReason, Integer> samplesPerReason = new java.util.EnumMap<>(DeadLetterReason.class);
    private final List<String> otherSamples = new ArrayList<>();
    private long[] completions;
    private long[] card;
    private long[] sent;
    private int sentSize;
    private long[] outcome;
    private int size;

    Timings(int expected) {
      completions = new long[Math.max(expected, 16)];
      card = new long[completions.length];
      sent = new long[completions.length];
      outcome = new long[completions.length];
    }

    void add(TaskResult result, ResultTimes times) {
      if (!result.equals(TaskResult.of(SwitchStatus.SWITCHED)) || times.receivedAt() == null) {
        return;
      }
      if (size == completions.length) {
        completions = Arrays.copyOf(completions, size * 2);
        card = Arrays.copyOf(card, size * 2);
        sent = Arrays.copyOf(sent, size * 2);
        outcome = Arrays.copyOf(outcome, size * 2);
      }
      long received = times.receivedAt().toEpochMilli();
      completions[size] = times.completedAt().toEpochMilli();
      card[size] = times.completedAt().toEpochMilli() - received;
      outcome[size] = times.readAt().toEpochMilli() - received;
      if (times.lastAttemptAt() != null) {
        sent[sentSize++] = times.lastAttemptAt().toEpochMilli() - received;
      }
      size++;
    }

    /** Keeps a few dead letters of each reason but the deadline: they explain a failed run. */
    void sample(long taskId, DeadLetter deadLetter) {
      DeadLetterReason reason = deadLetter.getReason();
      if (reason == DeadLetterReason.DEADLINE_EXCEEDED
          || samplesPerReason.merge(reason, 1, Integer::sum) > SAMPLES_PER_REASON) {
        return;
      }
      otherSamples.add("task " + taskId + ": " + reason
          + (deadLetter.getHttpStatus() == null ? "" : ", HTTP " + deadLetter.getHttpStatus())
          + (deadLetter.getKnotErrorCode() == null ? "" : " " + deadLetter.getKnotErrorCode())
          + ", " + deadLetter.getAttempts() + " attempt(s): " + deadLetter.getDetail());
    }

    List<String> otherSamples() {
      return otherSamples;
    }

    long[] completions() {
      return Arrays.copyOf(completions, size);
    }

    long[] card() {
      return Arrays.copyOf(card, size);
    }

    long[] outcome() {
      return Arrays.copyOf(outcome, size);
    }

    long[] sent() {
      return Arrays.copyOf(sent, sentSize);
    }
  }
}
