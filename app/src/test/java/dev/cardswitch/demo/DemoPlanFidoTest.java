package dev.cardswitch.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.fido.AcceptedJtis;
import dev.cardswitch.fido.CardinalApiKey;
import dev.cardswitch.fido.CardinalFidoConfig;
import dev.cardswitch.fido.FidoCheck;
import dev.cardswitch.fido.FidoGateMode;
import dev.cardswitch.fido.FidoResponseVerifier;
import dev.cardswitch.fido.HmacIssuedJtis;
import dev.cardswitch.schemas.CardReference;
import java.time.Clock;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's Cardinal stand-in and its share of failed authentications, checked by the service's own verifier. */
class DemoPlanFidoTest {

  private static final ECKey SERVICE_KEY = JwkSetKeyRing.generate("demo-fido-test");
  private final CardinalApiKey key = new CardinalApiKey("demo-key-id", "k".repeat(16) + "0123456789abcdef");
  private final CardinalFidoConfig cardinal = new CardinalFidoConfig(key, "org", "https://issuer.example/return");
  private final FidoResponseVerifier verifier =
      new FidoResponseVerifier(key, new HmacIssuedJtis(key), Clock.systemUTC());
  private final AcceptedJtis everyOnce = (jti, owner, expiresAt) -> true;

  @Test
  void requiredPlansAShareOfFailedAuthenticationsAndValidResultsForEveryOtherCard() {
    DemoPlan plan = DemoPlan.builder(SERVICE_KEY.toPublicJWK()).events(200).seed(5)
        .fido(new DemoCardinal(cardinal, FidoGateMode.REQUIRED, Clock.systemUTC())).build();

    assertEquals(6, plan.expectedCounts().get(ExpectedResult.CARDHOLDER_NOT_AUTHENTICATED));
    Map<String, CardReference> references = new HashMap<>();
    plan.references().forEach(r -> references.put(r.getCardId(), r));
    Map<FidoCheck.Reason, Integer> failures = new EnumMap<>(FidoCheck.Reason.class);
    for (PlannedEvent event : plan.events()) {
      CardReference reference = references.get(event.cardId());
      if (event.expected() == ExpectedResult.NO_CARD_REFERENCE) {
        assertNull(reference);
        continue;
      }
      FidoCheck check = verifier.verify(reference.getFidoResponseJwt(), everyOnce, event.cardId());
      if (event.expected() == ExpectedResult.CARDHOLDER_NOT_AUTHENTICATED) {
        assertTrue(!check.passed(), event + ": " + check);
        failures.merge(check.reason(), 1, Integer::sum);
      } else {
        assertTrue(check.passed(), event + ": " + check);
      }
    }
    // The four failures in turn, each a check of its own.
    assertEquals(Map.of(FidoCheck.Reason.CHALLENGE_NOT_AUTHENTICATED, 2, FidoCheck.Reason.ERROR_NUMBER, 2,
        FidoCheck.Reason.MISSING, 1, FidoCheck.Reason.UNKNOWN_AUD, 1), failures);
  }

  @Test
  void auditPlansNoFailuresAndOffCarriesNoToken() {
    DemoPlan audit = DemoPlan.builder(SERVICE_KEY.toPublicJWK()).events(100).seed(5)
        .fido(new DemoCardinal(cardinal, FidoGateMode.AUDIT, Clock.systemUTC())).build();
    assertEquals(0, audit.expectedCounts().get(ExpectedResult.CARDHOLDER_NOT_AUTHENTICATED));
    assertTrue(audit.references().stream().allMatch(r -> r.getFidoResponseJwt() != null));

    DemoPlan off = DemoPlan.builder(SERVICE_KEY.toPublicJWK()).events(100).seed(5).build();
    assertTrue(off.references().stream().allMatch(r -> r.getFidoResponseJwt() == null));
  }
}
