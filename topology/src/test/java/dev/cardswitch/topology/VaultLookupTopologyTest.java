package dev.cardswitch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.SwitchStatus;
import dev.cardswitch.vault.CardVault;
import dev.cardswitch.vault.CardVaultException;
import dev.cardswitch.vault.InTestVault;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Card-vault lookup mode in the topology: a card reference carrying only a {@code card_token}, the
 * card fetched from the vault port off the stream thread, and each way the lookup can fail becoming
 * its dead letter.
 */
class VaultLookupTopologyTest extends TopologyHarness {

  private CardVault vaultPort;
  private InTestVault vault;

  @Override
  protected Topology topology(TopologyConfig config) {
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(SERVICE_KEY), JwkSetKeyRing.Options.DEFAULT);
    return SwitchTopology.build(config,
        new SwitchPorts(knot, ring, clock, counters, new CallDrain(), vaultPort), serdes);
  }

  private void startWithVault(TopologyConfig config) {
    vault = new InTestVault();
    vaultPort = vault;
    start(config);
  }

  private void loadTokenReference(String cardId, String token) {
    driver.createInputTopic(TopologyConfig.DEFAULT_CARD_REFERENCE_TOPIC, new StringSerializer(),
            serdes.cardReference().serializer())
        .pipeInput(cardId, CardReference.newBuilder()
            .setCardId(cardId).setExternalUserId("user-" + cardId).setLastFour("4242")
            .setCardEnvelope("").setCardToken(token).setUpdatedAt(clock.instant()).build());
    advance(Duration.ofMillis(10));
  }

  @Test
  void switchesACardLookedUpInTheVaultWithoutCardDataOnAnyTopic() {
    startWithVault(TopologyConfig.builder().window(Duration.ofSeconds(5)).build());
    vault.put("tok-1", TestCards.seedDocument());
    loadTokenReference("card-1", "tok-1");
    sendEvent(408321, "card-1", true);

    assertEquals(1, vault.lookups().size());
    assertEquals("tok-1", vault.lookups().get(0).cardToken());
    assertEquals(T0.plusMillis(10).plusSeconds(5), vault.lookups().get(0).deadline(), "the switch's own deadline");
    assertTrue(knot.calls().isEmpty(), "Knot waits for the card");

    vault.answer(0);
    assertEquals(1, knot.calls().size());
    assertTrue(FakeKnot.openJwe(knot.call(0)).contains("\"number\":\"" + TestCards.PAN + "\""), "Knot gets the card");
    knot.call(0).future().complete(FakeKnot.switched(clock.instant()));
    advance(Duration.ofMillis(10));

    SwitchOutcome outcome = outcomes.readValue();
    assertEquals(SwitchStatus.SWITCHED, outcome.getStatus());
    assertEquals("4242", outcome.getCardLastFour());
    assertTrue(deadLetters.isEmpty());
    for (String topic : driver.producedTopicNames()) {
      for (TestRecord<byte[], byte[]> record : driver.createOutputTopic(topic, new ByteArrayDeserializer(),
          new ByteArrayDeserializer()).readRecordsToList()) {
        String value = record.value() == null ? "" : new String(record.value(), StandardCharsets.ISO_8859_1);
        assertFalse(value.contains(TestCards.PAN) || value.contains(TestCards.LAST_NAME),
            "card data in clear on " + topic);
      }
    }
  }

  @Test
  void anUnknownCardBecomesCardNotFoundAndKnotIsNotCalled() {
    startWithVault(TopologyConfig.builder().window(Duration.ofSeconds(5)).build());
    loadTokenReference("card-1", "tok-unknown");
    sendEvent(7, "card-1", true);
    vault.answer(0);
    advance(Duration.ofMillis(10));

    DeadLetter letter = deadLetters.readValue();
    assertEquals(DeadLetterReason.CARD_NOT_FOUND, letter.getReason());
    assertTrue(letter.getDetail().contains("does not know the card token"), letter.getDetail());
    assertEquals("4242", letter.getCardLastFour());
    assertEquals(7L, letter.getTaskId());
    assertEquals(0, letter.getAttempts());
    assertTrue(letter.getReplayable());
    assertTrue(knot.calls().isEmpty());
  }

  @Test
  void eachVaultFailureBecomesItsOwnDeadLetterWithItsDetail() {
    startWithVault(TopologyConfig.builder().window(Duration.ofSeconds(5)).build());
    List<DeadLetterReason> reasons = List.of(DeadLetterReason.CARD_VAULT_UNAVAILABLE,
        DeadLetterReason.CARD_VAULT_RESPONSE_INVALID, DeadLetterReason.DEADLINE_EXCEEDED);
    for (int i = 0; i < reasons.size(); i++) {
      loadTokenReference("card-" + i, "tok-" + i);
      sendEvent(100 + i, "card-" + i, true);
      vault.fail(i, new CardVaultException(reasons.get(i), "vault failure " + reasons.get(i)));
      advance(Duration.ofMillis(10));
      DeadLetter letter = deadLetters.readValue();
      assertEquals(reasons.get(i), letter.getReason());
      assertEquals("vault failure " + reasons.get(i), letter.getDetail());
      assertEquals(100L + i, letter.getTaskId());
    }
    assertTrue(knot.calls().isEmpty());
  }

  @Test
  void anInvalidCardFromTheVaultBecomesInvalidCardDataWithItsFieldPaths() {
    startWithVault(TopologyConfig.builder().window(Duration.ofSeconds(5)).build());
    vault.put("tok-1", TestCards.seedDocument().region("ZZ"));
    loadTokenReference("card-1", "tok-1");
    sendEvent(9, "card-1", true);
    vault.answer(0);
    advance(Duration.ofMillis(10));

    DeadLetter letter = deadLetters.readValue();
    assertEquals(DeadLetterReason.INVALID_CARD_DATA, letter.getReason());
    assertTrue(letter.getInvalidFields().stream().anyMatch(f -> f.startsWith("user.address.region")),
        letter.getInvalidFields().toString());
    assertTrue(knot.calls().isEmpty());
  }

  @Test
  void aDeploymentWithoutAVaultDeadLettersATokenReferenceAsVaultUnavailable() {
    vaultPort = CardVault.NONE;
    start(TopologyConfig.builder().window(Duration.ofSeconds(5)).build());
    loadTokenReference("card-1", "tok-1");
    sendEvent(11, "card-1", true);
    advance(Duration.ofMillis(10));

    DeadLetter letter = deadLetters.readValue();
    assertEquals(DeadLetterReason.CARD_VAULT_UNAVAILABLE, letter.getReason());
    assertTrue(letter.getDetail().contains("CARD_SOURCE=vault"), letter.getDetail());
  }

  @Test
  void theCallSlotIsHeldFromTheLookupUntilKnotAnswers() {
    startWithVault(TopologyConfig.builder().window(Duration.ofSeconds(5)).maxInFlight(1).build());
    vault.put("tok-1", TestCards.seedDocument());
    vault.put("tok-2", TestCards.seedDocument());
    loadTokenReference("card-1", "tok-1");
    loadTokenReference("card-2", "tok-2");
    sendEvent(1, "card-1", true);
    sendEvent(2, "card-2", true);
    assertEquals(1, vault.lookups().size(), "one slot: the second switch waits");

    vault.answer(0);
    advance(Duration.ofMillis(10));
    assertEquals(1, vault.lookups().size(), "the slot stays taken while Knot is called");

    knot.call(0).future().complete(FakeKnot.switched(clock.instant()));
    advance(Duration.ofMillis(10));
    advance(Duration.ofMillis(10));
    assertEquals(2, vault.lookups().size(), "freed once Knot answered");
    assertEquals("tok-2", vault.lookups().get(1).cardToken());
  }

  @Test
  void anEnvelopeReferenceIsNeverLookedUp() {
    startWithVault(TopologyConfig.builder().window(Duration.ofSeconds(5)).build());
    loadReference("card-1");
    sendEvent(5, "card-1", true);
    assertTrue(vault.lookups().isEmpty());
    assertEquals(1, knot.calls().size());
  }
}
