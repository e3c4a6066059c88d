package dev.cardswitch.demo;

import dev.cardswitch.schemas.KnotEventData;
import dev.cardswitch.schemas.KnotMerchant;
import dev.cardswitch.schemas.KnotWebhookEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * One AUTHENTICATED event of a {@link DemoPlan}, everything but its times, and the result it must
 * end as. Its webhook record is made at the moment it is produced ({@link #toEvent}), so Knot's
 * 15-second window starts then. Holds no card data: {@code cardId} is the issuer's identifier.
 * Immutable; thread-safe.
 *
 * @param knotLeadMillis how much earlier than the receipt Knot's {@code timestamp} says the event
 *     was emitted (Knot's clock and the webhook's delivery)
 * @param brokenRule the rule the card breaks when {@code expected} is {@link
 *     ExpectedResult#INVALID_CARD_DATA}, else null
 */
public record PlannedEvent(
    long taskId,
    String sessionId,
    String externalUserId,
    String cardId,
    long merchantId,
    String merchantName,
    boolean sendCard,
    String entrypoint,
    long knotLeadMillis,
    ExpectedResult expected,
    InvalidCardRule brokenRule) {

  /** Knot's event type for a cardholder who logged in at the merchant. */
  public static final String AUTHENTICATED = "AUTHENTICATED";

  public PlannedEvent {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(externalUserId, "externalUserId");
    Objects.requireNonNull(cardId, "cardId");
    Objects.requireNonNull(merchantName, "merchantName");
    Objects.requireNonNull(entrypoint, "entrypoint");
    Objects.requireNonNull(expected, "expected");
    if ((expected == ExpectedResult.INVALID_CARD_DATA) != (brokenRule != null)) {
      throw new IllegalArgumentException(
          "a broken rule goes with INVALID_CARD_DATA, and only with it");
    }
    if (knotLeadMillis < 0) {
      throw new IllegalArgumentException(
          "knotLeadMillis must not be negative, was " + knotLeadMillis);
    }
  }

  /** The webhook event as card-switch records it: received at {@code receivedAt}. */
  public KnotWebhookEvent toEvent(Instant receivedAt) {
    return KnotWebhookEvent.newBuilder()
        .setEvent(AUTHENTICATED)
        .setSessionId(sessionId)
        .setTaskId(taskId)
        .setExternalUserId(externalUserId)
        .setMerchant(new KnotMerchant(merchantId, merchantName))
        .setData(
            KnotEventData.newBuilder()
                .setCardId(cardId)
                .setSendCard(sendCard)
                .setEntrypoint(entrypoint)
                .build())
        .setTimestamp(receivedAt.minusMillis(knotLeadMillis))
        .setReceivedAt(receivedAt)
        .build();
  }

  /**
   * The webhook body as Knot POSTs it (knot-facts.md), emitted {@code knotLeadMillis} before
   * {@code sentAt}; the ingress stamps the receipt.
   */
  public String toKnotBody(Instant sentAt) {
    com.fasterxml.jackson.databind.node.ObjectNode body = BODY.createObjectNode()
        .put("event", AUTHENTICATED).put("session_id", sessionId).put("task_id", taskId)
        .put("external_user_id", externalUserId);
    body.putObject("merchant").put("id", merchantId).put("name", merchantName);
    body.putObject("data").put("card_id", cardId).put("send_card", sendCard).put("entrypoint", entrypoint);
    body.put("timestamp", sentAt.minusMillis(knotLeadMillis).toEpochMilli());
    return body.toString();
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper BODY =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** The record key of the event: the task id as a decimal string. */
  public String key() {
    return Long.toString(taskId);
  }
}
