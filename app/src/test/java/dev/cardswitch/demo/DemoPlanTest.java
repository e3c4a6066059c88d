package dev.cardswitch.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.jwk.ECKey;
import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.carddoc.CardDocumentValidator;
import dev.cardswitch.carddoc.Violation;
import dev.cardswitch.envelope.JwkSetKeyRing;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.KnotWebhookEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoPlanTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-03-15T12:00:00Z"), ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ECKey serviceKey;
  private static JwkSetKeyRing keyRing;
  private static DemoPlan plan;

  @BeforeAll
  static void generate() {
    serviceKey = JwkSetKeyRing.generate("demo-test-key");
    keyRing = JwkSetKeyRing.of(List.of(serviceKey), JwkSetKeyRing.Options.DEFAULT);
    plan = planOf(1000, 7);
  }

  private static DemoPlan planOf(int events, long seed) {
    return DemoPlan.builder(serviceKey.toPublicJWK())
        .events(events)
        .seed(seed)
        .firstTaskId(5000)
        .runTag("t1")
        .clock(CLOCK)
        .build();
  }

  /** Clear JSON of a reference's document, opened with the service's key ring. */
  private static JsonNode open(CardReference reference) throws Exception {
    byte[] clear = keyRing.decrypt(reference.getCardEnvelope());
    try {
      return JSON.readTree(clear);
    } finally {
      Arrays.fill(clear, (byte) 0);
    }
  }

  private static List<Violation> violationsOf(CardReference reference) {
    byte[] clear = keyRing.decrypt(reference.getCardEnvelope());
    try (CardDocument document = CardDocument.fromJson(clear)) {
      return new CardDocumentValidator(CLOCK).validate(document);
    } finally {
      Arrays.fill(clear, (byte) 0);
    }
  }

  private static Map<String, PlannedEvent> firstEventByCard() {
    Map<String, PlannedEvent> byCard = new HashMap<>();
    for (PlannedEvent event : plan.events()) {
      byCard.putIfAbsent(event.cardId(), event);
    }
    return byCard;
  }

  @Test
  void theMixOfAThousandEventsIsWithinOnePercentOfTheIntendedShares() {
    Map<ExpectedResult, Integer> counts = plan.expectedCounts();

    assertEquals(1000, plan.events().size());
    assertEquals(1000, counts.values().stream().mapToInt(Integer::intValue).sum());
    assertWithin(100, counts.get(ExpectedResult.SKIPPED), 10);
    assertWithin(30, counts.get(ExpectedResult.NO_CARD_REFERENCE), 10);
    assertWithin(30, counts.get(ExpectedResult.INVALID_CARD_DATA), 10);
    assertWithin(840, counts.get(ExpectedResult.SWITCHED), 10);
    for (PlannedEvent event : plan.events()) {
      assertEquals(
          event.expected() != ExpectedResult.SKIPPED, event.sendCard(), "send_card of " + event);
    }
  }

  @Test
  void aFaultRunCanLeaveUnknownCardsOut() {
    DemoPlan small = DemoPlan.builder(serviceKey.toPublicJWK()).events(200).seed(9).mix(10, 0, 3).build();
    Map<ExpectedResult, Integer> counts = small.expectedCounts();
    assertEquals(20, counts.get(ExpectedResult.SKIPPED));
    assertEquals(0, counts.get(ExpectedResult.NO_CARD_REFERENCE));
    assertEquals(6, counts.get(ExpectedResult.INVALID_CARD_DATA));
    assertEquals(174, counts.get(ExpectedResult.SWITCHED));
    assertThrows(IllegalArgumentException.class, () -> DemoPlan.builder(serviceKey.toPublicJWK()).mix(60, 30, 20));
    assertThrows(IllegalArgumentException.class, () -> DemoPlan.builder(serviceKey.toPublicJWK()).mix(-1, 0, 0));
  }

  private static void assertWithin(int intended, int actual, int tolerance) {
    assertTrue(
        Math.abs(intended - actual) <= tolerance, "expected about " + intended + ", got " + actual);
  }

  @Test
  void invalidCardsBreakEveryRuleInTurn() {
    Map<InvalidCardRule, Integer> byRule = new EnumMap<>(InvalidCardRule.class);
    for (PlannedEvent event : plan.events()) {
      if (event.brokenRule() != null) {
        byRule.merge(event.brokenRule(), 1, Integer::sum);
      }
    }
    assertEquals(Set.of(InvalidCardRule.values()), byRule.keySet());
    int min = byRule.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
    int max = byRule.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    assertTrue(max - min <= 1, "rules used evenly: " + byRule);
  }

  @Test
  void tasksAreUniqueAndCardsRepeatAtDifferentMerchantsOnly() {
    Set<Long> tasks = plan.events().stream().map(PlannedEvent::taskId).collect(Collectors.toSet());
    assertEquals(1000, tasks.size());
    assertEquals(5000L, plan.events().get(0).taskId());
    assertEquals(plan.events().size(), plan.expectations().size());

    Map<String, List<PlannedEvent>> byCard =
        plan.events().stream().collect(Collectors.groupingBy(PlannedEvent::cardId));
    assertTrue(
        byCard.size() < plan.events().size(), "some cards are switched at several merchants");
    for (List<PlannedEvent> events : byCard.values()) {
      assertTrue(events.size() <= DemoPlan.MAX_EVENTS_PER_CARD, "at most 3 events per card");
      assertEquals(
          events.size(),
          events.stream().map(PlannedEvent::merchantId).distinct().count(),
          "one event per merchant and card");
      assertEquals(
          1,
          events.stream().map(PlannedEvent::externalUserId).distinct().count(),
          "a card belongs to one user");
      if (events.size() > 1) {
        assertTrue(
            events.stream()
                .allMatch(
                    e ->
                        e.expected() == ExpectedResult.SWITCHED
                            || e.expected() == ExpectedResult.SKIPPED),
            "only valid cards are reused");
      }
    }
  }

  @Test
  void everyCardButTheUnknownOnesHasExactlyOneReference() {
    Map<String, CardReference> references = new HashMap<>();
    for (CardReference reference : plan.references()) {
      assertNull(references.put(reference.getCardId(), reference), "one reference per card");
      assertTrue(reference.getCardId().startsWith("card-t1-"), reference.getCardId());
    }
    for (PlannedEvent event : plan.events()) {
      boolean unknown = event.expected() == ExpectedResult.NO_CARD_REFERENCE;
      assertEquals(
          !unknown, references.containsKey(event.cardId()), "reference of " + event.cardId());
      if (!unknown) {
        assertEquals(event.externalUserId(), references.get(event.cardId()).getExternalUserId());
      }
    }
    assertEquals(
        firstEventByCard().size() - plan.expectedCounts().get(ExpectedResult.NO_CARD_REFERENCE),
        plan.references().size());
  }

  @Test
  void validCardsPassTheValidatorAndInvalidOnesFailOnExactlyTheirRule() {
    Map<String, PlannedEvent> byCard = firstEventByCard();
    int valid = 0;
    int invalid = 0;
    for (CardReference reference : plan.references()) {
      PlannedEvent event = byCard.get(reference.getCardId());
      List<Violation> violations = violationsOf(reference);
      if (event.brokenRule() == null) {
        assertEquals(List.of(), violations, "valid card " + reference.getCardId());
        valid++;
      } else {
        assertEquals(1, violations.size(), event.brokenRule() + " " + violations);
        assertEquals(event.brokenRule().fieldPath(), violations.get(0).fieldPath());
        invalid++;
      }
    }
    assertEquals(plan.expectedCounts().get(ExpectedResult.INVALID_CARD_DATA), invalid);
    assertTrue(valid > 600, "valid cards checked: " + valid);
  }

  @Test
  void invalidCardsBreakTheirRuleAsDescribed() {
    Map<String, PlannedEvent> byCard = firstEventByCard();
    for (CardReference reference : plan.references()) {
      InvalidCardRule rule = byCard.get(reference.getCardId()).brokenRule();
      if (rule == null) {
        continue;
      }
      String described = violationsOf(reference).get(0).rule();
      String expectedWord =
          switch (rule) {
            case POSTAL_CODE -> "characters";
            case EXPIRED -> "past";
            case LUHN -> "Luhn";
            case REGION -> "ISO 3166-2";
            case PHONE -> "E.164";
          };
      assertTrue(described.contains(expectedWord), rule + ": " + described);
    }
  }

  @Test
  void cardsLookReal() throws Exception {
    Set<String> bins = new HashSet<>();
    for (CardReference reference : plan.references()) {
      JsonNode doc = open(reference);
      String number = doc.at("/card/number").asText();
      assertEquals(16, number.length());
      bins.add(number.substring(0, 6));
      assertEquals(number.substring(12), reference.getLastFour());
      assertTrue(doc.at("/card/cvv").asText().matches("\\d{3}"));
      assertEquals("US", doc.at("/user/address/country").asText());
      assertFalse(doc.at("/user/name/first_name").asText().isBlank());
    }
    assertEquals(Set.of("424242", "400000", "555555", "222300"), bins, "test BINs only");
  }

  @Test
  void everyEnvelopeIsSealedToTheServiceKeyWithItsKid() throws Exception {
    for (CardReference reference : plan.references()) {
      JWEObject jwe = JWEObject.parse(reference.getCardEnvelope());
      assertEquals("demo-test-key", jwe.getHeader().getKeyID());
      assertEquals("ECDH-ES", jwe.getHeader().getAlgorithm().getName());
      assertEquals("A256GCM", jwe.getHeader().getEncryptionMethod().getName());
      open(reference); // opens with the service key ring, or throws
    }
  }

  @Test
  void noReferenceFieldHoldsTheClearNumberOrName() throws Exception {
    for (CardReference reference : plan.references()) {
      JsonNode doc = open(reference);
      String number = doc.at("/card/number").asText();
      String first = doc.at("/user/name/first_name").asText();
      String last = doc.at("/user/name/last_name").asText();
      String street = doc.at("/user/address/street").asText();
      // The envelope is base64url ciphertext: short words could occur in it by chance, whole values
      // cannot.
      assertFalse(
          reference.toString().contains(number), "number in clear in " + reference.getCardId());
      assertFalse(reference.toString().contains(first + " " + last), "name in clear");
      assertFalse(reference.toString().contains(street), "street in clear");
      assertFalse(jweHeader(reference).contains(number));
      for (String field :
          new String[] {
            reference.getCardId(), reference.getExternalUserId(), reference.getLastFour()
          }) {
        assertFalse(field.contains(first) || field.contains(last), "name in a field in clear");
        assertFalse(field.length() > 4 && number.contains(field), "number in a field in clear");
      }
      assertNull(reference.getFidoResponseJwt());
    }
  }

  private static String jweHeader(CardReference reference) throws Exception {
    return JWEObject.parse(reference.getCardEnvelope()).getHeader().toString();
  }

  @Test
  void theSameSeedGivesTheSamePlanAndAnotherSeedAnotherOne() throws Exception {
    DemoPlan plan = planOf(200, 7);
    DemoPlan again = planOf(200, 7);
    DemoPlan other = planOf(200, 8);

    assertEquals(plan.events(), again.events());
    assertEquals(plan.references().size(), again.references().size());
    for (int i = 0; i < plan.references().size(); i++) {
      CardReference a = plan.references().get(i);
      CardReference b = again.references().get(i);
      assertEquals(a.getCardId(), b.getCardId());
      assertEquals(a.getLastFour(), b.getLastFour());
      assertEquals(open(a), open(b), "same card document");
      assertNotEquals(
          a.getCardEnvelope(), b.getCardEnvelope(), "a fresh ephemeral key per envelope");
    }
    assertNotEquals(plan.events(), other.events());
    assertNotEquals(open(plan.references().get(0)), open(other.references().get(0)));
  }

  @Test
  void eventsAreStampedWhenProducedWithKnotsTimestampALittleEarlier() {
    PlannedEvent planned = plan.events().get(0);
    Instant receivedAt = Instant.parse("2026-03-15T12:00:01.500Z");
    KnotWebhookEvent event = planned.toEvent(receivedAt);

    assertEquals("AUTHENTICATED", event.getEvent());
    assertEquals(planned.taskId(), event.getTaskId());
    assertEquals(Long.toString(planned.taskId()), planned.key());
    assertEquals(planned.cardId(), event.getData().getCardId());
    assertEquals(planned.sendCard(), event.getData().getSendCard());
    assertEquals(receivedAt, event.getReceivedAt());
    long lead = receivedAt.toEpochMilli() - event.getTimestamp().toEpochMilli();
    assertTrue(lead >= 40 && lead <= 400, "Knot's timestamp " + lead + " ms before receipt");
    assertEquals(36, event.getSessionId().length());
  }

  @Test
  void smallPlansStillWorkAndProgressIsReported() {
    int[] last = new int[2];
    DemoPlan small =
        DemoPlan.builder(serviceKey)
            .events(3)
            .seed(1)
            .clock(CLOCK)
            .progress(
                (done, total) -> {
                  last[0] = done;
                  last[1] = total;
                })
            .build();
    assertEquals(3, small.events().size());
    assertEquals(small.references().size(), last[0]);
    assertEquals(small.references().size(), last[1]);
  }

  @Test
  void rejectsImpossibleSettings() {
    assertThrows(IllegalArgumentException.class, () -> DemoPlan.builder(serviceKey).events(0));
    assertThrows(
        IllegalArgumentException.class, () -> DemoPlan.builder(serviceKey).runTag("no spaces"));
    assertThrows(IllegalArgumentException.class, () -> DemoPlan.builder(serviceKey).firstTaskId(0));
    assertThrows(
        IllegalArgumentException.class,
        () -> DemoPlan.builder(serviceKey).firstTaskId(Long.MAX_VALUE).events(2).build());
  }

  @Test
  void luhnCheckDigitMatchesAKnownTestNumber() {
    assertEquals(2, DemoCards.luhnCheckDigit("424242424242424".toCharArray(), 15));
    assertEquals(4, DemoCards.luhnCheckDigit("555555555555444".toCharArray(), 15));
  }
}
