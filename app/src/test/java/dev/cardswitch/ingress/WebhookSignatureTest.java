package dev.cardswitch.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.ingress.WebhookSignature.SignedFields;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

  static final String SECRET = "test-knot-secret-not-real";
  static final String SESSION = "fb5aa994-ed1c-4c3e-b29a-b2a53222e584";

  /** The body of the vector below: 242 bytes. */
  static final String BODY = "{\"event\":\"CARD_UPDATED\",\"session_id\":\"" + SESSION + "\",\"task_id\":25605,"
      + "\"external_user_id\":\"3dcbb19a-b2f1-4a7b-8792-d76027b627b3\",\"merchant\":{\"id\":10,\"name\":\"Uber\"},"
      + "\"data\":{\"card_id\":\"123456789\"},\"timestamp\":1710864923198}";

  /**
   * Computed once, independently of this code, in a shell:
   * <pre>
   * S='Content-Length|242|Content-Type|application/json|Encryption-Type|HMAC-SHA256|event|CARD_UPDATED|session_id|fb5aa994-ed1c-4c3e-b29a-b2a53222e584'
   * printf '%s' "$S" | openssl dgst -sha256 -hmac 'test-knot-secret-not-real' -binary | base64
   * </pre>
   * (python3's {@code base64.b64encode(hmac.new(secret, s, hashlib.sha256).digest())} gives the same).
   */
  static final String VECTOR_WITH_SESSION = "si0mtBlUdPn2vLJfYJ8X10plP5JHt7X6YTX86CLTeU0=";

  /**
   * The same way, for a body without {@code session_id} (the pair is left out):
   * {@code printf '%s' 'Content-Length|40|Content-Type|application/json|Encryption-Type|HMAC-SHA256|event|CREDENTIALS_FAILED'
   * | openssl dgst -sha256 -hmac 'test-knot-secret-not-real' -binary | base64}.
   */
  static final String VECTOR_WITHOUT_SESSION = "/MopRWBiMeO/2BVinuHp7VmnFsFz+XHHtJVi3hBRbXE=";

  private static SignedFields fields(String length, String event, String session) {
    return new SignedFields(length, "application/json", "HMAC-SHA256", event, session);
  }

  @Test
  void signedStringFollowsKnotsRecipe() {
    assertEquals("Content-Length|242|Content-Type|application/json|Encryption-Type|HMAC-SHA256|event|CARD_UPDATED"
        + "|session_id|" + SESSION, fields("242", "CARD_UPDATED", SESSION).signedString());
    assertEquals("Content-Length|40|Content-Type|application/json|Encryption-Type|HMAC-SHA256|event|CREDENTIALS_FAILED",
        fields("40", "CREDENTIALS_FAILED", null).signedString());
  }

  @Test
  void theVectorsBodyIsAsLongAsItsContentLengthSays() {
    assertEquals(242, BODY.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
  }

  @Test
  void signsAsTheIndependentComputationDoes() {
    WebhookSignature signature = new WebhookSignature(SECRET);
    assertEquals(VECTOR_WITH_SESSION, signature.sign(fields("242", "CARD_UPDATED", SESSION)));
    assertEquals(VECTOR_WITHOUT_SESSION, signature.sign(fields("40", "CREDENTIALS_FAILED", null)));
  }

  @Test
  void verifiesTheIndependentlyComputedSignature() {
    WebhookSignature signature = new WebhookSignature(SECRET);
    assertTrue(signature.verify(fields("242", "CARD_UPDATED", SESSION), VECTOR_WITH_SESSION));
    assertTrue(signature.verify(fields("40", "CREDENTIALS_FAILED", null), VECTOR_WITHOUT_SESSION));
  }

  @Test
  void refusesWhenAnySignedPartChanges() {
    WebhookSignature signature = new WebhookSignature(SECRET);
    assertFalse(signature.verify(fields("243", "CARD_UPDATED", SESSION), VECTOR_WITH_SESSION), "Content-Length");
    assertFalse(signature.verify(new SignedFields("242", "text/plain", "HMAC-SHA256", "CARD_UPDATED", SESSION),
        VECTOR_WITH_SESSION), "Content-Type");
    assertFalse(signature.verify(new SignedFields("242", "application/json", "HMAC-SHA1", "CARD_UPDATED", SESSION),
        VECTOR_WITH_SESSION), "Encryption-Type");
    assertFalse(signature.verify(fields("242", "AUTHENTICATED", SESSION), VECTOR_WITH_SESSION), "event");
    assertFalse(signature.verify(fields("242", "CARD_UPDATED", SESSION.replace('f', 'e')), VECTOR_WITH_SESSION),
        "session_id");
    assertFalse(signature.verify(fields("242", "CARD_UPDATED", null), VECTOR_WITH_SESSION), "session_id left out");
  }

  @Test
  void refusesAnotherSecretAMissingHeaderAndATruncatedSignature() {
    assertFalse(new WebhookSignature("another-secret").verify(fields("242", "CARD_UPDATED", SESSION),
        VECTOR_WITH_SESSION));
    WebhookSignature signature = new WebhookSignature(SECRET);
    assertFalse(signature.verify(fields("242", "CARD_UPDATED", SESSION), null));
    assertFalse(signature.verify(fields("242", "CARD_UPDATED", SESSION), ""));
    assertFalse(signature.verify(fields("242", "CARD_UPDATED", SESSION),
        VECTOR_WITH_SESSION.substring(0, VECTOR_WITH_SESSION.length() - 1)));
  }

  @Test
  void neverShowsTheSecret() {
    assertFalse(new WebhookSignature(SECRET).toString().contains(SECRET));
  }
}
