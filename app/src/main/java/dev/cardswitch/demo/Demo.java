package dev.cardswitch.demo;

import dev.cardswitch.app.console.ProgressBar;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.topology.TopologySerdes;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's engine, given what the runtime provides ({@link DemoTargets}): generates the {@link
 * DemoPlan} (cards sealed to the service's key), prepares the {@link ResultCollector} at the
 * current end of the result topics, produces references then events ({@link DemoProducer}) while
 * collecting results on a second thread, and ends with a {@link DemoReport}. Progress goes to
 * {@code err} (a bar of results with the produced count beside it); the summary and the JSON line
 * go to {@code out}.
 *
 * <p>Each run takes its task ids and card ids from its start time (task ids from the epoch
 * millisecond times 1000), so runs on the same broker never collide: the service remembers switched
 * tasks for days and card references for ever. The seed alone fixes the mix and the card data.
 *
 * <p>Stateless; {@link #run} may be called from any thread, one run per call.
 */
public final class Demo {

  /** Room for this many task ids per millisecond between runs before two runs could share one. */
  static final long TASK_IDS_PER_MILLISECOND = 1000;

  private Demo() {}

  /**
   * Runs the demo to its end.
   *
   * @return the report; {@link DemoReport#exitCode()} is the command's exit status
   * @throws DemoException when records cannot be produced or the result topics cannot be read
   */
  public static DemoReport run(
      DemoSettings settings, DemoTargets targets, PrintStream out, PrintStream err) {
    return run(settings, targets, out, err, Clock.systemUTC());
  }

  /**
   * The same in card-vault lookup mode: the cards go to {@code vault}, the references carry only their
   * tokens, and a planned share of unknown tokens ends as {@code CARD_NOT_FOUND}; null: envelopes.
   */
  public static DemoReport run(
      DemoSettings settings, DemoTargets targets, CardVaultLoader vault, PrintStream out, PrintStream err) {
    return run(settings, targets, vault, out, err, Clock.systemUTC());
  }

  static DemoReport run(
      DemoSettings settings, DemoTargets targets, PrintStream out, PrintStream err, Clock clock) {
    return run(settings, targets, null, out, err, clock);
  }

  static DemoReport run(DemoSettings settings, DemoTargets targets, CardVaultLoader vault, PrintStream out,
      PrintStream err, Clock clock) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(targets, "targets");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    Instant started = clock.instant();
    long runMillis = started.toEpochMilli();

    err.printf(
        Locale.ROOT,
        "Demo: %d events, seed %d, %s, to %s (webhooks: %s, results: %s and %s)%n",
        settings.events(),
        settings.seed(),
        settings.rate() > 0 ? settings.rate() + " events/s" : "as fast as possible",
        targets.bootstrapServers(),
        targets.ingress() != null
            ? "signed POSTs to " + targets.ingress()
            : targets.topology().webhookTopic() + " directly",
        targets.topology().outcomeTopic(),
        targets.topology().deadLetterTopic());
    if (settings.fido() != null) {
      err.println("Demo: playing the issuer's front end and Cardinal FIDO (" + settings.fido() + "): every card"
          + " reference carries a FIDO response JWT" + (settings.fido().required()
              ? ", " + DemoPlan.FIDO_FAILED_PERCENT + " % of the cards a failed one (CARDHOLDER_NOT_AUTHENTICATED)" : ""));
    }
    DemoPlan plan = generate(settings, targets, vault, err, clock, runMillis);

    TopologySerdes serdes = TopologySerdes.of(targets.registry());
    KnotSandbox sandbox = targets.sandbox();
    try (ResultCollector collector =
            new ResultCollector(
                targets.bootstrapServers(),
                targets.clientProperties(),
                serdes,
                targets.topology(),
                settings.margin(),
                clock).awaitLifecycle(settings.lifecycleWait());
        DemoProducer producer =
            new DemoProducer(
                targets.bootstrapServers(),
                targets.clientProperties(),
                serdes,
                targets.topology(),
                clock,
                targets.ingress(),
                targets.ingressSecret())) {
      collector.prepare();
      long knotCallsBefore = sandbox == null ? 0 : sandbox.stats().switched();

      AtomicLong referencesAcked = new AtomicLong();
      AtomicLong eventsAcked = new AtomicLong();
      int references = plan.references().size();
      int events = plan.events().size();
      // The bar would otherwise seem stuck near the end while unknown cards wait out Knot's window.
      String waiting =
          plan.expectedCounts().get(ExpectedResult.NO_CARD_REFERENCE) == 0
              ? ""
              : " (unknown cards end after the "
                  + targets.topology().window().toSeconds()
                  + " s window)";
      ProgressBar bar =
          ProgressBar.builder("results", events)
              .out(err)
              .detail(
                  () ->
                      referencesAcked.get() < references
                          ? "references " + referencesAcked.get() + "/" + references
                          : eventsAcked.get() < events
                              ? "produced " + eventsAcked.get() + "/" + events
                              : "produced " + events + "/" + events + waiting)
              .build();

      CompletableFuture<Instant> lastReceipt = new CompletableFuture<>();
      ExecutorService collecting =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "card-switch-demo-collector");
                t.setDaemon(true);
                return t;
              });
      CollectedResults results;
      IngressRoundTrips ingressRoundTrips = null;
      try {
        Future<CollectedResults> collected =
            collecting.submit(
                () ->
                    collector.collect(
                        plan.expectations(),
                        lastReceipt,
                        new ResultCollector.Listener() {
                          @Override
                          public void accounted(long taskId, TaskResult result) {
                            bar.step();
                          }

                          @Override
                          public void polled() {
                            bar.refresh();
                          }
                        }));
        try {
          DemoProducer.Produced produced =
              producer.produce(
                  plan,
                  settings.rate(),
                  new DemoProducer.Listener() {
                    @Override
                    public void referenceAcknowledged() {
                      referencesAcked.incrementAndGet();
                      bar.refresh();
                    }

                    @Override
                    public void eventAcknowledged() {
                      eventsAcked.incrementAndGet();
                      bar.refresh();
                    }
                  });
          lastReceipt.complete(produced.lastReceivedAt());
          ingressRoundTrips = produced.ingress();
        } catch (RuntimeException e) {
          lastReceipt.completeExceptionally(e);
          // The collector stops at its next poll; the consumer is closed only once it has.
          awaitQuietly(collected);
          bar.finish();
          throw e;
        }
        results = await(collected);
      } finally {
        collecting.shutdownNow();
      }
      bar.finish();

      Long knotCalls = sandbox == null ? null : sandbox.stats().switched() - knotCallsBefore;
      DemoReport report =
          new DemoReport(
              plan.seed(),
              plan.expectedCounts(),
              results,
              knotCalls,
              Duration.between(started, clock.instant()),
              ingressRoundTrips,
              targets.ingressCounters() == null ? null
                  : targets.ingressCounters().ownLatency().percentileBoundMillis(99));
      report.print(out);
      return report;
    }
  }

  private static DemoPlan generate(DemoSettings settings, DemoTargets targets, CardVaultLoader vault, PrintStream err,
      Clock clock, long runMillis) {
    ProgressBar[] bar = new ProgressBar[1];
    DemoPlan plan =
        DemoPlan.builder(targets.servicePublicKey())
            .events(settings.events())
            .seed(settings.seed())
            .firstTaskId(runMillis * TASK_IDS_PER_MILLISECOND)
            .runTag(Long.toString(runMillis, 36))
            .clock(clock)
            .fido(settings.fido())
            .cardVault(vault)
            .progress(
                (done, total) -> {
                  if (bar[0] == null) {
                    bar[0] = ProgressBar.builder("sealing cards", total).out(err).build();
                  }
                  bar[0].step();
                })
            .build();
    if (bar[0] != null) {
      bar[0].finish();
    }
    return plan;
  }

  private static void awaitQuietly(Future<CollectedResults> collected) {
    try {
      collected.get();
    } catch (ExecutionException | CancellationException e) {
      // The producer's failure is the one to report.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static CollectedResults await(Future<CollectedResults> collected) {
    try {
      return collected.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new DemoException(
          DemoException.RESULTS_UNREADABLE, "collecting the results failed: " + cause, cause);
    } catch (InterruptedException | CancellationException e) {
      Thread.currentThread().interrupt();
      throw new DemoException(
          DemoException.RESULTS_UNREADABLE, "interrupted while collecting the results", e);
    }
  }
}
