package dev.cardswitch.app.metrics;

import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.topology.SwitchCounters;
import dev.cardswitch.topology.SwitchMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The topology's {@link SwitchMetrics} for a running service: everything goes to the in-memory
 * {@link SwitchCounters} (what {@code /metrics}, {@code /stats} and the demo have always read), and
 * the metrics that exist only in Micrometer are recorded on its meters: events by type and deadline
 * misses.
 *
 * <p>Called per event on stream threads: the meters are looked up once per label value and cached,
 * so a call is a map read and an atomic add. Event types come from the webhooks, so their number is
 * capped ({@link #MAX_EVENT_TYPES}); types beyond it are counted as {@link #OTHER_EVENT_TYPE}.
 * Thread-safe.
 */
public final class MeteredSwitchMetrics implements SwitchMetrics {

  /** Distinct {@code event_type} label values before new ones are counted as {@link #OTHER_EVENT_TYPE}. */
  public static final int MAX_EVENT_TYPES = 32;
  public static final String OTHER_EVENT_TYPE = "OTHER";
  private static final String DEADLINE_EXCEEDED = DeadLetterReason.DEADLINE_EXCEEDED.name();

  private final SwitchCounters counters;
  private final MeterRegistry registry;
  private final Map<String, Counter> events = new ConcurrentHashMap<>();
  private final Counter deadlineMisses;

  MeteredSwitchMetrics(SwitchCounters counters, MeterRegistry registry) {
    this.counters = Objects.requireNonNull(counters, "counters");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.deadlineMisses = Counter.builder(MetricNames.DEADLINE_MISSES)
        .description("switches whose window closed before Knot accepted the card (dead letters DEADLINE_EXCEEDED)")
        .register(registry);
  }

  @Override
  public void eventReceived(String eventType) {
    String type = eventType == null ? OTHER_EVENT_TYPE : eventType;
    Counter counter = events.get(type);
    if (counter == null) {
      counter = events.size() >= MAX_EVENT_TYPES
          ? events.computeIfAbsent(OTHER_EVENT_TYPE, this::eventCounter)
          : events.computeIfAbsent(type, this::eventCounter);
    }
    counter.increment();
  }

  private Counter eventCounter(String type) {
    return Counter.builder(MetricNames.EVENTS)
        .description("webhook events read from the webhook topic, by Knot event type")
        .tag("event_type", type)
        .register(registry);
  }

  @Override
  public void eventIgnored(String eventType) {
    counters.eventIgnored(eventType);
  }

  @Override
  public void outcome(String status) {
    counters.outcome(status);
  }

  @Override
  public void deadLetter(String reason) {
    counters.deadLetter(reason);
    if (DEADLINE_EXCEEDED.equals(reason)) {
      deadlineMisses.increment();
    }
  }

  @Override
  public void resentAfterRestart() {
    counters.resentAfterRestart();
  }

  @Override
  public void inFlight(int delta) {
    counters.inFlight(delta);
  }

  @Override
  public void statusRecordSkipped(String topic) {
    counters.statusRecordSkipped(topic);
  }

  @Override
  public void lifecycleUnmatched(String eventType) {
    counters.lifecycleUnmatched(eventType);
  }
}
