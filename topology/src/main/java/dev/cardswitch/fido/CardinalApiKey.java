package dev.cardswitch.fido;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The Cardinal API key: its identifier (the {@code iss} of the request JWT) and the shared secret
 * both sides sign and verify HS256 with. The secret is a credential: {@link #toString()} masks it,
 * and only {@link #revealSecret()} hands out a copy. Immutable; thread-safe.
 */
public final class CardinalApiKey {

  /** HS256 needs a key at least as long as its hash (RFC 7518 §3.2); nimbus refuses shorter ones. */
  public static final int MIN_SECRET_BYTES = 32;

  private final String keyId;
  private final byte[] secret;

  /**
   * @param keyId the API key identifier Cardinal gave (CARDINAL_API_KEY_ID)
   * @param secret the API key itself (CARDINAL_API_KEY), as Cardinal gave it
   * @throws IllegalArgumentException naming the setting and the fix, when one is missing or the secret is too short
   */
  public CardinalApiKey(String keyId, String secret) {
    if (keyId == null || keyId.isBlank()) {
      throw new IllegalArgumentException("CARDINAL_API_KEY_ID is not set: export the API key identifier Cardinal"
          + " gave you (the iss of the request JWT)");
    }
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("CARDINAL_API_KEY is not set: export it (or point CARDINAL_API_KEY_FILE"
          + " at a file holding it), or set FIDO_GATE=off");
    }
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_SECRET_BYTES) {
      Arrays.fill(bytes, (byte) 0);
      throw new IllegalArgumentException("CARDINAL_API_KEY is too short for HS256: it must be at least "
          + MIN_SECRET_BYTES + " bytes; use the API key Cardinal issued, not its identifier");
    }
    this.keyId = keyId;
    this.secret = bytes;
  }

  /** The API key identifier: the request JWT's {@code iss}. Not a secret. */
  public String keyId() {
    return keyId;
  }

  /** A copy of the secret, for the signers of this package. */
  byte[] secret() {
    return secret.clone();
  }

  /**
   * A copy of the secret, for the counterparty's side only: what Cardinal signs its responses with
   * (the demo's stand-in for Cardinal). The caller wipes it after use.
   */
  public byte[] revealSecret() {
    return secret.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CardinalApiKey other && keyId.equals(other.keyId)
        && java.security.MessageDigest.isEqual(secret, other.secret);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyId);
  }

  @Override
  public String toString() {
    return "CardinalApiKey[keyId=" + keyId + ", secret=****]";
  }
}
