package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.ingress.IngressCounters;
import dev.cardswitch.ingress.Rejection;
import dev.cardswitch.topology.SwitchCounters;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class AdminMetricsTest {

  @Test
  void saysWhenKnotRefusesTheCredentialsAndCountsResultsByReason() {
    SwitchCounters counters = new SwitchCounters();
    counters.outcome("SWITCHED");
    counters.outcome("SWITCHED");
    counters.deadLetter("KNOT_AUTH_FAILED");
    counters.resentAfterRestart();
    counters.inFlight(3);

    String text = AdminMetrics.render(KafkaStreams.State.RUNNING, true, CircuitBreaker.State.OPEN, counters);

    List<String> samples = text.lines().filter(l -> !l.startsWith("#")).toList();
    assertEquals(List.of(
        "card_switch_knot_authentication_failing 1",
        "card_switch_knot_circuit_state{state=\"CLOSED\"} 0",
        "card_switch_knot_circuit_state{state=\"OPEN\"} 1",
        "card_switch_knot_circuit_state{state=\"HALF_OPEN\"} 0",
        "card_switch_streams_state{state=\"RUNNING\"} 1",
        "card_switch_calls_in_flight 3",
        "card_switch_outcomes_total{status=\"SWITCHED\"} 2",
        "card_switch_dead_letters_total{reason=\"KNOT_AUTH_FAILED\"} 1",
        "card_switch_resent_after_restart_total 1"), samples);
    assertTrue(text.contains("# TYPE card_switch_knot_authentication_failing gauge\n"), text);
    assertTrue(text.contains("# TYPE card_switch_dead_letters_total counter\n"), text);
  }

  @Test
  void countsClosingWebhooksOfTasksNotSwitchedByEventType() {
    SwitchCounters counters = new SwitchCounters();
    counters.lifecycleUnmatched("CARD_UPDATED");
    counters.lifecycleUnmatched("CARD_UPDATED");
    counters.lifecycleUnmatched("CARD_FAILED");

    String text = AdminMetrics.render(KafkaStreams.State.RUNNING, false, CircuitBreaker.State.CLOSED, counters);

    assertTrue(text.contains("# TYPE card_switch_lifecycle_unmatched_total counter\n"), text);
    assertTrue(text.lines().anyMatch(l -> l.equals("card_switch_lifecycle_unmatched_total{event_type=\"CARD_UPDATED\"} 2")), text);
    assertTrue(text.lines().anyMatch(l -> l.equals("card_switch_lifecycle_unmatched_total{event_type=\"CARD_FAILED\"} 1")), text);
  }

  @Test
  void saysZeroWhileKnotAcceptsTheCredentials() {
    String text = AdminMetrics.render(KafkaStreams.State.REBALANCING, false, CircuitBreaker.State.CLOSED,
        new SwitchCounters());
    assertTrue(text.lines().anyMatch(l -> l.equals("card_switch_knot_authentication_failing 0")), text);
    assertTrue(text.lines().anyMatch(l -> l.equals("card_switch_streams_state{state=\"REBALANCING\"} 1")), text);
  }

  @Test
  void exportsTheWebhookIngressCountersAndLatencyHistogram() {
    IngressCounters ingress = new IngressCounters();
    ingress.accepted(1_500_000, 1_000_000); // 1.5 ms, 1 of them waiting for the broker
    ingress.accepted(30_000_000, 27_000_000); // 30 ms, 27 of them waiting for the broker
    ingress.rejected(Rejection.BAD_SIGNATURE);

    String text = AdminMetrics.render(KafkaStreams.State.RUNNING, false, CircuitBreaker.State.CLOSED,
        new SwitchCounters(), ingress);

    List<String> lines = text.lines().toList();
    assertTrue(lines.contains("card_switch_webhooks_accepted_total 2"), text);
    assertTrue(lines.contains("card_switch_webhooks_rejected_total{reason=\"bad_signature\"} 1"), text);
    assertTrue(lines.contains("card_switch_webhooks_rejected_total{reason=\"not_a_knot_event\"} 0"), text);
    assertTrue(lines.contains("card_switch_webhook_latency_seconds_bucket{le=\"0.001\"} 0"), text);
    assertTrue(lines.contains("card_switch_webhook_latency_seconds_bucket{le=\"0.002\"} 1"), text);
    assertTrue(lines.contains("card_switch_webhook_latency_seconds_bucket{le=\"0.02\"} 1"), text);
    assertTrue(lines.contains("card_switch_webhook_latency_seconds_bucket{le=\"0.05\"} 2"), text);
    assertTrue(lines.contains("card_switch_webhook_latency_seconds_bucket{le=\"+Inf\"} 2"), text);
    assertTrue(lines.contains("card_switch_webhook_latency_seconds_count 2"), text);
    assertTrue(lines.contains("card_switch_webhook_latency_seconds_sum 0.0315"), text);
    assertTrue(text.contains("# TYPE card_switch_webhook_latency_seconds histogram\n"), text);
    // Less the broker's acknowledgement: 0.5 ms and 3 ms.
    assertTrue(lines.contains("card_switch_webhook_own_latency_seconds_bucket{le=\"0.001\"} 1"), text);
    assertTrue(lines.contains("card_switch_webhook_own_latency_seconds_bucket{le=\"0.005\"} 2"), text);
    assertTrue(lines.contains("card_switch_webhook_own_latency_seconds_sum 0.0035"), text);
  }

  @Test
  void leavesTheIngressOutWhenItDoesNotRun() {
    String text = AdminMetrics.render(KafkaStreams.State.RUNNING, false, CircuitBreaker.State.CLOSED,
        new SwitchCounters());
    assertTrue(text.lines().noneMatch(l -> l.contains("card_switch_webhook")), text);
  }
}
