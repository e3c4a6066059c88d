package dev.cardswitch.soak;

import dev.cardswitch.demo.DemoPlan;
import dev.cardswitch.demo.ExpectedResult;
import dev.cardswitch.knot.KnotCallResult;
import dev.cardswitch.knot.client.KnotClientConfig;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.sandbox.Latency;
import dev.cardswitch.sandbox.SandboxFaults;
import dev.cardswitch.sandbox.SandboxStats;
import dev.cardswitch.schemas.DeadLetterReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Knot misbehaving while card-switch runs, one run each, against the sandbox: bursts of 5xx, an
 * outage (connections refused), answers slower than the call time-out, 429 storms with {@code
 * Retry-After}, a key rotation, revoked credentials (401) and a redirect to another origin. Each is
 * a phase of the fault between two phases of normal service, so each run also shows that switching
 * resumes by itself, without a restart: every valid card whose event came well before the fault or
 * once it had settled is switched. Stateless.
 */
public final class KnotFaultScenarios {

  /** The instance these runs go through (started if not running). */
  public static final String INSTANCE = "a";

  /** Events this close before a fault may have their call caught by it. */
  static final Duration GUARD = Duration.ofSeconds(1);

  private KnotFaultScenarios() {}

  /** Every Knot fault, in the order the soak runs them. */
  public static List<ScenarioRun> all(Scale s, long seed) {
    return List.of(serverErrorBursts(s, seed), outage(s, seed + 1), slowAnswers(s, seed + 2),
        tooManyRequests(s, seed + 3), keyRotation(s, seed + 4), revokedCredentials(s, seed + 5),
        crossOriginRedirect(s, seed + 6));
  }

  /** Half of {@code POST /card} answered 500, 502 or 503 during one-second bursts, a second apart. */
  public static ScenarioRun serverErrorBursts(Scale s, long seed) {
    Duration settle = s.circuitOpenWait().plusSeconds(2);
    return knotFault("5xx bursts", s, seed, s.during(), settle)
        .injected("1-second bursts of 50 % 5xx (500/502/503) on POST /card, one every 2 s for "
            + s.during().toSeconds() + " s")
        .alsoAccept(ExpectedResult.SWITCHED, DeadLetterReason.KNOT_UNAVAILABLE, DeadLetterReason.DEADLINE_EXCEEDED)
        .fault(ctx -> {
          KnotSandbox sandbox = ctx.stack().sandbox();
          ctx.awaitElapsed(s.before());
          long injectedBefore = sandbox.stats().injectedFaults();
          ctx.faultStarted("5xx bursts");
          Duration t = s.before();
          while (t.compareTo(s.before().plus(s.during())) < 0) {
            ctx.detail("5xx burst");
            sandbox.faults(SandboxFaults.builder().serverErrors(0.5).build());
            ctx.awaitElapsed(t.plusSeconds(1));
            ctx.detail("between bursts");
            sandbox.faults(SandboxFaults.NONE);
            t = t.plusSeconds(2);
            ctx.awaitElapsed(t);
          }
          ctx.faultEnded("5xx bursts over");
          ctx.detail("after the bursts");
          long injected = sandbox.stats().injectedFaults() - injectedBefore;
          ctx.note(injected + " POST /card answered 5xx");
          if (injected == 0) {
            ctx.violation("no 5xx was injected: the bursts found no call");
          }
        })
        .check((e, violations) -> {
          long retried = e.tasksExpecting(ExpectedResult.SWITCHED).stream()
              .filter(t -> e.ledger().first(t).filter(r -> r.switched() && r.attempts() > 1).isPresent()).count();
          if (retried == 0) {
            violations.add("no card was switched after a retry: the 5xx were not retried");
          }
        })
        .build();
  }

  /** Knot unreachable (connections refused) for {@code s.outage()}. */
  public static ScenarioRun outage(Scale s, long seed) {
    Duration settle = s.circuitOpenWait().plusSeconds(2);
    return knotFault("Knot outage", s, seed, s.outage(), settle)
        .injected("Knot refuses connections for " + s.outage().toSeconds() + " s (window "
            + "15 s, circuit open wait " + s.circuitOpenWait().toSeconds() + " s)")
        .alsoAccept(ExpectedResult.SWITCHED, DeadLetterReason.KNOT_UNAVAILABLE, DeadLetterReason.DEADLINE_EXCEEDED)
        .fault(phase(s, s.outage(), "outage",
            ctx -> ctx.stack().sandbox().faults(SandboxFaults.builder().outage(SandboxFaults.Outage.REFUSE).build()),
            ctx -> ctx.stack().sandbox().faults(SandboxFaults.NONE),
            ctx -> {
              Optional<Duration> opened = AdminProbe.awaitHealth(instance(ctx), h -> "OPEN".equals(
                  h.path("knot_circuit").asText()), s.outage().minusSeconds(1));
              if (opened.isPresent()) {
                ctx.note("the circuit opened " + seconds(opened.get()) + " into the outage");
              } else {
                ctx.violation("the circuit breaker did not open during the " + s.outage().toSeconds() + "-second outage");
              }
            }))
        .build();
  }

  /**
   * Knot answers {@code POST /card} in 3 to 6 s, against a 4-second call time-out: a call that timed
   * out is never sent again (Knot may have taken it); its dead letter says Knot may have switched the card.
   */
  public static ScenarioRun slowAnswers(Scale s, long seed) {
    Duration timeout = KnotClientConfig.DEFAULT_KNOT_CALL_TIMEOUT;
    Duration settle = s.circuitOpenWait().plus(timeout).plusSeconds(2);
    return knotFault("Knot slower than the call time-out", s, seed, s.during(), settle)
        .injected("POST /card answered after 3 to 6 s (uniform) against KNOT_CALL_TIMEOUT=" + timeout.toSeconds()
            + " s, for " + s.during().toSeconds() + " s")
        .alsoAccept(ExpectedResult.SWITCHED, DeadLetterReason.KNOT_UNAVAILABLE, DeadLetterReason.DEADLINE_EXCEEDED)
        .fault(phase(s, s.during(), "slow Knot",
            ctx -> ctx.stack().sandbox().faults(SandboxFaults.builder()
                .latency(Latency.uniform(timeout.minusSeconds(1), timeout.plusSeconds(2))).build()),
            ctx -> ctx.stack().sandbox().faults(SandboxFaults.NONE),
            ctx -> { }))
        .check((e, violations) -> {
          // A call that timed out is never re-sent: its dead letter says Knot may have switched the card.
          long timedOut = e.ledger().tasks().stream()
              .filter(t -> e.ledger().first(t).filter(r -> r.detail().contains("time-out")
                  && r.detail().contains(KnotCallResult.MAY_HAVE_SWITCHED)).isPresent())
              .count();
          if (timedOut == 0) {
            violations.add("no dead letter says a call timed out and Knot may have switched the card: the latency"
                + " did not exceed the call time-out");
          }
          List<String> resent = new ArrayList<>();
          for (long t : e.ledger().tasks()) {
            if (e.stack().sandbox().calls(t).calls() > 1) {
              resent.add("task " + t + ": " + e.stack().sandbox().calls(t).calls() + " POST /card");
            }
          }
          if (!resent.isEmpty()) {
            violations.add("a POST /card that may have reached Knot was sent again: " + Invariants.examples(resent));
          }
        })
        .build();
  }

  /** 60 % of {@code POST /card} answered 429 with {@code Retry-After: 1}. */
  public static ScenarioRun tooManyRequests(Scale s, long seed) {
    Duration settle = Duration.ofSeconds(2);
    return knotFault("429 storm", s, seed, s.during(), settle)
        .injected("60 % of POST /card answered 429 with Retry-After: 1 for " + s.during().toSeconds() + " s")
        .alsoAccept(ExpectedResult.SWITCHED, DeadLetterReason.KNOT_UNAVAILABLE, DeadLetterReason.DEADLINE_EXCEEDED)
        .fault(phase(s, s.during(), "429 storm",
            ctx -> ctx.stack().sandbox().faults(SandboxFaults.builder().tooManyRequests(0.6, 1).build()),
            ctx -> ctx.stack().sandbox().faults(SandboxFaults.NONE),
            ctx -> { }))
        .check((e, violations) -> {
          int retried = 0;
          List<String> early = new ArrayList<>();
          for (long t : e.ledger().tasks()) {
            ResultLedger.Entry r = e.ledger().first(t).orElseThrow();
            if (r.attempts() > 1 && r.firstAttemptAt() != null && r.lastAttemptAt() != null) {
              retried++;
              long spread = Duration.between(r.firstAttemptAt(), r.lastAttemptAt()).toMillis();
              // Every retry here follows a 429 asking for 1 s: the attempts are at least 1 s apart.
              if (spread < (r.attempts() - 1) * 1000L - 20) {
                early.add("task " + t + ": " + r.attempts() + " attempts within " + spread + " ms");
              }
            }
          }
          if (retried == 0) {
            violations.add("no call was retried after a 429");
          }
          if (!early.isEmpty()) {
            violations.add("retries came before Retry-After: " + Invariants.examples(early));
          }
        })
        .build();
  }

  /** Knot rotates its key in the middle of the run: every card still switched, one key refetch. */
  public static ScenarioRun keyRotation(Scale s, long seed) {
    Duration settle = Duration.ofSeconds(2);
    long[] keyRequests = new long[1];
    return knotFault("Knot key rotation", s, seed, Duration.ZERO, settle)
        .injected("Knot's JWE key rotated once, mid-run (JWEs made for the old key refused with INVALID_JWE)")
        .fault(ctx -> {
          KnotSandbox sandbox = ctx.stack().sandbox();
          ctx.awaitElapsed(s.before());
          long before = sandbox.stats().keyRequests();
          ctx.faultStarted("key rotation");
          String kid = sandbox.rotateKey();
          ctx.faultEnded("key rotated to " + kid);
          ctx.detail("key rotated");
          ctx.awaitProductionDone(Duration.ofMinutes(10));
          keyRequests[0] = sandbox.stats().keyRequests() - before;
          ctx.note(keyRequests[0] + " GET /jwe/key after the rotation");
        })
        .check((e, violations) -> {
          long refetched = keyRequests[0];
          if (refetched != 1) {
            violations.add("the key was fetched " + refetched + " times after the rotation; once is enough");
          }
          long resentWithNewKey = e.tasksExpecting(ExpectedResult.SWITCHED).stream()
              .map(t -> e.stack().sandbox().calls(t))
              .filter(c -> c.calls() == 2 && c.successes() == 1).count();
          if (resentWithNewKey == 0) {
            violations.add("no call was refused for the old key and sent again: the rotation went unnoticed");
          }
        })
        .build();
  }

  /** Knot answers 401 to everything while the credentials are "revoked". */
  public static ScenarioRun revokedCredentials(Scale s, long seed) {
    Duration settle = Duration.ofSeconds(2);
    long[] requests = new long[2];
    return knotFault("Knot refuses the credentials (401)", s, seed, s.during(), settle)
        .injected("every GET /jwe/key and POST /card answered 401 INVALID_API_KEYS for " + s.during().toSeconds()
            + " s (credentials revoked, then restored)")
        .alsoAccept(ExpectedResult.SWITCHED, DeadLetterReason.KNOT_AUTH_FAILED)
        .fault(ctx -> {
          KnotSandbox sandbox = ctx.stack().sandbox();
          ctx.awaitElapsed(s.before());
          SandboxStats before = sandbox.stats();
          int producedBefore = ctx.produced();
          ctx.faultStarted("401");
          ctx.detail("credentials refused");
          sandbox.faults(SandboxFaults.builder().rejectCredentials(true).build());
          ServiceProcess instance = instance(ctx);
          Optional<Duration> failing = AdminProbe.awaitHealth(instance,
              h -> "FAILING".equals(h.path("knot_authentication").asText()), s.during());
          if (failing.isEmpty()) {
            ctx.violation("/health never said knot_authentication FAILING while Knot answered 401");
          } else {
            ctx.note("/health said knot_authentication FAILING " + seconds(failing.get()) + " after the first 401s");
            String metrics = AdminProbe.metrics(instance).orElse("");
            if (!metrics.lines().anyMatch(l -> l.equals("card_switch_knot_authentication_failing 1"))) {
              ctx.violation("/metrics does not say card_switch_knot_authentication_failing 1 while Knot answers 401");
            }
          }
          ctx.awaitElapsed(s.before().plus(s.during()));
          sandbox.faults(SandboxFaults.NONE);
          ctx.faultEnded("credentials accepted again");
          SandboxStats after = sandbox.stats();
          requests[0] = after.cardRequests() + after.keyRequests() - before.cardRequests() - before.keyRequests();
          requests[1] = ctx.produced() - producedBefore;
          ctx.note(requests[0] + " requests reached Knot for " + requests[1] + " events during the 401s");
          ctx.detail("credentials restored");
          if (AdminProbe.awaitHealth(instance, h -> "OK".equals(h.path("knot_authentication").asText()),
              settle.plusSeconds(5)).isEmpty()) {
            ctx.violation("/health still says knot_authentication FAILING after Knot accepts the credentials again");
          }
        })
        .check((e, violations) -> {
          // No retry storm: a 401 is final, so at most one request per event (plus those in flight at the start).
          long allowance = requests[1] + Math.round(s.rate() * GUARD.toSeconds()) + 2;
          if (requests[0] > allowance) {
            violations.add("retry storm: " + requests[0] + " requests to Knot for " + requests[1] + " events during the 401s");
          }
          Instant start = e.firstFaultStart().orElseThrow();
          Instant end = e.lastFaultEnd().orElseThrow();
          List<String> notRefused = new ArrayList<>();
          for (long t : e.tasksExpecting(ExpectedResult.SWITCHED)) {
            Instant received = e.receivedAt(t).orElse(null);
            if (received != null && received.isAfter(start) && received.isBefore(end.minus(GUARD))
                && !e.ledger().first(t).orElseThrow().result().name().equals(DeadLetterReason.KNOT_AUTH_FAILED.name())) {
              notRefused.add("task " + t + ": " + e.ledger().first(t).orElseThrow().result());
            }
          }
          if (!notRefused.isEmpty()) {
            violations.add("events during the 401s that are not KNOT_AUTH_FAILED: " + Invariants.examples(notRefused));
          }
        })
        .build();
  }

  /** {@code POST /card} redirected (307) to another origin, which must receive nothing. */
  public static ScenarioRun crossOriginRedirect(Scale s, long seed) {
    Duration settle = Duration.ofSeconds(2);
    KnotSandbox[] other = new KnotSandbox[1];
    SandboxStats[] received = new SandboxStats[1];
    return knotFault("redirect to another origin", s, seed, s.during(), settle)
        .injected("POST /card answered 307 to another origin (a second server) for " + s.during().toSeconds() + " s")
        .alsoAccept(ExpectedResult.SWITCHED, DeadLetterReason.KNOT_UNAVAILABLE, DeadLetterReason.DEADLINE_EXCEEDED)
        .fault(ctx -> {
          try (KnotSandbox elsewhere = KnotSandbox.builder().credentials(ctx.stack().sandbox().credentials()).start()) {
            other[0] = elsewhere;
            phase(s, s.during(), "redirect to " + elsewhere.baseUrl(),
                c -> c.stack().sandbox().faults(SandboxFaults.builder()
                    .crossOriginRedirect(elsewhere.baseUrl().resolve("/card")).build()),
                c -> c.stack().sandbox().faults(SandboxFaults.NONE),
                c -> { }).run(ctx);
            ctx.awaitProductionDone(Duration.ofMinutes(10));
            received[0] = elsewhere.stats();
            ctx.note("the other origin received " + (received[0].cardRequests() + received[0].keyRequests())
                + " requests");
          }
        })
        .check((e, violations) -> {
          if (received[0] == null || received[0].cardRequests() + received[0].keyRequests() > 0) {
            violations.add("the other origin received requests: " + received[0]);
          }
          long refused = e.ledger().tasks().stream()
              .filter(t -> e.ledger().first(t).filter(r -> r.detail().contains("another origin")).isPresent()).count();
          if (refused == 0) {
            violations.add("no dead letter says the redirect to another origin was refused");
          }
        })
        .build();
  }

  /** A Knot fault's run: the mix, the instance, and the check that switching is whole outside the fault. */
  private static ScenarioRun.Builder knotFault(String fault, Scale s, long seed, Duration during, Duration settle) {
    Duration length = s.before().plus(during).plus(settle).plus(s.after());
    return ScenarioRun.builder(fault)
        .events(s.eventsFor(length))
        .rate(s.rate())
        .seed(seed)
        .mix(DemoPlan.SKIPPED_PERCENT, s.unknownCardPercent(), DemoPlan.INVALID_CARD_PERCENT)
        .instances(INSTANCE)
        .check(switchedOutside(settle));
  }

  /**
   * Normal service for {@code before}, then {@code apply} (and {@code during}, which may watch the
   * fault), until {@code before + length}, then {@code clear}.
   */
  static ScenarioRun.FaultScript phase(Scale s, Duration length, String what, Consumer<FaultContext> apply,
      Consumer<FaultContext> clear, Consumer<FaultContext> during) {
    return ctx -> {
      ctx.awaitElapsed(s.before());
      ctx.faultStarted(what);
      ctx.detail(what);
      apply.accept(ctx);
      try {
        during.accept(ctx);
        ctx.awaitElapsed(s.before().plus(length));
      } finally {
        clear.accept(ctx);
      }
      ctx.faultEnded(what + " over");
      ctx.detail("after the fault");
    };
  }

  /**
   * Every valid card whose call started before the fault, or whose event came once the fault had
   * settled, is switched: the fault touched only what it overlapped, and switching resumed by
   * itself, without a restart.
   */
  static ScenarioRun.Check switchedOutside(Duration settle) {
    return (e, violations) -> {
      Optional<Instant> start = e.firstFaultStart();
      Optional<Instant> end = e.lastFaultEnd();
      if (start.isEmpty() || end.isEmpty()) {
        violations.add("the fault never started or never ended");
        return;
      }
      List<String> failed = new ArrayList<>();
      int after = 0;
      for (long t : e.tasksExpecting(ExpectedResult.SWITCHED)) {
        Optional<ResultLedger.Entry> first = e.ledger().first(t);
        if (first.isEmpty()) {
          continue;
        }
        ResultLedger.Entry r = first.get();
        // A call that started before the fault was answered before it; without an attempt, the result's time says.
        Instant touched = r.firstAttemptAt() != null ? r.firstAttemptAt() : r.completedAt();
        boolean before = r.receivedAt().isBefore(start.get().minus(GUARD)) && touched.isBefore(start.get());
        boolean settled = r.receivedAt().isAfter(end.get().plus(settle));
        if (settled) {
          after++;
        }
        if ((before || settled) && !r.switched()) {
          failed.add("task " + t + " (" + (before ? "before" : "after") + " the fault): " + r.result()
              + (r.detail().isEmpty() ? "" : " (" + r.detail() + ")"));
        }
      }
      if (after == 0) {
        violations.add("no valid card came " + settle.toSeconds() + " s after the fault: the run cannot show recovery");
      }
      if (!failed.isEmpty()) {
        violations.add("valid cards not switched outside the fault: " + Invariants.examples(failed));
      }
    };
  }

  static ServiceProcess instance(FaultContext ctx) {
    return ctx.stack().instance(INSTANCE).orElseThrow(() -> new SoakException(SoakException.NOT_STARTED,
        "instance " + INSTANCE + " is not running"));
  }

  static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
