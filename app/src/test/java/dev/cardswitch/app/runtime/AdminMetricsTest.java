package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void saysZeroWhileKnotAcceptsTheCredentials() {
    String text = AdminMetrics.render(KafkaStreams.State.REBALANCING, false, CircuitBreaker.State.CLOSED,
        new SwitchCounters());
    assertTrue(text.lines().anyMatch(l -> l.equals("card_switch_knot_authentication_failing 0")), text);
    assertTrue(text.lines().anyMatch(l -> l.equals("card_switch_streams_state{state=\"REBALANCING\"} 1")), text);
  }
}
