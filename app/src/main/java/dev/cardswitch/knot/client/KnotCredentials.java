package dev.cardswitch.knot.client;

import dev.cardswitch.auth.BasicCredentials;

/**
 * Knot's API credentials: {@code client_id} and {@code secret}, sent as HTTP Basic auth. The secret
 * never appears in {@link #toString()}; only {@link #basicAuthorization()} reveals it, for the
 * {@code Authorization} header. Immutable and thread-safe.
 */
public final class KnotCredentials extends BasicCredentials {

  public KnotCredentials(String clientId, String secret) {
    super("Knot", clientId, secret);
  }
}
