package dev.cardswitch.knot.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.knot.KnotCallResult;
import dev.cardswitch.knot.KnotJwk;
import dev.cardswitch.sandbox.KnotSandbox;
import dev.cardswitch.sandbox.Latency;
import dev.cardswitch.sandbox.SandboxFaults;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One card per task at Knot, even when Knot answers after the call time-out: a POST that timed out
 * may have been taken (the sandbox takes it, then answers late), so sending it again would deliver
 * the card twice without anything saying so (the fault run "Knot slower than the call time-out" saw
 * Knot accept 17 to 33 cards twice out of about 170 before the client stopped re-sending). Instead,
 * the call ends with a result that says Knot may have switched the card.
 */
class KnotClientDeliveryTest {

  @Test
  void neverSendsACardAgainAfterATimeOutKnotMayHaveTakenItIn() throws Exception {
    try (KnotSandbox sandbox = KnotSandbox.builder().seed(7).start();
        CardDocument document = TestCards.seed001().build()) {
      sandbox.faults(SandboxFaults.builder().latency(Latency.fixed(Duration.ofSeconds(1))).build());
      KnotClient client = KnotClient.builder(KnotClientConfig.builder()
              .knotBaseUrl(sandbox.baseUrl())
              .knotCredentials(sandbox.credentials())
              .knotCallTimeout(Duration.ofMillis(300))
              .knotMaxAttempts(3)
              .build())
          .build();
      try {
        client.keys.put(KnotJwk.of(sandbox.currentPrivateKey()));
        KnotCallResult r = client.sendCard(77, TestCards.jweOf(document), Instant.now().plusSeconds(15))
            .get(20, TimeUnit.SECONDS);
        assertEquals(1, sandbox.calls(77).successes(), "Knot took the card " + sandbox.calls(77).successes()
            + " times for one task: " + r);
        assertEquals(1, r.attempts(), r.toString());
        assertTrue(r.mayHaveSwitched() && r.detail().contains(KnotCallResult.MAY_HAVE_SWITCHED),
            "the result says Knot may have switched the card: " + r);
      } finally {
        client.close();
      }
    }
  }
}
