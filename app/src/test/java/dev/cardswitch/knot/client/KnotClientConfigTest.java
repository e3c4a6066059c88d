package dev.cardswitch.knot.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KnotClientConfigTest {

  private static Map<String, String> env(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static KnotClientConfigException rejected(Map<String, String> env) {
    return assertThrows(KnotClientConfigException.class, () -> KnotClientConfig.fromEnvironment(env));
  }

  @Test
  void defaultsToKnotsDevelopmentEnvironment() {
    KnotClientConfig c = KnotClientConfig.fromEnvironment(env("KNOT_CLIENT_ID", "id", "KNOT_SECRET", "s3cret"));
    assertEquals(URI.create("https://development.knotapi.com"), c.knotBaseUrl());
    assertEquals(KnotClientConfig.DEFAULT_KNOT_CALL_TIMEOUT, c.knotCallTimeout());
    assertEquals(KnotClientConfig.DEFAULT_KNOT_MAX_ATTEMPTS, c.knotMaxAttempts());
    assertEquals(URI.create("https://development.knotapi.com/jwe/key"), c.endpoint("/jwe/key"));
  }

  @Test
  void missingClientIdNamesTheVariableAndTheFix() {
    KnotClientConfigException e = rejected(env("KNOT_BASE_URL", "https://knot.example", "KNOT_SECRET", "s"));
    assertEquals("KNOT_CLIENT_ID", e.setting());
    assertEquals("KNOT_CLIENT_ID is not set: export it, or unset KNOT_BASE_URL to use the embedded sandbox", e.getMessage());
  }

  @Test
  void missingSecretWithoutBaseUrlSaysWhichKnotIsUsed() {
    KnotClientConfigException e = rejected(env("KNOT_CLIENT_ID", "id"));
    assertEquals("KNOT_SECRET", e.setting());
    assertTrue(e.getMessage().contains("https://development.knotapi.com"), e.getMessage());
  }

  @Test
  void plainHttpIsOnlyForLoopback() {
    KnotClientConfigException e = rejected(env("KNOT_BASE_URL", "http://knot.example", "KNOT_CLIENT_ID", "i", "KNOT_SECRET", "s"));
    assertTrue(e.getMessage().contains("use https://"), e.getMessage());
    for (String ok : new String[] {"http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9"}) {
      assertEquals(URI.create(ok), KnotClientConfig.fromEnvironment(env("KNOT_BASE_URL", ok, "KNOT_CLIENT_ID", "i", "KNOT_SECRET", "s")).knotBaseUrl());
    }
  }

  @Test
  void readsEverySettingFromItsVariable() {
    KnotClientConfig c = KnotClientConfig.fromEnvironment(env(
        "KNOT_CLIENT_ID", "i", "KNOT_SECRET", "s",
        "KNOT_CALL_TIMEOUT", "2500ms", "KNOT_MAX_ATTEMPTS", "6", "KNOT_BACKOFF_BASE", "PT0.1S", "KNOT_BACKOFF_CAP", "3s",
        "KNOT_CIRCUIT_FAILURE_RATE", "25", "KNOT_CIRCUIT_WINDOW", "40", "KNOT_CIRCUIT_MINIMUM_CALLS", "8",
        "KNOT_CIRCUIT_OPEN_WAIT", "1m", "KNOT_CIRCUIT_HALF_OPEN_CALLS", "2", "KNOT_RATE_LIMIT_PER_SECOND", "30",
        "KNOT_RATE_LIMIT_MAX_WAIT", "0s", "KNOT_MAX_IN_FLIGHT", "9", "KNOT_KEY_TTL", "1h", "KNOT_MAX_REDIRECTS", "1"));
    assertEquals(Duration.ofMillis(2500), c.knotCallTimeout());
    assertEquals(6, c.knotMaxAttempts());
    assertEquals(Duration.ofMillis(100), c.knotBackoffBase());
    assertEquals(Duration.ofSeconds(3), c.knotBackoffCap());
    assertEquals(25f, c.knotCircuitFailureRate());
    assertEquals(40, c.knotCircuitWindow());
    assertEquals(8, c.knotCircuitMinimumCalls());
    assertEquals(Duration.ofMinutes(1), c.knotCircuitOpenWait());
    assertEquals(2, c.knotCircuitHalfOpenCalls());
    assertEquals(30, c.knotRateLimitPerSecond());
    assertEquals(Duration.ZERO, c.knotRateLimitMaxWait());
    assertEquals(9, c.knotMaxInFlight());
    assertEquals(Duration.ofHours(1), c.knotKeyTtl());
    assertEquals(1, c.knotMaxRedirects());
  }

  @Test
  void badValuesNameTheSettingAndTheFix() {
    KnotClientConfigException e = rejected(env("KNOT_CLIENT_ID", "i", "KNOT_SECRET", "s", "KNOT_CALL_TIMEOUT", "soon"));
    assertEquals("KNOT_CALL_TIMEOUT", e.setting());
    assertTrue(e.getMessage().contains("250ms, 4s"), e.getMessage());
    e = rejected(env("KNOT_CLIENT_ID", "i", "KNOT_SECRET", "s", "KNOT_CALL_TIMEOUT", "20s"));
    assertEquals("KNOT_CALL_TIMEOUT is 20s, longer than Knot's 15-second window: set it to at most 15s (default 4s)",
        e.getMessage());
    e = rejected(env("KNOT_CLIENT_ID", "i", "KNOT_SECRET", "s", "KNOT_MAX_ATTEMPTS", "0"));
    assertEquals("KNOT_MAX_ATTEMPTS", e.setting());
    e = rejected(env("KNOT_CLIENT_ID", "i", "KNOT_SECRET", "s", "KNOT_BACKOFF_BASE", "5s", "KNOT_BACKOFF_CAP", "1s"));
    assertEquals("KNOT_BACKOFF_CAP", e.setting());
  }

  @Test
  void neverShowsTheSecret() {
    KnotClientConfig c = KnotClientConfig.fromEnvironment(env("KNOT_CLIENT_ID", "id-1", "KNOT_SECRET", "cf819749c0574616"));
    assertFalse(c.toString().contains("cf819749c0574616"), c.toString());
    assertFalse(c.knotCredentials().toString().contains("cf819749c0574616"));
    assertTrue(c.toString().contains("id-1"));
    assertEquals(c.toString(), c.toBuilder().build().toString());
  }

  @Test
  void durationsArePrintedAsTheyAreWritten() {
    assertEquals("250ms", KnotClientConfig.formatDuration(Duration.ofMillis(250)));
    assertEquals("1500ms", KnotClientConfig.formatDuration(Duration.ofMillis(1500)));
    assertEquals("4s", KnotClientConfig.formatDuration(Duration.ofSeconds(4)));
    assertEquals("90s", KnotClientConfig.formatDuration(Duration.ofSeconds(90)));
    assertEquals("15m", KnotClientConfig.formatDuration(Duration.ofMinutes(15)));
    assertEquals("2h", KnotClientConfig.formatDuration(Duration.ofHours(2)));
    assertEquals("0ms", KnotClientConfig.formatDuration(Duration.ZERO));
    for (String written : new String[] {"250ms", "4s", "90s", "15m", "2h"}) {
      assertEquals(written, KnotClientConfig.formatDuration(KnotClientConfig.parseDuration("X", written)));
    }
  }
}
