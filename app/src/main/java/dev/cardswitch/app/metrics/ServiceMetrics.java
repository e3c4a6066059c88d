package dev.cardswitch.app.metrics;

import com.nimbusds.jose.jwk.JWK;
import dev.cardswitch.knot.client.KnotCallObserver;
import dev.cardswitch.knot.client.KnotClient;
import dev.cardswitch.topology.SwitchCounters;
import dev.cardswitch.topology.SwitchMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetricsPublisher;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetricsPublisher;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetricsPublisher;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetricsPublisher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;

/**
 * One process's Micrometer registry, exported in Prometheus' text format by {@code GET /metrics}
 * after the hand-written families of {@code AdminMetrics} (whose names, labels and integer samples
 * are kept byte for byte: the soak and the benchmark compare them as text). It holds the JVM's
 * metrics (memory, GC, threads, class loading, CPU, uptime), Kafka Streams' and its clients' ({@code
 * kafka_stream_*}, {@code kafka_consumer_*}, {@code kafka_producer_*}, {@code kafka_admin_client_*}),
 * Resilience4j's for the Knot client ({@code resilience4j_circuitbreaker_*}, {@code
 * resilience4j_retry_*}, {@code resilience4j_ratelimiter_*}, {@code resilience4j_bulkhead_*}) and
 * card-switch's own ({@link MetricNames}). Labels hold event types, key ids, states and names:
 * never card data or task ids.
 *
 * <p>Thread-safe: meters are registered once and recorded from any thread.
 */
public final class ServiceMetrics implements AutoCloseable {

  /** The exposition format of {@link #scrape}: Prometheus text 0.0.4, what {@code AdminMetrics} writes. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  /**
   * Buckets of the {@code POST /card} latency: from a quick answer (50 ms) to Knot's whole window (15 s).
   */
  public static final List<Duration> KNOT_CALL_BUCKETS = millis(50, 100, 250, 500, 1000, 2000, 3000, 5000, 7500,
      10_000, 15_000);
  /** Buckets of the window left when Knot answered, up to the full 15 s (after the deadline counts as 0). */
  public static final List<Duration> WINDOW_LEFT_BUCKETS = millis(500, 1000, 2000, 3000, 5000, 7500, 10_000, 12_500,
      14_000, 15_000);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Clock clock;
  private final List<AutoCloseable> binders = new ArrayList<>();
  private final Timer knotCall;
  private final Timer windowLeft;

  public ServiceMetrics(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    binders.add(gc);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    this.knotCall = Timer.builder(MetricNames.KNOT_CALL)
        .description("POST /card exchanges with Knot, from sending to Knot's answer (or the time-out); a retry is another exchange")
        .serviceLevelObjectives(KNOT_CALL_BUCKETS.toArray(Duration[]::new))
        .register(registry);
    this.windowLeft = Timer.builder(MetricNames.KNOT_ANSWER_WINDOW_LEFT)
        .description("time left in the switch's window when Knot answered POST /card (0: after the deadline)")
        .serviceLevelObjectives(WINDOW_LEFT_BUCKETS.toArray(Duration[]::new))
        .register(registry);
  }

  /** The registry, to bind more meters. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The topology's metrics sink: {@code counters} plus this registry's domain meters. */
  public SwitchMetrics switchMetrics(SwitchCounters counters) {
    return new MeteredSwitchMetrics(counters, registry);
  }

  /** What the Knot client reports per {@code POST /card}: the latency and window-left histograms. */
  public KnotCallObserver knotCallObserver() {
    return (latency, leftInWindow) -> {
      knotCall.record(Math.max(0, latency.toNanos()), TimeUnit.NANOSECONDS);
      windowLeft.record(Math.max(0, leftInWindow.toNanos()), TimeUnit.NANOSECONDS);
    };
  }

  /** Kafka Streams' metrics and its clients' (consumer, producer, admin), refreshed as threads come and go. */
  public void bindStreams(KafkaStreams streams) {
    KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams);
    metrics.bindTo(registry);
    binders.add(metrics);
  }

  /** The Knot client's Resilience4j parts, and the age of Knot's cached JWE key. */
  public void bindKnot(KnotClient knot) {
    new TaggedCircuitBreakerMetricsPublisher(registry).publishMetrics(knot.circuitBreaker());
    new TaggedRetryMetricsPublisher(registry).publishMetrics(knot.retry());
    new TaggedRateLimiterMetricsPublisher(registry).publishMetrics(knot.rateLimiter());
    new TaggedBulkheadMetricsPublisher(registry).publishMetrics(knot.bulkhead());
    Gauge.builder(MetricNames.KNOT_KEY_AGE, knot, k -> k.keyFetchedAt().map(this::ageSeconds).orElse(Double.NaN))
        .description("seconds since Knot's JWE key in use was fetched (NaN before the first fetch)")
        .baseUnit("seconds")
        .register(registry);
  }

  /**
   * The age of card-switch's envelope keys (what issuers encrypt card references to), from each
   * key's {@code iat}; keys without one are not exported. A rotation policy alerts on it.
   */
  public void bindEnvelopeKeys(List<? extends JWK> publicKeys) {
    for (JWK key : publicKeys) {
      if (key.getIssueTime() != null && key.getKeyID() != null) {
        Instant issued = key.getIssueTime().toInstant();
        Gauge.builder(MetricNames.ENVELOPE_KEY_AGE, () -> ageSeconds(issued))
            .description("seconds since card-switch's envelope key was issued (its JWK iat), by kid")
            .baseUnit("seconds")
            .tag("kid", key.getKeyID())
            .register(registry);
      }
    }
  }

  private double ageSeconds(Instant since) {
    return Duration.between(since, clock.instant()).toMillis() / 1000.0;
  }

  /** The registry's meters in Prometheus' text format ({@link #CONTENT_TYPE}). */
  public String scrape() {
    return registry.scrape(CONTENT_TYPE);
  }

  @Override
  public void close() {
    for (AutoCloseable binder : binders) {
      try {
        binder.close();
      } catch (Exception e) {
        // closing a binder only stops its refresh; nothing to recover
      }
    }
    registry.close();
  }

  private static List<Duration> millis(long... values) {
    List<Duration> out = new ArrayList<>();
    for (long v : values) {
      out.add(Duration.ofMillis(v));
    }
    return List.copyOf(out);
  }
}
