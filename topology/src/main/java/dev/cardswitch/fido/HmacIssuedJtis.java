package dev.cardswitch.fido;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers the jtis it issued without storing them: each jti carries its own proof of origin.
 *
 * <p>A jti is {@code cs1.<nonce>.<iat>.<issued-tag>.<reference-tag>}, where the tags are
 * HMAC-SHA256 (truncated to 128 bits) under a key derived from the Cardinal API key: the first over
 * (nonce, iat), the second over (nonce, ReferenceId). Any instance holding the API key recognises
 * any jti any instance issued, before or after a restart, with no shared state and nothing to
 * expire; a jti nobody issued would need the API key to forge, and whoever holds the API key can
 * forge Cardinal's responses anyway. Two tags rather than one so that a response answering another
 * cardholder's request ({@code REFERENCE_ID_MISMATCH}) is told apart from a jti never issued
 * ({@code UNKNOWN_AUD}). The derived key (not the API key itself) keeps the jti MAC and the JWT
 * signature apart. Rotating the API key makes the jtis issued under the old one unknown: finish
 * the open authentications (2 hours at most) before rotating.
 *
 * <p>"Accepted once" needs state and lives with the switch (the {@code fido-used-jti-store}).
 *
 * <p>Thread-safe: a {@link Mac} is made per call.
 */
public final class HmacIssuedJtis implements IssuedJtis {

  private static final String PREFIX = "cs1";
  private static final int NONCE_BYTES = 16;
  private static final int TAG_BYTES = 16;
  private static final byte[] DERIVATION_LABEL =
      "card-switch/cardinal-fido/jti/v1".getBytes(StandardCharsets.US_ASCII);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final SecretKeySpec key;
  private final SecureRandom random;

  public HmacIssuedJtis(CardinalApiKey apiKey) {
    this(apiKey, new SecureRandom());
  }

  HmacIssuedJtis(CardinalApiKey apiKey, SecureRandom random) {
    byte[] secret = apiKey.secret();
    try {
      this.key = new SecretKeySpec(hmac(new SecretKeySpec(secret, "HmacSHA256"), DERIVATION_LABEL), "HmacSHA256");
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    this.random = random;
  }

  @Override
  public String issue(String referenceId, Instant issuedAt) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    String iat = Long.toString(issuedAt.getEpochSecond());
    return PREFIX + "." + B64.encodeToString(nonce) + "." + iat + "." + B64.encodeToString(issuedTag(nonce, iat))
        + "." + B64.encodeToString(referenceTag(nonce, referenceId));
  }

  @Override
  public Recognition recognise(String jti, String referenceId) {
    if (jti == null) {
      return Recognition.UNKNOWN;
    }
    String[] parts = jti.split("\\.", -1);
    if (parts.length != 5 || !PREFIX.equals(parts[0]) || !parts[2].matches("[0-9]{1,19}")) {
      return Recognition.UNKNOWN;
    }
    byte[] nonce;
    byte[] issued;
    byte[] reference;
    try {
      nonce = B64D.decode(parts[1]);
      issued = B64D.decode(parts[3]);
      reference = B64D.decode(parts[4]);
    } catch (IllegalArgumentException e) {
      return Recognition.UNKNOWN;
    }
    // MessageDigest.isEqual compares in constant time.
    if (nonce.length != NONCE_BYTES || !MessageDigest.isEqual(issued, issuedTag(nonce, parts[2]))) {
      return Recognition.UNKNOWN;
    }
    return referenceId != null && MessageDigest.isEqual(reference, referenceTag(nonce, referenceId))
        ? Recognition.ISSUED : Recognition.OTHER_REFERENCE;
  }

  private byte[] issuedTag(byte[] nonce, String iat) {
    return tag((byte) 1, nonce, iat.getBytes(StandardCharsets.US_ASCII));
  }

  private byte[] referenceTag(byte[] nonce, String referenceId) {
    return tag((byte) 2, nonce, referenceId.getBytes(StandardCharsets.UTF_8));
  }

  /** HMAC over a domain byte, the nonce and one length-prefixed value, truncated to 128 bits. */
  private byte[] tag(byte domain, byte[] nonce, byte[] value) {
    byte[] message = new byte[1 + nonce.length + 4 + value.length];
    message[0] = domain;
    System.arraycopy(nonce, 0, message, 1, nonce.length);
    int at = 1 + nonce.length;
    message[at] = (byte) (value.length >>> 24);
    message[at + 1] = (byte) (value.length >>> 16);
    message[at + 2] = (byte) (value.length >>> 8);
    message[at + 3] = (byte) value.length;
    System.arraycopy(value, 0, message, at + 4, value.length);
    return Arrays.copyOf(hmac(key, message), TAG_BYTES);
  }

  private static byte[] hmac(SecretKeySpec key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
    }
  }

  @Override
  public String toString() {
    return "HmacIssuedJtis[key=****]";
  }
}
