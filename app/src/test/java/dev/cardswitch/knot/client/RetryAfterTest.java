package dev.cardswitch.knot.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  @Test
  void readsSeconds() {
    assertEquals(Optional.of(Duration.ofSeconds(7)), RetryAfter.parse(" 7 ", NOW));
  }

  @Test
  void readsAnHttpDate() {
    assertEquals(Optional.of(Duration.ofSeconds(90)), RetryAfter.parse("Mon, 1 Jun 2026 12:01:30 GMT", NOW));
  }

  @Test
  void aDateInThePastMeansNow() {
    assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse("Mon, 1 Jun 2026 11:00:00 GMT", NOW));
  }

  @Test
  void ignoresWhatItCannotRead() {
    assertTrue(RetryAfter.parse("soon", NOW).isEmpty());
    assertTrue(RetryAfter.parse("-3", NOW).isEmpty());
    assertTrue(RetryAfter.parse("", NOW).isEmpty());
    assertTrue(RetryAfter.parse(null, NOW).isEmpty());
    assertTrue(RetryAfter.parse("99999999999999999999", NOW).isEmpty());
  }
}
