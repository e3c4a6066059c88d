package dev.cardswitch.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class IngressCountersTest {

  @Test
  void theOwnTimeLeavesOutTheWaitForTheBroker() {
    IngressCounters counters = new IngressCounters();
    for (int i = 0; i < 99; i++) {
      counters.accepted(4_000_000, 3_000_000); // 4 ms, 3 of them the broker's: 1 ms own
    }
    counters.accepted(60_000_000, 45_000_000); // 60 ms, 15 ms own
    assertEquals(100, counters.acceptedCount());
    assertEquals(5L, counters.latency().percentileBoundMillis(99));
    assertEquals(1L, counters.ownLatency().percentileBoundMillis(99));
    assertEquals(20L, counters.ownLatency().percentileBoundMillis(100));
    assertEquals(100L, counters.latency().percentileBoundMillis(100));
    assertEquals(0.099 + 0.015, counters.ownLatency().sumSeconds(), 1e-9);
  }

  @Test
  void withoutAnyWebhookThereIsNoPercentile() {
    assertNull(new IngressCounters().ownLatency().percentileBoundMillis(99));
  }

  @Test
  void aBrokerWaitLongerThanTheWholeCountsAsNoOwnTime() {
    IngressCounters counters = new IngressCounters();
    counters.accepted(1_000_000, 2_000_000);
    assertEquals(1L, counters.ownLatency().percentileBoundMillis(99));
    assertEquals(0.0, counters.ownLatency().sumSeconds());
  }
}
