package dev.cardswitch.knot.client;

import dev.cardswitch.knot.InvalidKnotJwkException;
import dev.cardswitch.knot.KnotCallResult;
import dev.cardswitch.knot.KnotGateway;
import dev.cardswitch.knot.KnotJwk;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Knot client: {@link KnotGateway} over one shared asynchronous {@link HttpClient}, guarded by
 * Resilience4j.
 *
 * <p>One {@link #sendCard} call is a sequence of attempts driven by a Resilience4j {@link Retry}
 * on {@link #scheduler}. Each attempt passes, in this order (Resilience4j's documented decorator
 * order), the circuit breaker ({@code tryAcquirePermission}), the rate limiter (a reservation; a
 * wait is scheduled, never slept), the bulkhead (a non-blocking semaphore), then gets Knot's key
 * from the {@link KeyCache} and posts the card with a per-request time-out. Resilience4j's own
 * {@code decorateCompletionStage} for the rate limiter and bulkhead would park the calling thread,
 * hence the explicit permission calls.
 *
 * <p>The deadline rule: an attempt starts only before the deadline, and its time-out is {@code
 * min(KNOT_CALL_TIMEOUT, deadline − start)}; a retry is scheduled only if it would start by {@code
 * deadline − KNOT_CALL_TIMEOUT}, so that it gets a full time-out: after a failure (a 5xx, a refused
 * connection) a shortened retry is unlikely to do better, and it would only make Knot's answer more
 * likely to arrive after we gave up. The back-off before retry {@code n} is "full jitter": uniform in
 * {@code [0, min(KNOT_BACKOFF_CAP, KNOT_BACKOFF_BASE × 2^(n−1))]}, and at least Knot's {@code
 * Retry-After}.
 *
 * <p>One card per task: a {@code POST /card} that was sent and got no answer (a time-out, a
 * connection lost) is never sent again, because Knot may have taken it and nothing in Knot's
 * documentation makes {@code POST /card} idempotent per {@code task_id}. The call ends there, with
 * {@link KnotCallResult#mayHaveSwitched()} set and its detail saying {@value
 * KnotCallResult#MAY_HAVE_SWITCHED}. Only what cannot have reached Knot is retried: answers (5xx,
 * 408, 429), refused connections and connect time-outs.
 *
 * <p>The circuit breaker counts only Knot's failures: a time-out cut short by the deadline (the
 * window had less left than {@code KNOT_CALL_TIMEOUT}) is not one (see {@link Verdict}).
 *
 * <p>All time decisions read the injected {@link Clock} (the circuit breaker's and the rate
 * limiter's too) and all delays go through the injected scheduler, so tests decide time.
 *
 * <p>Thread-safe. One instance per process and Knot account.
 */
public final class KnotClient implements KnotGateway, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KnotClient.class);

  final KnotClientConfig config;
  final Clock clock;
  final ScheduledExecutorService scheduler;
  final RandomGenerator random;
  final KnotHttp http;
  final KeyCache keys;
  final CircuitBreaker circuitBreaker;
  final RateLimiter rateLimiter;
  final Bulkhead bulkhead;
  final Retry retry;
  final URI cardUri;
  final URI keyUri;
  final KnotCallObserver observer;

  private final boolean ownsScheduler;
  private final AtomicReference<Instant> lastAuthenticationFailure = new AtomicReference<>();
  private volatile boolean authenticationFailing;

  /**
   * HTTP/2 for https: it multiplexes the calls over one TLS connection (negotiated by ALPN, so an
   * HTTP/1.1 server still works). HTTP/1.1 for plain http (the loopback sandbox): there HTTP/2
   * would only add an h2c upgrade offer to each new connection's first request, and it costs no
   * less per call than HTTP/1.1 (docs/BENCHMARKS.md item 25).
   */
  static HttpClient.Version versionFor(URI knotBaseUrl) {
    return "https".equalsIgnoreCase(knotBaseUrl.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
  }

  /** The JDK client as the Knot client uses it; also what the HTTP floor (HttpFloor, a test) measures. */
  static HttpClient httpClient(HttpClient.Version version, Duration connectTimeout) {
    return HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout)
        .version(version)
        // The client's own stages and ours run on the thread that completes them (its selector
        // thread, or the caller's), not on its default pool: that pool hands every stage of every
        // call to another thread (hundreds of threads at 800 calls/s, a wake-up per hand-off) and
        // cost about half the client's CPU per call. Safe because every stage here is short and
        // never blocks (the delays of retries and rate limits go through the scheduler).
        .executor(Runnable::run)
        .build();
  }

  private KnotClient(Builder b) {
    this.config = b.config;
    this.clock = b.clock;
    this.observer = b.observer;
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = b.scheduler != null ? b.scheduler : Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "knot-client-scheduler");
      t.setDaemon(true);
      return t;
    });
    this.random = b.random != null ? b.random : () -> ThreadLocalRandom.current().nextLong();
    HttpClient httpClient = httpClient(versionFor(config.knotBaseUrl()), config.knotCallTimeout());
    this.http = new KnotHttp(httpClient, config.knotCredentials(), config.knotMaxRedirects(), clock);
    this.cardUri = config.endpoint("/card");
    this.keyUri = config.endpoint("/jwe/key");
    this.keys = new KeyCache(this::fetchKeyForCache, clock, config.knotKeyTtl());
    this.circuitBreaker = CircuitBreaker.of("knot", CircuitBreakerConfig.custom()
        .clock(clock)
        .slidingWindow(config.knotCircuitWindow(), config.knotCircuitMinimumCalls(), CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .failureRateThreshold(config.knotCircuitFailureRate())
        .waitDurationInOpenState(config.knotCircuitOpenWait())
        .permittedNumberOfCallsInHalfOpenState(config.knotCircuitHalfOpenCalls())
        .build());
    // An SRE must see when card-switch stops calling Knot, and when it starts again.
    this.circuitBreaker.getEventPublisher().onStateTransition(event -> {
      var transition = event.getStateTransition();
      if (transition.getToState() == CircuitBreaker.State.OPEN) {
        LOG.warn("Knot circuit breaker {} -> OPEN: more than {} % of the last calls failed; POST /card is not sent"
            + " for {} (KNOT_CIRCUIT_OPEN_WAIT), switches meanwhile become KNOT_UNAVAILABLE or wait for their window",
            transition.getFromState(), config.knotCircuitFailureRate(), config.knotCircuitOpenWait());
      } else {
        LOG.info("Knot circuit breaker {} -> {}", transition.getFromState(), transition.getToState());
      }
    });
    this.rateLimiter = new AtomicRateLimiter("knot", RateLimiterConfig.custom()
        .limitForPeriod(config.knotRateLimitPerSecond())
        .limitRefreshPeriod(Duration.ofSeconds(1))
        .timeoutDuration(config.knotRateLimitMaxWait())
        .build(), () -> nanos(clock.instant()));
    this.bulkhead = Bulkhead.of("knot", BulkheadConfig.custom()
        .maxConcurrentCalls(config.knotMaxInFlight())
        .maxWaitDuration(Duration.ZERO)
        .build());
    this.retry = Retry.of("knot", RetryConfig.<CardCall.Step>custom()
        .maxAttempts(config.knotMaxAttempts())
        .retryOnResult(step -> step.retryIn() != null)
        .retryOnException(e -> false)
        .intervalBiFunction((attempt, either) -> either.isRight() && either.get().retryIn() != null
            ? either.get().retryIn().toMillis()
            : -1L)
        .build());
  }

  private static long nanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  /** A client with the system clock and its own scheduler thread. */
  public static KnotClient create(KnotClientConfig config) {
    return builder(config).build();
  }

  public static Builder builder(KnotClientConfig config) {
    return new Builder(config);
  }

  @Override
  public CompletableFuture<KnotCallResult> sendCard(long taskId, Function<KnotJwk, String> jweForKey, Instant deadline) {
    Objects.requireNonNull(jweForKey, "jweForKey");
    Objects.requireNonNull(deadline, "deadline");
    return new CardCall(this, taskId, jweForKey, deadline).run();
  }

  /**
   * Fetches Knot's key now, whatever the cache holds, and reports what came back; an acceptable
   * key replaces the cached one. Never completes exceptionally.
   */
  public CompletableFuture<KnotKeyFetch> fetchKey() {
    return http.get(keyUri, config.knotCallTimeout()).thenApply(answer -> {
      Verdict v = Verdict.ofKey(answer, clock.instant());
      noteAuthentication(v);
      int status = answer.response() == null ? 0 : answer.response().statusCode();
      String body = answer.response() == null ? "" : new String(answer.response().body(), StandardCharsets.UTF_8);
      if (v.kind() != Verdict.Kind.SUCCESS) {
        return new KnotKeyFetch(status, body, null, v.knotError(), v.detail());
      }
      try {
        KnotJwk key = KnotJwk.parse(body);
        keys.put(key);
        return new KnotKeyFetch(status, body, key, null, null);
      } catch (InvalidKnotJwkException e) {
        return new KnotKeyFetch(status, body, null, null, e.getMessage());
      }
    });
  }

  private CompletableFuture<KnotJwk> fetchKeyForCache() {
    return http.get(keyUri, config.knotCallTimeout()).thenApply(answer -> {
      Verdict v = Verdict.ofKey(answer, clock.instant());
      noteAuthentication(v);
      if (v.kind() != Verdict.Kind.SUCCESS) {
        throw new KeyCache.KeyUnavailableException(v);
      }
      try {
        KnotJwk key = KnotJwk.parse(new String(answer.response().body(), StandardCharsets.UTF_8));
        LOG.info("Knot key {} fetched ({} bits)", key.kid(), key.modulusBits());
        return key;
      } catch (InvalidKnotJwkException e) {
        LOG.error("{}", e.getMessage());
        throw new KeyCache.KeyUnavailableException(Verdict.local(Verdict.Kind.UNAVAILABLE, e.getMessage()));
      }
    });
  }

  /** Keeps the health signal: a 401 sets it, any authenticated answer clears it. */
  void noteAuthentication(Verdict v) {
    if (v.kind() == Verdict.Kind.AUTH) {
      lastAuthenticationFailure.set(clock.instant());
      if (!authenticationFailing) {
        LOG.error("Knot refused the credentials of client id {}: {}", config.knotCredentials().clientId(), v.detail());
      }
      authenticationFailing = true;
    } else if (v.httpStatus() >= 200 && v.httpStatus() < 500 && v.httpStatus() != 401) {
      authenticationFailing = false;
    }
  }

  /** Whether Knot's last answer to us was a 401: the credentials are wrong or revoked. */
  public boolean authenticationFailing() {
    return authenticationFailing;
  }

  /** When Knot last answered 401, if ever. */
  public Optional<Instant> lastAuthenticationFailure() {
    return Optional.ofNullable(lastAuthenticationFailure.get());
  }

  /** The circuit breaker's state, for health reports. */
  public CircuitBreaker.State circuitState() {
    return circuitBreaker.getState();
  }

  public KnotClientConfig config() {
    return config;
  }

  /** The circuit breaker guarding {@code POST /card}: for metrics (read its state, never drive it). */
  public CircuitBreaker circuitBreaker() {
    return circuitBreaker;
  }

  /** The retry of {@code POST /card} attempts: for metrics. */
  public Retry retry() {
    return retry;
  }

  /** The rate limiter of calls to Knot: for metrics. */
  public RateLimiter rateLimiter() {
    return rateLimiter;
  }

  /** The bulkhead bounding calls to Knot in flight: for metrics. */
  public Bulkhead bulkhead() {
    return bulkhead;
  }

  /** When Knot's JWE key now cached was fetched; empty before the first fetch or after a rejection cleared it. */
  public Optional<Instant> keyFetchedAt() {
    return keys.fetchedAt();
  }

  /** Stops the scheduler when this client created it; calls in flight are abandoned. */
  @Override
  public void close() {
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }

  /** Builds a {@link KnotClient}; clock, scheduler and random source are injectable for tests. Not thread-safe. */
  public static final class Builder {
    private final KnotClientConfig config;
    private Clock clock = Clock.systemUTC();
    private ScheduledExecutorService scheduler;
    private RandomGenerator random;
    private KnotCallObserver observer = KnotCallObserver.none();

    private Builder(KnotClientConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** The clock of every time decision (deadline, back-off, circuit breaker, rate limiter, key TTL). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** Runs retries and rate-limit waits; not shut down by {@link KnotClient#close()}. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler);
      return this;
    }

    /** The source of back-off jitter; must be thread-safe (e.g. {@code new java.util.Random(seed)}). */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random);
      return this;
    }

    /** Told of every {@code POST /card} exchange (latency, time left in the window): for metrics. */
    public Builder observer(KnotCallObserver observer) {
      this.observer = Objects.requireNonNull(observer);
      return this;
    }

    public KnotClient build() {
      return new KnotClient(this);
    }
  }
}
