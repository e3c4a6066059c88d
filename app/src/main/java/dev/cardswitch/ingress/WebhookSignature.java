package dev.cardswitch.ingress;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Knot's webhook signature, the {@code Knot-Signature} header (knot-facts.md, "Webhook
 * signature"): the HMAC-SHA256, keyed with the Knot API secret, of the string that joins with
 * {@code |} the keys and values of header {@code Content-Length}, header {@code Content-Type},
 * header {@code Encryption-Type}, body field {@code event} and, only when the body has one, body
 * field {@code session_id}, in that order; Base64-encoded (standard alphabet, padded). Pure: no I/O,
 * no clock. Immutable and thread-safe (a {@link Mac} is made per call). The secret never appears in
 * {@link #toString()}.
 */
public final class WebhookSignature {

  /** The header that carries the signature. */
  public static final String SIGNATURE_HEADER = "Knot-Signature";
  /** The header that names the algorithm; it enters the signed string too. */
  public static final String ENCRYPTION_TYPE_HEADER = "Encryption-Type";
  /** The only {@code Encryption-Type} Knot sends, and the only one accepted. */
  public static final String HMAC_SHA256 = "HMAC-SHA256";

  private static final String ALGORITHM = "HmacSHA256";

  /**
   * What enters the signed string, as received: header values verbatim, body fields as decoded
   * from the JSON.
   *
   * @param sessionId null when the body has no {@code session_id}: the pair is then left out
   */
  public record SignedFields(
      String contentLength, String contentType, String encryptionType, String event, String sessionId) {

    public SignedFields {
      Objects.requireNonNull(contentLength, "contentLength");
      Objects.requireNonNull(contentType, "contentType");
      Objects.requireNonNull(encryptionType, "encryptionType");
      Objects.requireNonNull(event, "event");
    }

    /** The string Knot signs, e.g. {@code Content-Length|178|Content-Type|application/json|...}. */
    public String signedString() {
      StringBuilder s = new StringBuilder(160)
          .append("Content-Length|").append(contentLength)
          .append("|Content-Type|").append(contentType)
          .append('|').append(ENCRYPTION_TYPE_HEADER).append('|').append(encryptionType)
          .append("|event|").append(event);
      if (sessionId != null) {
        s.append("|session_id|").append(sessionId);
      }
      return s.toString();
    }
  }

  private final SecretKeySpec key;

  /** @param secret the Knot API secret (the same one card-switch authenticates to Knot with) */
  public WebhookSignature(String secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("the Knot secret must not be empty");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  /** The {@code Knot-Signature} value Knot would send for {@code fields}. */
  public String sign(SignedFields fields) {
    return Base64.getEncoder().encodeToString(hmac(fields.signedString()));
  }

  /**
   * Whether {@code signatureHeader} is the signature of {@code fields}, compared in constant time
   * (a byte-by-byte early exit would let a caller find a valid signature one byte at a time).
   */
  public boolean verify(SignedFields fields, String signatureHeader) {
    if (signatureHeader == null) {
      return false;
    }
    byte[] expected = sign(fields).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, signatureHeader.trim().getBytes(StandardCharsets.UTF_8));
  }

  private byte[] hmac(String signedString) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(signedString.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "WebhookSignature[HMAC-SHA256, secret=****]";
  }
}
