package dev.cardswitch.topology;

import com.nimbusds.jose.jwk.ECKey;
import dev.cardswitch.carddoc.CardDocument;
import dev.cardswitch.envelope.EnvelopeEncrypter;
import dev.cardswitch.schemas.CardReference;
import dev.cardswitch.schemas.KnotEventData;
import dev.cardswitch.schemas.KnotMerchant;
import dev.cardswitch.schemas.KnotWebhookEvent;
import java.time.Instant;
import java.util.Arrays;

/** Card references and Knot events for tests; the card values are test values known to the test. */
public final class TestCards {

  public static final String PAN = "4242424242424242";
  public static final String CVV = "012";
  public static final String FIRST_NAME = "Ada";
  public static final String LAST_NAME = "Lovelace";

  private TestCards() {}

  /** Seed 001's sample document (expiry 08/2030). */
  public static CardDocument.Builder seedDocument() {
    return CardDocument.builder()
        .firstName(FIRST_NAME).lastName(LAST_NAME)
        .street("100 Main Street").street2("#100").city("NEW YORK").region("NY").postalCode("12345").country("US")
        .phoneNumber("+11234567890")
        .number(PAN).expiration("08/2030").cvv(CVV);
  }

  public static CardReference reference(String cardId, CardDocument.Builder document, ECKey serviceKey, Instant at) {
    try (CardDocument doc = document.build()) {
      byte[] json = doc.toJson();
      try {
        return CardReference.newBuilder()
            .setCardId(cardId)
            .setExternalUserId("user-" + cardId)
            .setLastFour(doc.lastFour())
            .setCardEnvelope(new EnvelopeEncrypter(serviceKey).encrypt(json))
            .setUpdatedAt(at)
            .build();
      } finally {
        Arrays.fill(json, (byte) 0);
      }
    }
  }

  public static KnotWebhookEvent authenticated(long taskId, String cardId, boolean sendCard, Instant receivedAt) {
    return event("AUTHENTICATED", taskId, cardId, sendCard, receivedAt);
  }

  public static KnotWebhookEvent event(String type, long taskId, String cardId, Boolean sendCard, Instant receivedAt) {
    return KnotWebhookEvent.newBuilder()
        .setEvent(type)
        .setSessionId("fb5aa994-ed1c-4c3e-b29a-b2a53222e584")
        .setTaskId(taskId)
        .setExternalUserId("user-" + cardId)
        .setMerchant(new KnotMerchant(10L, "Uber"))
        .setData(KnotEventData.newBuilder().setCardId(cardId).setSendCard(sendCard).setEntrypoint("onboarding").build())
        .setTimestamp(receivedAt.minusMillis(120))
        .setReceivedAt(receivedAt)
        .build();
  }
}
