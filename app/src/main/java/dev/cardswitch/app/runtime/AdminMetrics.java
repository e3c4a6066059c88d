package dev.cardswitch.app.runtime;

import dev.cardswitch.ingress.IngressCounters;
import dev.cardswitch.ingress.Rejection;
import dev.cardswitch.topology.SwitchCounters;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The body of {@code GET /metrics}: card-switch's counters in Prometheus' text format (version
 * 0.0.4), so a scraper (or a person with curl) sees what the health endpoint summarises: whether
 * Knot refuses the credentials, the circuit breaker's state, the streams' state, calls in flight,
 * outcomes by status, dead letters by reason, calls re-sent after a restart, ignored events; and,
 * when the webhook ingress runs, webhooks accepted, rejected by reason, and the latency from receipt
 * to the 200. Labels hold only statuses, reasons, states and Knot event types: never card data.
 * Stateless.
 */
public final class AdminMetrics {

  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private AdminMetrics() {}

  /** The exposition of the given state, without the webhook ingress. */
  public static String render(KafkaStreams.State streams, boolean knotAuthenticationFailing,
      CircuitBreaker.State circuit, SwitchCounters counters) {
    return render(streams, knotAuthenticationFailing, circuit, counters, null);
  }

  /** The exposition of the given state; {@code ingress} null when the webhook ingress does not run. */
  public static String render(KafkaStreams.State streams, boolean knotAuthenticationFailing,
      CircuitBreaker.State circuit, SwitchCounters counters, IngressCounters ingress) {
    StringBuilder out = new StringBuilder();
    gauge(out, "card_switch_knot_authentication_failing",
        "1 while Knot refuses card-switch's credentials (its last answer was a 401): fix KNOT_CLIENT_ID / KNOT_SECRET",
        knotAuthenticationFailing ? 1 : 0);
    header(out, "card_switch_knot_circuit_state", "gauge",
        "1 for the Knot circuit breaker's current state (OPEN: Knot is not called until it half-opens)");
    for (CircuitBreaker.State state : new CircuitBreaker.State[] {CircuitBreaker.State.CLOSED,
        CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN}) {
      sample(out, "card_switch_knot_circuit_state", "state", state.name(), state == circuit ? 1 : 0);
    }
    if (circuit != CircuitBreaker.State.CLOSED && circuit != CircuitBreaker.State.OPEN
        && circuit != CircuitBreaker.State.HALF_OPEN) {
      sample(out, "card_switch_knot_circuit_state", "state", circuit.name(), 1);
    }
    header(out, "card_switch_streams_state", "gauge", "1 for the Kafka Streams state of this instance");
    sample(out, "card_switch_streams_state", "state", streams.name(), 1);
    gauge(out, "card_switch_calls_in_flight", "calls to Knot in flight now", counters.inFlight());
    counters(out, "card_switch_outcomes_total", "outcomes published, by status", "status", counters.outcomes());
    counters(out, "card_switch_dead_letters_total", "dead letters published by the topology, by reason", "reason",
        counters.deadLetters());
    header(out, "card_switch_resent_after_restart_total", "counter",
        "calls to Knot sent again after a restart found them in flight");
    out.append("card_switch_resent_after_restart_total ").append(counters.resentCount()).append('\n');
    counters(out, "card_switch_events_ignored_total", "webhook events of other types, ignored", "event_type",
        counters.ignored());
    counters(out, "card_switch_status_records_skipped_total",
        "records the switch-status store could not read and skipped, by topic", "topic", counters.statusSkipped());
    counters(out, "card_switch_lifecycle_unmatched_total",
        "closing webhooks (CARD_UPDATED, CARD_FAILED) of tasks card-switch did not switch in time: kept in the"
            + " task's history, no lifecycle record published", "event_type", counters.lifecycleUnmatched());
    if (ingress != null) {
      ingress(out, ingress);
    }
    return out.toString();
  }

  private static void ingress(StringBuilder out, IngressCounters ingress) {
    header(out, "card_switch_webhooks_accepted_total", "counter",
        "Knot webhooks produced to the webhook topic and acknowledged by the broker (answered 200)");
    out.append("card_switch_webhooks_accepted_total ").append(ingress.acceptedCount()).append('\n');
    header(out, "card_switch_webhooks_rejected_total", "counter",
        "Knot webhooks refused, by reason (4xx: nothing produced; 503: Knot retries)");
    for (Map.Entry<Rejection, Long> e : ingress.rejectedCounts().entrySet()) {
      sample(out, "card_switch_webhooks_rejected_total", "reason", e.getKey().label(), e.getValue());
    }
    histogram(out, "card_switch_webhook_latency_seconds",
        "time from a webhook's receipt to its 200 (the broker's acknowledgement included)", ingress.latency());
    histogram(out, "card_switch_webhook_own_latency_seconds",
        "time from a webhook's receipt to its 200 less the wait for the broker's acknowledgement", ingress.ownLatency());
  }

  private static void histogram(StringBuilder out, String name, String help, IngressCounters.Histogram histogram) {
    header(out, name, "histogram", help);
    long[] cumulative = histogram.cumulative();
    for (int i = 0; i < IngressCounters.LATENCY_BUCKETS_MILLIS.size(); i++) {
      sample(out, name + "_bucket", "le", Double.toString(IngressCounters.LATENCY_BUCKETS_MILLIS.get(i) / 1000.0),
          cumulative[i]);
    }
    sample(out, name + "_bucket", "le", "+Inf", cumulative[cumulative.length - 1]);
    out.append(name).append("_sum ").append(histogram.sumSeconds()).append('\n');
    out.append(name).append("_count ").append(cumulative[cumulative.length - 1]).append('\n');
  }

  private static void gauge(StringBuilder out, String name, String help, long value) {
    header(out, name, "gauge", help);
    out.append(name).append(' ').append(value).append('\n');
  }

  private static void counters(StringBuilder out, String name, String help, String label, Map<String, Long> values) {
    header(out, name, "counter", help);
    values.forEach((key, value) -> sample(out, name, label, key, value));
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(StringBuilder out, String name, String label, String value, long sample) {
    out.append(name).append('{').append(label).append("=\"").append(escape(value)).append("\"} ").append(sample)
        .append('\n');
  }

  /** Label values as the format wants them: backslash, quote and newline escaped. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
