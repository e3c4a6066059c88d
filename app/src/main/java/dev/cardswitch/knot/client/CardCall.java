package dev.cardswitch.knot.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cardswitch.knot.KnotCallResult;
import dev.cardswitch.knot.KnotCallResult.Outcome;
import dev.cardswitch.knot.KnotError;
import dev.cardswitch.knot.KnotJwk;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link KnotClient#sendCard} call: the attempts for one task, their permissions, and the
 * decision after each (done, or retry after a delay). See {@link KnotClient} for the rules.
 *
 * <p>Not shared: attempts run one after the other (each starts after the previous one's future
 * completed, which orders their memory effects), possibly on different threads.
 */
final class CardCall {

  private static final Logger LOG = LoggerFactory.getLogger(CardCall.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * The structured fields of the log lines of a call (JSON logs: {@code LOG_FORMAT=json}): Knot's
   * task id, the call's outcome once known, the attempt and its verdict. Never card data.
   */
  static final String TASK_ID = "task_id";
  static final String OUTCOME = "outcome";
  static final String ATTEMPT = "attempt";
  static final String VERDICT = "verdict";

  /**
   * What an attempt ended with: a final classification, or (when {@code retryIn} is set) the
   * classification to report if no retry happens and the delay before the next attempt.
   */
  record Step(Outcome outcome, int httpStatus, KnotError knotError, String detail, Duration retryIn,
      RuntimeException callerFailure, boolean mayHaveSwitched) {
    static Step done(Outcome outcome, Verdict v, String detail) {
      return new Step(outcome, v.httpStatus(), v.knotError(), detail, null, null, v.kind().mayHaveSwitched());
    }
  }

  private final KnotClient client;
  private final long taskId;
  private final Function<KnotJwk, String> jweForKey;
  private final Instant deadline;

  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicInteger posts = new AtomicInteger();
  private volatile Instant firstPostAt;
  private volatile Instant lastPostAt;
  private volatile boolean keyRefetched;
  private volatile KnotJwk jweKey;
  private volatile String jwe;

  CardCall(KnotClient client, long taskId, Function<KnotJwk, String> jweForKey, Instant deadline) {
    this.client = client;
    this.taskId = taskId;
    this.jweForKey = jweForKey;
    this.deadline = deadline;
  }

  CompletableFuture<KnotCallResult> run() {
    CompletableFuture<Step> steps;
    try {
      steps = client.retry.executeCompletionStage(client.scheduler, this::attempt).toCompletableFuture();
    } catch (RuntimeException e) {
      steps = CompletableFuture.failedFuture(e);
    }
    return steps
        .handle((step, failure) -> {
          if (failure != null) {
            // Not Knot and not the caller: e.g. the scheduler refused a retry because the client is closing.
            Throwable cause = unwrap(failure);
            LOG.atError().addKeyValue(TASK_ID, taskId).addKeyValue(OUTCOME, Outcome.UNAVAILABLE.name())
                .log("task {}: call abandoned: {}", taskId, cause.toString());
            return CompletableFuture.completedFuture(result(new Step(Outcome.UNAVAILABLE, 0, null,
                "call abandoned by the client (" + cause.getClass().getSimpleName() + ")", null, null, false)));
          }
          if (step.callerFailure() != null) {
            return CompletableFuture.<KnotCallResult>failedFuture(step.callerFailure());
          }
          KnotCallResult result = result(step);
          LOG.atDebug().addKeyValue(TASK_ID, taskId).addKeyValue(OUTCOME, result.outcome().name())
              .log("task {}: {}", taskId, result);
          return CompletableFuture.completedFuture(result);
        })
        .thenCompose(Function.identity());
  }

  private KnotCallResult result(Step step) {
    int sent = posts.get();
    return new KnotCallResult(step.outcome(), step.httpStatus(), step.knotError(), sent,
        sent == 0 ? null : firstPostAt, sent == 0 ? null : lastPostAt, step.detail(), step.mayHaveSwitched() && sent > 0);
  }

  /** Never throws: Resilience4j would otherwise leave the call's future incomplete. */
  private CompletionStage<Step> attempt() {
    try {
      return attempt0();
    } catch (RuntimeException e) {
      LOG.atError().addKeyValue(TASK_ID, taskId).log("task {}: attempt failed unexpectedly: {}", taskId, e.toString());
      return done(Step.done(Outcome.UNAVAILABLE, Verdict.local(Verdict.Kind.UNAVAILABLE, ""),
          "attempt failed inside the client (" + e.getClass().getSimpleName() + ")"));
    }
  }

  private CompletionStage<Step> attempt0() {
    int n = attempts.incrementAndGet();
    Instant now = client.clock.instant();
    if (!now.isBefore(deadline)) {
      return done(Step.done(Outcome.DEADLINE, Verdict.local(Verdict.Kind.DEADLINE, ""), "deadline passed before attempt " + n));
    }
    if (!client.circuitBreaker.tryAcquirePermission()) {
      return done(Step.done(Outcome.UNAVAILABLE, Verdict.local(Verdict.Kind.UNAVAILABLE, ""),
          "circuit breaker " + client.circuitBreaker.getState() + " after repeated Knot failures: Knot not called (attempt " + n + ")"));
    }
    long waitNanos = client.rateLimiter.reservePermission();
    if (waitNanos < 0) {
      client.circuitBreaker.releasePermission();
      return done(decide(n, Verdict.local(Verdict.Kind.RETRYABLE,
          "rate limit KNOT_RATE_LIMIT_PER_SECOND=" + client.config.knotRateLimitPerSecond() + " has no permit within KNOT_RATE_LIMIT_MAX_WAIT")));
    }
    if (waitNanos == 0) {
      return guarded(n);
    }
    if (!now.plusNanos(waitNanos).isBefore(deadline)) {
      client.circuitBreaker.releasePermission();
      return done(Step.done(Outcome.DEADLINE, Verdict.local(Verdict.Kind.DEADLINE, ""),
          "the rate limit's next permit comes after the deadline (attempt " + n + ")"));
    }
    CompletableFuture<Step> later = new CompletableFuture<>();
    client.scheduler.schedule(
        () -> guarded(n).whenComplete((step, e) -> {
          if (e != null) {
            later.completeExceptionally(e);
          } else {
            later.complete(step);
          }
        }),
        waitNanos, TimeUnit.NANOSECONDS);
    return later;
  }

  /** Holding a circuit-breaker permission: takes a bulkhead slot, calls Knot, records the outcome. */
  private CompletableFuture<Step> guarded(int n) {
    if (!client.bulkhead.tryAcquirePermission()) {
      client.circuitBreaker.releasePermission();
      return done(decide(n, Verdict.local(Verdict.Kind.RETRYABLE,
          "KNOT_MAX_IN_FLIGHT=" + client.config.knotMaxInFlight() + " calls already in flight")));
    }
    Instant start = client.clock.instant();
    CompletableFuture<Verdict> exchange;
    try {
      exchange = keyThenPost();
    } catch (RuntimeException e) {
      exchange = CompletableFuture.failedFuture(e);
    }
    return exchange
        .handle((verdict, failure) -> {
          Verdict v = failure == null ? verdict : Verdict.local(Verdict.Kind.UNAVAILABLE, "unexpected " + unwrap(failure).getClass().getSimpleName());
          long nanos = Math.max(0, Duration.between(start, client.clock.instant()).toNanos());
          switch (v.circuit()) {
            case FAILURE -> client.circuitBreaker.onError(nanos, TimeUnit.NANOSECONDS, new KnotFailure(v.detail()));
            case SUCCESS -> client.circuitBreaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            case NOT_COUNTED -> client.circuitBreaker.releasePermission();
          }
          client.bulkhead.onComplete();
          client.noteAuthentication(v);
          if (failure != null) {
            LOG.atError().addKeyValue(TASK_ID, taskId).addKeyValue(ATTEMPT, n).setCause(unwrap(failure))
                .log("task {}: unexpected failure in attempt {}", taskId, n);
          }
          return decide(n, v);
        });
  }

  /** Gets the key (cached or fetched), posts the card; after INVALID_JWE, refetches the key once. */
  private CompletableFuture<Verdict> keyThenPost() {
    return client.keys.current()
        .handle((key, failure) -> failure == null ? post(key) : CompletableFuture.completedFuture(keyFailure(failure)))
        .thenCompose(Function.identity());
  }

  private CompletableFuture<Verdict> post(KnotJwk key) {
    String body;
    try {
      body = body(jweFor(key));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(Verdict.callerFailed(e));
    }
    Instant at = client.clock.instant();
    if (!at.isBefore(deadline)) {
      return CompletableFuture.completedFuture(Verdict.local(Verdict.Kind.DEADLINE, "deadline passed before POST /card"));
    }
    Duration left = Duration.between(at, deadline);
    boolean cutByDeadline = left.compareTo(client.config.knotCallTimeout()) < 0;
    Duration timeout = cutByDeadline ? left : client.config.knotCallTimeout();
    if (posts.getAndIncrement() == 0) {
      firstPostAt = at;
    }
    lastPostAt = at;
    return client.http.postJson(client.cardUri, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), timeout)
        .thenCompose(answer -> {
          Instant answeredAt = client.clock.instant();
          client.observer.cardExchanged(Duration.between(at, answeredAt), Duration.between(answeredAt, deadline));
          Verdict v = Verdict.ofCard(answer, answeredAt, timeout, cutByDeadline);
          if (v.kind() != Verdict.Kind.INVALID_JWE) {
            return CompletableFuture.completedFuture(v);
          }
          if (keyRefetched) {
            return CompletableFuture.completedFuture(v.asPermanent("Knot rejected the JWE again after the key was refetched"));
          }
          keyRefetched = true;
          LOG.atInfo().addKeyValue(TASK_ID, taskId).addKeyValue(VERDICT, v.kind().name())
              .log("task {}: Knot answered INVALID_JWE for key {}; refetching the key once", taskId, key.kid());
          return client.keys.refreshAfterRejection(key)
              .handle((fresh, failure) -> {
                if (failure != null) {
                  return CompletableFuture.completedFuture(keyFailure(failure));
                }
                if (fresh.sameKeyAs(key)) {
                  return CompletableFuture.completedFuture(v.asPermanent("Knot's key is unchanged, so the JWE itself was refused"));
                }
                return post(fresh);
              })
              .thenCompose(Function.identity());
        });
  }

  /** The JWE for {@code key}: built once per distinct key, reused by retries. */
  private String jweFor(KnotJwk key) {
    KnotJwk previous = jweKey;
    if (previous != null && previous.sameKeyAs(key)) {
      return jwe;
    }
    String made = jweForKey.apply(key);
    if (made == null || made.isEmpty()) {
      throw new IllegalStateException("jweForKey returned no JWE");
    }
    jwe = made;
    jweKey = key;
    return made;
  }

  private String body(String jwe) {
    ObjectNode node = JSON.createObjectNode();
    node.put("task_id", taskId);
    node.put("jwe", jwe);
    return node.toString();
  }

  private static Verdict keyFailure(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof KeyCache.KeyUnavailableException k) {
      return k.verdict();
    }
    return Verdict.local(Verdict.Kind.UNAVAILABLE, "GET /jwe/key failed: " + cause.getClass().getSimpleName());
  }

  /** After attempt {@code n}: a final step, or a retry delay that respects the deadline rule. */
  private Step decide(int n, Verdict v) {
    LOG.atDebug().addKeyValue(TASK_ID, taskId).addKeyValue(ATTEMPT, n).addKeyValue(VERDICT, v.kind().name())
        .log("task {} attempt {}: {}", taskId, n, v.detail());
    return switch (v.kind()) {
      case SUCCESS -> Step.done(Outcome.SWITCHED, v, v.detail());
      // Never re-sent: Knot may have taken the card (see Verdict).
      case UNANSWERED -> Step.done(Outcome.UNAVAILABLE, v, v.detail());
      case UNANSWERED_BY_DEADLINE -> Step.done(Outcome.DEADLINE, v, v.detail());
      case PERMANENT, INVALID_JWE -> Step.done(Outcome.PERMANENT, v, v.detail());
      case AUTH -> Step.done(Outcome.AUTH, v, v.detail());
      case UNAVAILABLE -> Step.done(Outcome.UNAVAILABLE, v, v.detail());
      case DEADLINE -> Step.done(Outcome.DEADLINE, v, v.detail());
      case CALLER_FAILED -> new Step(Outcome.UNAVAILABLE, 0, null, v.detail(), null, v.callerFailure(), false);
      case RETRYABLE -> retryOrGiveUp(n, v);
    };
  }

  private Step retryOrGiveUp(int n, Verdict v) {
    int max = client.config.knotMaxAttempts();
    if (n >= max) {
      return Step.done(Outcome.UNAVAILABLE, v, v.detail() + "; gave up after " + n + " attempts (KNOT_MAX_ATTEMPTS=" + max + ")");
    }
    Duration delay = backoff(n);
    if (v.retryAfter() != null && v.retryAfter().compareTo(delay) > 0) {
      delay = v.retryAfter();
    }
    Instant nextStart = client.clock.instant().plus(delay);
    Duration callTimeout = client.config.knotCallTimeout();
    if (nextStart.plus(callTimeout).isAfter(deadline)) {
      return Step.done(Outcome.DEADLINE, v, v.detail() + "; no room for attempt " + (n + 1) + " before the deadline (it would start in "
          + delay.toMillis() + " ms and needs KNOT_CALL_TIMEOUT=" + callTimeout.toMillis() + " ms)");
    }
    return new Step(Outcome.UNAVAILABLE, v.httpStatus(), v.knotError(), v.detail(), delay, null, false);
  }

  /** Full jitter: uniform in [0, min(cap, base × 2^(n−1))] milliseconds. */
  private Duration backoff(int n) {
    long base = client.config.knotBackoffBase().toMillis();
    long cap = client.config.knotBackoffCap().toMillis();
    long exponential = n - 1 >= 31 ? Long.MAX_VALUE : base << (n - 1);
    long ceiling = Math.min(cap, exponential);
    return Duration.ofMillis(Math.floorMod(client.random.nextLong(), ceiling + 1));
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  private static CompletableFuture<Step> done(Step step) {
    return CompletableFuture.completedFuture(step);
  }

  /** What the circuit breaker records for a failed exchange; no stack trace, no card data. */
  static final class KnotFailure extends RuntimeException {
    KnotFailure(String detail) {
      super(detail, null, false, false);
    }
  }
}
