package dev.cardswitch.knot.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * Knot's API credentials: {@code client_id} and {@code secret}, sent as HTTP Basic auth. The secret
 * never appears in {@link #toString()}; only {@link #basicAuthorization()} reveals it, for the
 * {@code Authorization} header. Immutable and thread-safe.
 */
public final class KnotCredentials {

  private final String clientId;
  private final String secret;

  public KnotCredentials(String clientId, String secret) {
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.secret = Objects.requireNonNull(secret, "secret");
    if (clientId.isBlank() || secret.isBlank()) {
      throw new IllegalArgumentException("client id and secret must not be blank");
    }
    if (clientId.indexOf(':') >= 0) {
      // Basic auth splits user and password at the first colon: a colon in the id cannot be sent.
      throw new IllegalArgumentException("a Knot client id cannot contain ':'");
    }
  }

  public String clientId() {
    return clientId;
  }

  /** The value of the {@code Authorization} header: {@code Basic base64(client_id:secret)}. */
  public String basicAuthorization() {
    return "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  /** Whether {@code header} is exactly the {@code Authorization} value these credentials produce. */
  public boolean matchesAuthorization(String header) {
    return header != null
        && java.security.MessageDigest.isEqual(
            header.getBytes(StandardCharsets.UTF_8), basicAuthorization().getBytes(StandardCharsets.UTF_8));
  }

  /** The secret itself: only for a command that generated it and must show it once to its user. */
  public String revealSecret() {
    return secret;
  }

  @Override
  public String toString() {
    return "KnotCredentials[clientId=" + clientId + ", secret=****]";
  }
}
