package dev.cardswitch.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SandboxFaultsTest {

  @Test
  void roundTripsThroughJson() {
    SandboxFaults f = SandboxFaults.builder()
        .latency(Latency.logNormal(Duration.ofMillis(120), Duration.ofMillis(900)))
        .serverErrors(0.1, 503)
        .tooManyRequests(0.05, 2)
        .retryAfterAsDate(true)
        .crossOriginRedirect(URI.create("http://127.0.0.1:9/card"))
        .outage(SandboxFaults.Outage.UNAVAILABLE)
        .outageFor(Duration.ofSeconds(5))
        .times(7)
        .rejectCredentials(true)
        .build();
    assertEquals(f.toJson(), SandboxFaults.fromJson(f.toJson()).toJson());
  }

  @Test
  void rejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> SandboxFaults.builder().errorShare(1.5).build());
    assertThrows(IllegalArgumentException.class, () -> SandboxFaults.builder().serverErrors(0.5, 404).build());
    assertThrows(IllegalArgumentException.class, () -> SandboxFaults.builder().redirect(SandboxFaults.Redirect.CROSS_ORIGIN).build());
    assertThrows(IllegalArgumentException.class, () -> Latency.uniform(Duration.ofSeconds(2), Duration.ofSeconds(1)));
  }

  @Test
  void uniformLatencyStaysWithinItsBounds() {
    Latency l = Latency.uniform(Duration.ofMillis(10), Duration.ofMillis(20));
    Random r = new Random(1);
    for (int i = 0; i < 1000; i++) {
      Duration d = l.sample(r);
      assertTrue(d.toMillis() >= 10 && d.toMillis() <= 20, d.toString());
    }
  }

  @Test
  void logNormalLatencyHasTheRequestedMedianAndP99() {
    Latency l = Latency.logNormal(Duration.ofMillis(100), Duration.ofMillis(1000));
    Random r = new Random(5);
    long[] ms = new long[20_000];
    for (int i = 0; i < ms.length; i++) {
      ms[i] = l.sample(r).toMillis();
    }
    Arrays.sort(ms);
    long p50 = ms[ms.length / 2];
    long p99 = ms[(int) (ms.length * 0.99)];
    assertTrue(p50 >= 90 && p50 <= 110, "p50=" + p50);
    assertTrue(p99 >= 850 && p99 <= 1150, "p99=" + p99);
  }
}
