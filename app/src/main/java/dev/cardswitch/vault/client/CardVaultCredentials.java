package dev.cardswitch.vault.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;

/**
 * The card-management platform's API credentials ({@code CARD_VAULT_CLIENT_ID},
 * {@code CARD_VAULT_SECRET}), sent as HTTP Basic auth. The secret never appears in
 * {@link #toString()}. Immutable and thread-safe.
 */
public final class CardVaultCredentials {

  private final String clientId;
  private final String secret;

  public CardVaultCredentials(String clientId, String secret) {
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.secret = Objects.requireNonNull(secret, "secret");
    if (clientId.isBlank() || secret.isBlank()) {
      throw new IllegalArgumentException("card vault client id and secret must not be blank");
    }
    if (clientId.indexOf(':') >= 0) {
      // Basic auth splits user and password at the first colon.
      throw new IllegalArgumentException("a card vault client id cannot contain ':'");
    }
  }

  public String clientId() {
    return clientId;
  }

  /** The value of the {@code Authorization} header. */
  public String basicAuthorization() {
    return "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  /** Whether {@code header} is exactly the {@code Authorization} value these credentials produce (constant time). */
  public boolean matchesAuthorization(String header) {
    return header != null && MessageDigest.isEqual(
        header.getBytes(StandardCharsets.UTF_8), basicAuthorization().getBytes(StandardCharsets.UTF_8));
  }

  /** The secret itself: only for the embedded stand-in's generated credentials. */
  public String revealSecret() {
    return secret;
  }

  @Override
  public String toString() {
    return "CardVaultCredentials[clientId=" + clientId + ", secret=****]";
  }
}
