package dev.cardswitch.soak;

import dev.cardswitch.app.console.ProgressBar;
import dev.cardswitch.demo.CollectedResults;
import dev.cardswitch.demo.DemoPlan;
import dev.cardswitch.demo.DemoProducer;
import dev.cardswitch.demo.ExpectedResult;
import dev.cardswitch.demo.ResultCollector;
import dev.cardswitch.demo.TaskResult;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.topology.TopologySerdes;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One fault run: a switching campaign of generated events ({@link DemoPlan}: valid, skipped,
 * invalid and unknown cards) produced at a steady rate through the running instances, while a
 * {@link FaultScript} injects the fault; then every result is read back ({@link ResultCollector})
 * and the run is judged: the {@link Invariants} every run keeps, and the fault's own {@link Check}s.
 * The same run serves the tests (small) and {@code card-switch soak} (long).
 *
 * <p>Immutable once built; {@link #run} may be called once per stack at a time.
 */
public final class ScenarioRun {

  /** What a fault does to the stack while the events flow, on the caller's thread. */
  @FunctionalInterface
  public interface FaultScript {
    void run(FaultContext context) throws Exception;
  }

  /** A fault's own expectation, judged on the evidence; adds what it finds broken. */
  @FunctionalInterface
  public interface Check {
    void check(ScenarioEvidence evidence, List<String> violations);
  }

  /** Results are waited for up to the last event's window plus this. */
  public static final Duration DEFAULT_MARGIN = Duration.ofSeconds(120);

  private final String fault;
  private final String injected;
  private final int events;
  private final double rate;
  private final long seed;
  private final int[] mix;
  private final Map<ExpectedResult, Set<TaskResult>> acceptable;
  private final boolean restarts;
  private final List<String> instances;
  private final FaultScript script;
  private final List<Check> checks;
  private final Duration margin;

  private ScenarioRun(Builder b) {
    this.fault = b.fault;
    this.injected = Objects.requireNonNull(b.injected, "injected");
    this.events = b.events;
    this.rate = b.rate;
    this.seed = b.seed;
    this.mix = b.mix.clone();
    Map<ExpectedResult, Set<TaskResult>> accept = new EnumMap<>(ExpectedResult.class);
    b.acceptable.forEach((k, v) -> accept.put(k, Set.copyOf(v)));
    this.acceptable = accept;
    this.restarts = b.restarts;
    this.instances = List.copyOf(b.instances);
    this.script = b.script;
    this.checks = List.copyOf(b.checks);
    this.margin = b.margin;
  }

  public static Builder builder(String fault) {
    return new Builder(fault);
  }

  public String fault() {
    return fault;
  }

  public int events() {
    return events;
  }

  /**
   * Runs it: makes sure the required instances run, produces the events while the fault script
   * runs, collects every result, and judges.
   *
   * @param progress where the progress line goes
   */
  public ScenarioResult run(SoakStack stack, PrintStream progress) {
    Instant began = Instant.now();
    instances.forEach(stack::ensureRunning);
    long firstTask = stack.reserveTaskIds(events);
    DemoPlan plan = DemoPlan.builder(stack.servicePublicKey())
        .events(events)
        .seed(seed)
        .firstTaskId(firstTask)
        .runTag("s" + Long.toString(firstTask, 36))
        .mix(mix[0], mix[1], mix[2])
        .build();
    TopologySerdes serdes = TopologySerdes.of(stack.registry());
    FaultContext context = new FaultContext(stack, seed, events);
    ProgressBar bar = ProgressBar.builder(fault, events).out(progress)
        .detail(() -> context.detail().isEmpty() ? "produced " + context.produced() + "/" + events
            : context.detail() + ", produced " + context.produced() + "/" + events)
        .build();
    ResultLedger ledger = new ResultLedger(plan.expectations().keySet(), new ResultCollector.Listener() {
      @Override
      public void accounted(long taskId, TaskResult result) {
        bar.step();
      }

      @Override
      public void polled() {
        bar.refresh();
      }
    });
    List<String> runFailures = new ArrayList<>();
    CollectedResults collected;
    ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "card-switch-soak-" + fault.replaceAll("\\W+", "-"));
      t.setDaemon(true);
      return t;
    });
    try (ResultCollector collector = new ResultCollector(stack.bootstrapServers(), Map.of(), serdes, stack.topology(),
            margin, Clock.systemUTC());
        DemoProducer producer = new DemoProducer(stack.bootstrapServers(), Map.of(), serdes, stack.topology(),
            Clock.systemUTC())) {
      collector.prepare();
      CompletableFuture<Instant> lastReceipt = new CompletableFuture<>();
      Future<CollectedResults> collecting = threads.submit(() -> collector.collect(plan.expectations(), lastReceipt,
          ledger));
      Future<?> producing = threads.submit(() -> {
        try {
          DemoProducer.Produced produced = producer.produce(plan, rate, new DemoProducer.Listener() {
            @Override
            public void eventAcknowledged() {
              context.eventProduced();
              bar.refresh();
            }
          });
          lastReceipt.complete(produced.lastReceivedAt());
        } catch (RuntimeException e) {
          lastReceipt.completeExceptionally(e);
          throw e;
        } finally {
          context.productionEnded();
        }
        return null;
      });
      context.awaitFirstEvent(Duration.ofMinutes(2));
      try {
        script.run(context);
      } catch (Exception e) {
        runFailures.add("the fault script failed: " + e);
      }
      context.detail("");
      try {
        producing.get();
        context.detail("waiting for results");
      } catch (ExecutionException e) {
        runFailures.add("producing the events failed: " + e.getCause());
      }
      collected = collecting.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SoakException(SoakException.INTERRUPTED, "interrupted during " + fault, e);
    } catch (ExecutionException e) {
      throw new SoakException(SoakException.NOT_STARTED, fault + ": collecting the results failed: " + e.getCause(),
          e.getCause());
    } finally {
      threads.shutdownNow();
      bar.finish();
    }

    ScenarioEvidence evidence = new ScenarioEvidence(plan, ledger, collected, context.marks(), stack);
    Invariants.Report report = Invariants.check(evidence, new Invariants.Rules(acceptable, restarts));
    List<String> violations = new ArrayList<>(runFailures);
    violations.addAll(report.violations());
    violations.addAll(context.violations());
    for (Check check : checks) {
      check.check(evidence, violations);
    }
    List<Instant> unrecovered = evidence.unrecovered();
    if (!unrecovered.isEmpty()) {
      violations.add("no card was switched after the fault ended at " + unrecovered + ": not recovered");
    }
    Map<String, Long> results = new TreeMap<>();
    collected.byStatus().forEach((k, v) -> results.put(k.name(), v));
    collected.byReason().forEach((k, v) -> results.put(k.name(), v));
    List<String> notes = new ArrayList<>(context.notes());
    notes.addAll(whenNotAsPlanned(plan, ledger, context.started()));
    if (collected.latencyCount() > 0) {
      notes.add("webhook received to Knot's answer published: p50 " + collected.latencyPercentileMillis(50)
          + " ms, p99 " + collected.latencyPercentileMillis(99) + " ms");
    }
    return new ScenarioResult(fault, injected, seed, events, report.lost(), report.duplicates(),
        report.resentAfterRestart(), report.acceptedTwice(), evidence.recovery(), results, notes, violations,
        Duration.between(began, Instant.now()));
  }

  /** For each result other than the planned one: how many, and when their events came (from time zero). */
  private static List<String> whenNotAsPlanned(DemoPlan plan, ResultLedger ledger, Instant zero) {
    Map<String, long[]> spans = new TreeMap<>();
    plan.expectations().forEach((task, expected) -> ledger.first(task).ifPresent(r -> {
      if (!r.result().equals(expected.result()) && r.receivedAt() != null) {
        long at = Duration.between(zero, r.receivedAt()).toMillis();
        long[] span = spans.computeIfAbsent(expected + " → " + r.result().name(),
            k -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
        span[0]++;
        span[1] = Math.min(span[1], at);
        span[2] = Math.max(span[2], at);
      }
    }));
    List<String> notes = new ArrayList<>();
    spans.forEach((what, span) -> notes.add(span[0] + " × " + what + ", events received between "
        + String.format(java.util.Locale.ROOT, "%+.1f s and %+.1f s", span[1] / 1000.0, span[2] / 1000.0)));
    return notes;
  }

  /** Settings of a run; by default a fault-free run of 100 events at 10 per second. Not thread-safe. */
  public static final class Builder {
    private final String fault;
    private String injected;
    private int events = 100;
    private double rate = 10;
    private long seed = 42;
    private int[] mix = {DemoPlan.SKIPPED_PERCENT, DemoPlan.UNKNOWN_CARD_PERCENT, DemoPlan.INVALID_CARD_PERCENT};
    private final Map<ExpectedResult, Set<TaskResult>> acceptable = new LinkedHashMap<>();
    private boolean restarts;
    private final List<String> instances = new ArrayList<>();
    private FaultScript script = context -> { };
    private final List<Check> checks = new ArrayList<>();
    private Duration margin = DEFAULT_MARGIN;

    private Builder(String fault) {
      this.fault = Objects.requireNonNull(fault, "fault");
      for (ExpectedResult e : ExpectedResult.values()) {
        acceptable.put(e, new HashSet<>(Set.of(e.result())));
      }
    }

    /** What is injected, in words, for the report. */
    public Builder injected(String injected) {
      this.injected = injected;
      return this;
    }

    public Builder events(int events) {
      this.events = events;
      return this;
    }

    /** Events per second. */
    public Builder rate(double rate) {
      this.rate = rate;
      return this;
    }

    /** Fixes the cards, the mix and the fault script's random choices. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The mix's percentages of skipped, unknown-card and invalid-card events (see {@link DemoPlan}). */
    public Builder mix(int skipped, int unknownCards, int invalidCards) {
      this.mix = new int[] {skipped, unknownCards, invalidCards};
      return this;
    }

    /** Under this fault an event planned to end as {@code expected} may also end as these dead letters. */
    public Builder alsoAccept(ExpectedResult expected, DeadLetterReason... reasons) {
      for (DeadLetterReason reason : reasons) {
        acceptable.get(expected).add(TaskResult.of(reason));
      }
      return this;
    }

    /**
     * The fault restarts card-switch or moves its tasks: a call in flight may be re-sent (marked
     * so), and an event may wait past its window.
     */
    public Builder restarts() {
      this.restarts = true;
      return this;
    }

    /** Instances that must run before the events start (started if not). */
    public Builder instances(String... names) {
      instances.addAll(List.of(names));
      return this;
    }

    public Builder fault(FaultScript script) {
      this.script = Objects.requireNonNull(script, "script");
      return this;
    }

    public Builder check(Check check) {
      checks.add(Objects.requireNonNull(check, "check"));
      return this;
    }

    public Builder margin(Duration margin) {
      this.margin = margin;
      return this;
    }

    public ScenarioRun build() {
      if (events < 1 || !(rate > 0)) {
        throw new IllegalArgumentException("a run needs at least one event and a positive rate, got " + events + " at "
            + rate + "/s");
      }
      return new ScenarioRun(this);
    }
  }
}
