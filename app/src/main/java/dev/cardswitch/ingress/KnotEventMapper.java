package dev.cardswitch.ingress;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import dev.cardswitch.schemas.KnotEventData;
import dev.cardswitch.schemas.KnotMerchant;
import dev.cardswitch.schemas.KnotWebhookEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;

/**
 * Knot's webhook JSON (knot-facts.md, "Webhook events") to the webhook topic's record, {@link
 * KnotWebhookEvent}. Required: {@code event} (a non-blank string), {@code task_id} (a positive
 * integer), {@code merchant} ({@code id} an integer, {@code name} a string) and {@code timestamp}
 * (an integer, epoch milliseconds). Optional: {@code session_id}, {@code external_user_id}, and
 * {@code data} with {@code card_id}, {@code send_card}, {@code entrypoint}, {@code reason} (absent
 * fields become null; whether an AUTHENTICATED event has what it needs is the topology's decision,
 * which dead-letters it with the reason). Fields Knot adds later are ignored. A refusal names the
 * field path and what was expected, never a value. Stateless; thread-safe.
 */
public final class KnotEventMapper {

  // Duplicate keys are refused: the signature covers the first "event" a reader might see, and two
  // readers of one body must not disagree about which it is.
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private KnotEventMapper() {}

  /**
   * The body as a JSON object.
   *
   * @throws WebhookRejectedException {@link Rejection#MALFORMED_JSON}, with the position, not the text
   */
  public static JsonNode parse(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String message = String.valueOf(e.getOriginalMessage());
      String what = message.startsWith("Duplicate field") ? "a key appears twice in one object" : "the body is not valid JSON";
      throw new WebhookRejectedException(Rejection.MALFORMED_JSON, what
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
          + ": Knot sends one JSON object");
    } catch (IOException e) {
      throw new WebhookRejectedException(Rejection.MALFORMED_JSON, "the body cannot be read as JSON");
    }
    if (root == null || root.isMissingNode()) {
      throw new WebhookRejectedException(Rejection.MALFORMED_JSON, "the body is empty: Knot sends one JSON object");
    }
    if (!root.isObject()) {
      throw new WebhookRejectedException(Rejection.MALFORMED_JSON, "the body is a JSON " + kind(root)
          + ", not an object: Knot sends one JSON object");
    }
    return root;
  }

  /** The body field {@code event}, which the signature covers. */
  public static String event(JsonNode root) {
    String event = requiredString(root, "event", "event");
    if (event.isBlank()) {
      throw notKnot("event", "must not be blank");
    }
    return event;
  }

  /** The body field {@code session_id}, which the signature covers when present; null when absent. */
  public static String sessionId(JsonNode root) {
    return optionalString(root, "session_id", "session_id");
  }

  /**
   * The record for the webhook topic, stamped {@code receivedAt}.
   *
   * @throws WebhookRejectedException {@link Rejection#NOT_A_KNOT_EVENT} naming the field path
   */
  public static KnotWebhookEvent toEvent(JsonNode root, Instant receivedAt) {
    long taskId = requiredLong(root, "task_id", "task_id");
    if (taskId <= 0) {
      throw notKnot("task_id", "must be a positive integer");
    }
    JsonNode merchant = root.get("merchant");
    if (merchant == null || merchant.isNull()) {
      throw notKnot("merchant", "required, an object {id, name}");
    }
    if (!merchant.isObject()) {
      throw notKnot("merchant", "must be an object {id, name}, was a " + kind(merchant));
    }
    KnotEventData.Builder data = KnotEventData.newBuilder();
    JsonNode d = root.get("data");
    if (d != null && !d.isNull()) {
      if (!d.isObject()) {
        throw notKnot("data", "must be an object, was a " + kind(d));
      }
      data.setCardId(optionalString(d, "card_id", "data.card_id"))
          .setSendCard(optionalBoolean(d, "send_card", "data.send_card"))
          .setEntrypoint(optionalString(d, "entrypoint", "data.entrypoint"))
          .setReason(optionalString(d, "reason", "data.reason"));
    }
    return KnotWebhookEvent.newBuilder()
        .setEvent(event(root))
        .setSessionId(sessionId(root))
        .setTaskId(taskId)
        .setExternalUserId(optionalString(root, "external_user_id", "external_user_id"))
        .setMerchant(new KnotMerchant(requiredLong(merchant, "id", "merchant.id"),
            requiredString(merchant, "name", "merchant.name")))
        .setData(data.build())
        .setTimestamp(Instant.ofEpochMilli(requiredLong(root, "timestamp", "timestamp")))
        .setReceivedAt(receivedAt)
        .build();
  }

  private static String requiredString(JsonNode parent, String name, String path) {
    JsonNode n = parent.get(name);
    if (n == null || n.isNull()) {
      throw notKnot(path, "required, a string");
    }
    if (!n.isTextual()) {
      throw notKnot(path, "must be a string, was a " + kind(n));
    }
    return n.textValue();
  }

  private static String optionalString(JsonNode parent, String name, String path) {
    JsonNode n = parent.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw notKnot(path, "must be a string, was a " + kind(n));
    }
    return n.textValue();
  }

  private static Boolean optionalBoolean(JsonNode parent, String name, String path) {
    JsonNode n = parent.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isBoolean()) {
      throw notKnot(path, "must be true or false, was a " + kind(n));
    }
    return n.booleanValue();
  }

  private static long requiredLong(JsonNode parent, String name, String path) {
    JsonNode n = parent.get(name);
    if (n == null || n.isNull()) {
      throw notKnot(path, "required, an integer");
    }
    if (!n.isIntegralNumber()) {
      throw notKnot(path, "must be an integer, was a " + kind(n));
    }
    if (!n.canConvertToLong()) {
      throw notKnot(path, "must be an integer of at most 64 bits");
    }
    return n.longValue();
  }

  private static WebhookRejectedException notKnot(String path, String problem) {
    return new WebhookRejectedException(Rejection.NOT_A_KNOT_EVENT, path + ": " + problem
        + " (not a Knot CardSwitcher event, see Knot's webhook events)");
  }

  /** The JSON type of a node ("number", "string", "array"...), never its value. */
  private static String kind(JsonNode n) {
    if (n.getNodeType() == JsonNodeType.NUMBER) {
      return n.isIntegralNumber() ? "number" : "decimal number";
    }
    return n.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
