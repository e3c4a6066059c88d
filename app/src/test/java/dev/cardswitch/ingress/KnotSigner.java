package dev.cardswitch.ingress;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Knot's side of a webhook, for tests: an event body and its {@code Knot-Signature}, computed from
 * knot-facts.md's recipe step by step, independently of {@link WebhookSignature}. Stateless.
 */
public final class KnotSigner {

  private KnotSigner() {}

  /** An event body as Knot sends it, with {@code card_id} {@code cardId}; no session_id when null. */
  public static String body(String event, long taskId, String sessionId, String cardId, long timestampMillis) {
    return envelope(event, taskId, sessionId,
        "\"card_id\":\"" + cardId + "\",\"send_card\":true,\"entrypoint\":\"onboarding\"", timestampMillis);
  }

  /** A lifecycle event body (CARD_UPDATING, CARD_UPDATED, CARD_FAILED): data holds card_id and, when not null, reason. */
  public static String lifecycleBody(String event, long taskId, String sessionId, String cardId, String reason,
      long timestampMillis) {
    return envelope(event, taskId, sessionId,
        "\"card_id\":\"" + cardId + "\"" + (reason == null ? "" : ",\"reason\":\"" + reason + "\""), timestampMillis);
  }

  private static String envelope(String event, long taskId, String sessionId, String data, long timestampMillis) {
    return "{\"event\":\"" + event + "\"," + (sessionId == null ? "" : "\"session_id\":\"" + sessionId + "\",")
        + "\"task_id\":" + taskId + ",\"external_user_id\":\"3dcbb19a-b2f1-4a7b-8792-d76027b627b3\","
        + "\"merchant\":{\"id\":10,\"name\":\"Uber\"},"
        + "\"data\":{" + data + "},"
        + "\"timestamp\":" + timestampMillis + "}";
  }

  /** knot-facts.md: join the pairs with '|', HMAC-SHA256 with the secret, Base64. */
  public static String signature(String secret, int contentLength, String contentType, String event, String session) {
    String signed = "Content-Length|" + contentLength + "|Content-Type|" + contentType
        + "|Encryption-Type|HMAC-SHA256|event|" + event + (session == null ? "" : "|session_id|" + session);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The signature of {@code body} sent as {@code application/json}. */
  public static String signatureOf(String secret, String body, String event, String session) {
    return signature(secret, body.getBytes(StandardCharsets.UTF_8).length, "application/json", event, session);
  }
}
