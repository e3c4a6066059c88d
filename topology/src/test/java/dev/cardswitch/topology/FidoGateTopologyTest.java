package dev.cardswitch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.fido.CardinalApiKey;
import dev.cardswitch.fido.CardinalFidoConfig;
import dev.cardswitch.fido.FidoGate;
import dev.cardswitch.fido.FidoGateMode;
import dev.cardswitch.fido.FidoRequestMinter;
import dev.cardswitch.fido.FidoResponseVerifier;
import dev.cardswitch.fido.HmacIssuedJtis;
import dev.cardswitch.fido.TestCardinal;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import dev.cardswitch.testing.LogCapture;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;

/** The Cardinal FIDO gate in the switch, per FIDO_GATE mode, through {@link org.apache.kafka.streams.TopologyTestDriver}. */
class FidoGateTopologyTest extends TopologyHarness {

  private static final String REF = "1234-54322-12354-6454";

  private final String secret = secret();
  private final CardinalApiKey key = new CardinalApiKey("issuer-api-key-id", secret);
  private final HmacIssuedJtis issued = new HmacIssuedJtis(key);
  private FidoGateMode mode = FidoGateMode.REQUIRED;

  @Override
  protected Topology topology(TopologyConfig config) {
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(SERVICE_KEY), JwkSetKeyRing.Options.DEFAULT);
    FidoGate gate = FidoGate.of(mode, mode == FidoGateMode.OFF ? null : new FidoResponseVerifier(key, issued, clock));
    return SwitchTopology.build(config, new SwitchPorts(knot, ring, clock, counters).withFido(gate), serdes);
  }

  private void start(FidoGateMode mode) {
    this.mode = mode;
    start();
  }

  /** What the issuer's front end and Cardinal produce: a request minted by the service, answered by Cardinal. */
  private TestCardinal cardinalAnswer() {
    String aud = new FidoRequestMinter(new CardinalFidoConfig(key, "org-unit", "https://issuer.example/return"),
        issued, clock).mint(REF).jti();
    return TestCardinal.response(secret, aud, REF, clock.instant());
  }

  private void loadReference(String cardId, String fidoJwt) {
    CardReference reference = CardReference.newBuilder(
            TestCards.reference(cardId, TestCards.seedDocument(), SERVICE_KEY, clock.instant()))
        .setFidoResponseJwt(fidoJwt).build();
    driver.createInputTopic(TopologyConfig.DEFAULT_CARD_REFERENCE_TOPIC, new StringSerializer(),
        serdes.cardReference().serializer()).pipeInput(cardId, reference);
    advance(Duration.ofMillis(10));
  }

  private SwitchOutcome answerSwitched() {
    knot.call(knot.calls().size() - 1).future().complete(FakeKnot.switched(clock.instant()));
    advance(Duration.ofMillis(10));
    return outcomes.readValue();
  }

  @Test
  void requiredSwitchesACardWithAVerifiedFidoResultAndRecordsIt() {
    start(FidoGateMode.REQUIRED);
    loadReference("card-1", cardinalAnswer().jwt());
    sendEvent(501, "card-1", true);

    assertEquals(1, knot.calls().size());
    SwitchOutcome outcome = answerSwitched();
    assertEquals(SwitchStatus.SWITCHED, outcome.getStatus());
    assertEquals("PASSED ReferenceId=" + REF, outcome.getFidoCheck());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void requiredDeadLettersAFailedChallengeWithoutCallingKnotOrRepeatingTheToken() {
    start(FidoGateMode.REQUIRED);
    String jwt = cardinalAnswer().payload("ChallengeState", "Failure").jwt();
    try (LogCapture logs = LogCapture.capture()) {
      loadReference("card-1", jwt);
      sendEvent(502, "card-1", true);

      assertTrue(knot.calls().isEmpty(), "the card is not sent");
      DeadLetter dead = deadLetters.readValue();
      assertEquals(DeadLetterReason.CARDHOLDER_NOT_AUTHENTICATED, dead.getReason());
      assertTrue(dead.getDetail().contains("CHALLENGE_NOT_AUTHENTICATED"), dead.getDetail());
      assertTrue(dead.getDetail().contains("ReferenceId " + REF), dead.getDetail());
      assertTrue(dead.getReplayable());
      assertEquals(TestCards.reference("x", TestCards.seedDocument(), SERVICE_KEY, clock.instant()).getLastFour(),
          dead.getCardLastFour());
      for (String part : jwt.split("\\.")) {
        assertFalse(dead.toString().contains(part), "the token never reaches a dead letter");
        assertFalse(logs.text().contains(part), "nor a log line");
      }
    }
    assertTrue(outcomes.isEmpty());
  }

  @Test
  void requiredDeadLettersACardReferenceWithoutFidoResult() {
    start(FidoGateMode.REQUIRED);
    loadReference("card-1", null);
    sendEvent(503, "card-1", true);

    DeadLetter dead = deadLetters.readValue();
    assertEquals(DeadLetterReason.CARDHOLDER_NOT_AUTHENTICATED, dead.getReason());
    assertTrue(dead.getDetail().contains("MISSING"), dead.getDetail());
    assertTrue(knot.calls().isEmpty());
  }

  @Test
  void requiredAcceptsAFidoResultForItsOwnCardAtSeveralMerchantsButNotForAnotherCard() {
    start(FidoGateMode.REQUIRED);
    String jwt = cardinalAnswer().jwt();
    loadReference("card-1", jwt);
    sendEvent(504, "card-1", true);
    assertEquals(SwitchStatus.SWITCHED, answerSwitched().getStatus());
    sendEvent(505, "card-1", true);
    assertEquals(SwitchStatus.SWITCHED, answerSwitched().getStatus(), "the same cardholder at another merchant");

    loadReference("card-2", jwt); // the token copied into another cardholder's reference
    sendEvent(506, "card-2", true);
    DeadLetter dead = deadLetters.readValue();
    assertEquals(506L, dead.getTaskId());
    assertEquals(DeadLetterReason.CARDHOLDER_NOT_AUTHENTICATED, dead.getReason());
    assertTrue(dead.getDetail().contains("REPLAYED"), dead.getDetail());
    assertEquals(2, knot.calls().size());
  }

  @Test
  void requiredRefusesAResultThatExpiredWhileTheReferenceWaited() {
    start(FidoGateMode.REQUIRED);
    loadReference("card-1", cardinalAnswer().jwt());
    advance(FidoResponseVerifier.MAX_AGE);
    sendEvent(509, "card-1", true);

    DeadLetter dead = deadLetters.readValue();
    assertEquals(DeadLetterReason.CARDHOLDER_NOT_AUTHENTICATED, dead.getReason());
    assertTrue(dead.getDetail().contains("EXPIRED"), dead.getDetail());
  }

  @Test
  void auditSwitchesAnywayAndRecordsTheFailedCheck() {
    start(FidoGateMode.AUDIT);
    loadReference("card-1", cardinalAnswer().payload("ErrorNumber", "1000").jwt());
    sendEvent(507, "card-1", true);

    assertEquals(1, knot.calls().size());
    SwitchOutcome outcome = answerSwitched();
    assertEquals(SwitchStatus.SWITCHED, outcome.getStatus());
    assertEquals("ERROR_NUMBER ReferenceId=" + REF, outcome.getFidoCheck());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void offIgnoresTheFidoResult() {
    start(FidoGateMode.OFF);
    loadReference("card-1", "not even a jwt");
    sendEvent(508, "card-1", true);

    SwitchOutcome outcome = answerSwitched();
    assertEquals(SwitchStatus.SWITCHED, outcome.getStatus());
    assertNull(outcome.getFidoCheck());
  }

  private static String secret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
