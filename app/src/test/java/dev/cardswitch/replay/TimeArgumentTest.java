package dev.cardswitch.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TimeArgumentTest {

  static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @Test
  void readsInstantsDatesAndAges() {
    assertEquals(Instant.parse("2026-11-25T10:00:00Z"), TimeArgument.parse("--from", "2026-11-25T10:00:00Z", CLOCK));
    assertEquals(Instant.parse("2026-11-25T10:00:00Z"), TimeArgument.parse("--from", "2026-11-25T11:00+01:00", CLOCK));
    assertEquals(Instant.parse("2026-11-25T10:30:00Z"), TimeArgument.parse("--from", "2026-11-25T10:30", CLOCK));
    assertEquals(Instant.parse("2026-11-25T08:00:00Z"), TimeArgument.parse("--to", "2026-11-25T08:00Z", CLOCK));
    assertEquals(Instant.parse("2026-11-25T08:00:00.250Z"), TimeArgument.parse("--to", "2026-11-25t08:00:00.25z", CLOCK));
    assertEquals(Instant.parse("2026-11-24T00:00:00Z"), TimeArgument.parse("--from", "2026-11-24", CLOCK));
    assertEquals(NOW, TimeArgument.parse("--to", "now", CLOCK));
    assertEquals(NOW.minus(Duration.ofHours(2)), TimeArgument.parse("--from", "2h ago", CLOCK));
    assertEquals(NOW.minus(Duration.ofMinutes(30)), TimeArgument.parse("--from", "30m ago", CLOCK));
    assertEquals(NOW.minus(Duration.ofDays(1)), TimeArgument.parse("--from", "1d ago", CLOCK));
    assertEquals(NOW.minus(Duration.ofSeconds(45)), TimeArgument.parse("--from", "45s ago", CLOCK));
    assertEquals(NOW.minus(Duration.ofMinutes(90)), TimeArgument.parse("--from", "PT90M ago", CLOCK));
  }

  @Test
  void rejectsAnythingElseNamingTheOptionAndTheForms() {
    ReplayException e = assertThrows(ReplayException.class, () -> TimeArgument.parse("--to", "yesterday", CLOCK));
    assertTrue(e.getMessage().startsWith("--to is \"yesterday\""), e.getMessage());
    assertTrue(e.getMessage().contains("2h ago"), e.getMessage());
    assertEquals(ReplayException.BAD_OPTION, e.reason());
  }
}
