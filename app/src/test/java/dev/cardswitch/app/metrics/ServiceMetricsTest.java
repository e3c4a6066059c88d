package dev.cardswitch.app.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.topology.SwitchCounters;
import dev.cardswitch.topology.SwitchMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {

  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  @Test
  void countsEventsByTypeAndDeadlineMissesBesideTheCounters() {
    try (ServiceMetrics metrics = new ServiceMetrics(Clock.fixed(NOW, ZoneOffset.UTC))) {
      SwitchCounters counters = new SwitchCounters();
      SwitchMetrics sink = metrics.switchMetrics(counters);
      sink.eventReceived("AUTHENTICATED");
      sink.eventReceived("AUTHENTICATED");
      sink.eventReceived("CARD_UPDATED");
      sink.deadLetter("DEADLINE_EXCEEDED");
      sink.deadLetter("KNOT_REJECTED");
      sink.outcome("SWITCHED");

      List<String> lines = metrics.scrape().lines().toList();
      assertTrue(lines.contains("card_switch_events_total{event_type=\"AUTHENTICATED\"} 2.0"), lines::toString);
      assertTrue(lines.contains("card_switch_events_total{event_type=\"CARD_UPDATED\"} 1.0"), lines::toString);
      assertTrue(lines.contains("card_switch_deadline_misses_total 1.0"), lines::toString);
      // The counters behind the hand-written families still get everything.
      assertEquals(1L, counters.deadLetters().get("KNOT_REJECTED"));
      assertEquals(1L, counters.outcomes().get("SWITCHED"));
    }
  }

  @Test
  void capsTheEventTypesAWebhookProducerCanInvent() {
    try (ServiceMetrics metrics = new ServiceMetrics(Clock.systemUTC())) {
      SwitchMetrics sink = metrics.switchMetrics(new SwitchCounters());
      for (int i = 0; i < MeteredSwitchMetrics.MAX_EVENT_TYPES + 10; i++) {
        sink.eventReceived("TYPE_" + i);
      }
      String text = metrics.scrape();
      long series = text.lines().filter(l -> l.startsWith("card_switch_events_total{")).count();
      assertEquals(MeteredSwitchMetrics.MAX_EVENT_TYPES + 1, series, text);
      assertTrue(text.contains("card_switch_events_total{event_type=\"OTHER\"} 10.0"), text);
    }
  }

  @Test
  void recordsTheCardCallLatencyAndTheWindowLeftInSeconds() {
    try (ServiceMetrics metrics = new ServiceMetrics(Clock.systemUTC())) {
      metrics.knotCallObserver().cardExchanged(Duration.ofMillis(80), Duration.ofMillis(14_200));
      metrics.knotCallObserver().cardExchanged(Duration.ofMillis(3_000), Duration.ofMillis(-20)); // after the deadline
      List<String> lines = metrics.scrape().lines().toList();
      assertTrue(lines.contains("card_switch_knot_call_seconds_bucket{le=\"0.05\"} 0"), lines::toString);
      assertTrue(lines.contains("card_switch_knot_call_seconds_bucket{le=\"0.1\"} 1"), lines::toString);
      assertTrue(lines.contains("card_switch_knot_call_seconds_bucket{le=\"3.0\"} 2"), lines::toString);
      assertTrue(lines.contains("card_switch_knot_call_seconds_count 2"), lines::toString);
      assertTrue(lines.contains("card_switch_knot_answer_window_left_seconds_bucket{le=\"0.5\"} 1"), lines::toString);
      assertTrue(lines.contains("card_switch_knot_answer_window_left_seconds_bucket{le=\"15.0\"} 2"), lines::toString);
    }
  }

  @Test
  void exportsTheAgeOfEnvelopeKeysThatCarryAnIssueTime() {
    Clock later = Clock.fixed(Instant.now().plusSeconds(3600), ZoneOffset.UTC);
    try (ServiceMetrics metrics = new ServiceMetrics(later)) {
      var key = JwkSetKeyRing.generate("k-2026");
      metrics.bindEnvelopeKeys(List.of(key.toPublicJWK()));
      String sample = metrics.scrape().lines().filter(l -> l.startsWith("card_switch_envelope_key_age_seconds{"))
          .findFirst().orElseThrow();
      assertTrue(sample.startsWith("card_switch_envelope_key_age_seconds{kid=\"k-2026\"} "), sample);
      double age = Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1));
      assertTrue(age >= 3599 && age < 3700, sample);
      assertFalse(metrics.scrape().contains("\"d\""), "no private key material");
    }
  }
}
