package dev.cardswitch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.sandbox.Latency;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchSettingsTest {

  @Test
  void theSandboxLatencyIsUniformWithinTheJitter() {
    BenchSettings settings = BenchSettings.builder().latency(Duration.ofMillis(200)).jitter(0.2).build();
    assertEquals(Latency.uniform(Duration.ofMillis(160), Duration.ofMillis(240)), settings.sandboxLatency());
  }

  @Test
  void noJitterIsAFixedLatencyAndNoLatencyIsNone() {
    assertEquals(Latency.fixed(Duration.ofMillis(50)),
        BenchSettings.builder().latency(Duration.ofMillis(50)).jitter(0).build().sandboxLatency());
    assertEquals(Latency.NONE, BenchSettings.builder().latency(Duration.ZERO).build().sandboxLatency());
  }

  @Test
  void theDefaultsAreTheIssuesSetting() {
    BenchSettings d = BenchSettings.builder().build();
    assertEquals(Duration.ofMillis(200), d.latency());
    assertEquals(0.2, d.jitter());
    assertEquals(1, d.instances());
    assertEquals(0, d.rate());
  }

  @Test
  void neverMoreCardsThanEvents() {
    assertEquals(30, BenchSettings.builder().events(20).warmup(10).cards(300).build().cards());
  }

  @Test
  void errorsNameTheFlag() {
    assertMessage("--events", () -> BenchSettings.builder().events(0).build());
    assertMessage("--rate", () -> BenchSettings.builder().rate(-1).build());
    assertMessage("--jitter", () -> BenchSettings.builder().jitter(1.5).build());
    assertMessage("--verify-share", () -> BenchSettings.builder().verifyShare(2).build());
    assertMessage("--instances", () -> BenchSettings.builder().instances(0).build());
    assertMessage("--warmup", () -> BenchSettings.builder().warmup(-1).build());
    assertMessage("--latency-ms", () -> BenchSettings.builder().latency(Duration.ofMillis(-1)).build());
  }

  private static void assertMessage(String flag, org.junit.jupiter.api.function.Executable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
    assertTrue(e.getMessage().contains(flag), e.getMessage());
  }
}
