package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.knot.KnotCallResult;
import dev.cardswitch.knot.client.KnotClient;
import dev.cardswitch.knot.client.KnotClientConfig;
import dev.cardswitch.knot.client.TestCards;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.sandbox.Latency;
import dev.cardswitch.sandbox.SandboxFaults;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The naive baseline's gateway against the Knot sandbox with a real client: the caller waits for Knot. */
class BlockingKnotGatewayTest {

  private static final Duration LATENCY = Duration.ofMillis(300);

  @Test
  void sendCardReturnsOnlyOnceKnotHasAnswered() throws Exception {
    try (KnotSandbox sandbox = KnotSandbox.builder().port(0).start();
        KnotClient client = KnotClient.create(KnotClientConfig.fromEnvironment(Map.of(
            KnotClientConfig.KNOT_BASE_URL, sandbox.baseUrl().toString(),
            KnotClientConfig.KNOT_CLIENT_ID, sandbox.credentials().clientId(),
            KnotClientConfig.KNOT_SECRET, sandbox.credentials().revealSecret())));
        CardDocument card = TestCards.seed001().build()) {
      sandbox.faults(SandboxFaults.builder().latency(Latency.fixed(LATENCY)).build());
      BlockingKnotGateway gateway = new BlockingKnotGateway(client);

      long started = System.nanoTime();
      CompletableFuture<KnotCallResult> call =
          gateway.sendCard(7001, TestCards.jweOf(card), Instant.now().plusSeconds(15));
      Duration blocked = Duration.ofNanos(System.nanoTime() - started);

      assertTrue(call.isDone(), "the future is complete when sendCard returns");
      assertTrue(blocked.compareTo(LATENCY) >= 0, "the caller waited for Knot's answer: " + blocked);
      assertEquals(KnotCallResult.Outcome.SWITCHED, call.join().outcome());
      assertEquals(1, sandbox.calls(7001).successes());
    }
  }

  @Test
  void aCallThatFailsInsideCardSwitchIsReturnedAsTheFailedFuture() {
    try (KnotSandbox sandbox = KnotSandbox.builder().port(0).start();
        KnotClient client = KnotClient.create(KnotClientConfig.fromEnvironment(Map.of(
            KnotClientConfig.KNOT_BASE_URL, sandbox.baseUrl().toString(),
            KnotClientConfig.KNOT_CLIENT_ID, sandbox.credentials().clientId(),
            KnotClientConfig.KNOT_SECRET, sandbox.credentials().revealSecret())))) {
      RuntimeException broken = new IllegalStateException("the card could not be encrypted");
      BlockingKnotGateway gateway = new BlockingKnotGateway(client);

      CompletableFuture<KnotCallResult> call = gateway.sendCard(7002, key -> {
        throw broken;
      }, Instant.now().plusSeconds(15));

      assertTrue(call.isCompletedExceptionally(), "returned complete, with the failure in it");
      Throwable failure = call.handle((r, e) -> e).join();
      assertTrue(failure == broken || failure.getCause() == broken, String.valueOf(failure));
      assertEquals(0, sandbox.stats().cardRequests(), "nothing reached Knot");
    }
  }
}
