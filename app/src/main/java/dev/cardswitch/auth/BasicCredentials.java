package dev.cardswitch.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;

/**
 * A client id and secret sent as HTTP Basic auth, the scheme of both Knot's API and the
 * card-management platform's. The secret never appears in {@link #toString()}; only
 * {@link #basicAuthorization()} reveals it, for the {@code Authorization} header. Subclasses name
 * whose credentials they are. Immutable and thread-safe.
 */
public abstract class BasicCredentials {

  private final String clientId;
  private final String secret;

  /** @param whose whose credentials, for the error messages (e.g. "Knot", "card vault") */
  protected BasicCredentials(String whose, String clientId, String secret) {
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.secret = Objects.requireNonNull(secret, "secret");
    if (clientId.isBlank() || secret.isBlank()) {
      throw new IllegalArgumentException(whose + " client id and secret must not be blank");
    }
    if (clientId.indexOf(':') >= 0) {
      // Basic auth splits user and password at the first colon: a colon in the id cannot be sent.
      throw new IllegalArgumentException("a " + whose + " client id cannot contain ':'");
    }
  }

  public final String clientId() {
    return clientId;
  }

  /** The value of the {@code Authorization} header: {@code Basic base64(client_id:secret)}. */
  public final String basicAuthorization() {
    return "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  /** Whether {@code header} is exactly the {@code Authorization} value these credentials produce (constant time). */
  public final boolean matchesAuthorization(String header) {
    return header != null && MessageDigest.isEqual(
        header.getBytes(StandardCharsets.UTF_8), basicAuthorization().getBytes(StandardCharsets.UTF_8));
  }

  /** The secret itself: only for a command or stand-in that generated it and must hand it over once. */
  public final String revealSecret() {
    return secret;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[clientId=" + clientId + ", secret=****]";
  }
}
