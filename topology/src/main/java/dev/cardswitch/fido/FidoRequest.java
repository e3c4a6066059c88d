package dev.cardswitch.fido;

import java.time.Instant;
import java.util.Objects;

/**
 * A request JWT minted for the issuer's front end, which hands it to Cardinal FIDO: the compact
 * JWT, its {@code jti} (Cardinal answers with it as {@code aud}) and when it was issued. The JWT
 * holds no card data; {@link #toString()} leaves it out anyway. Immutable.
 */
public record FidoRequest(String jwt, String jti, Instant issuedAt) {

  public FidoRequest {
    Objects.requireNonNull(jwt, "jwt");
    Objects.requireNonNull(jti, "jti");
    Objects.requireNonNull(issuedAt, "issuedAt");
  }

  @Override
  public String toString() {
    return "FidoRequest[jti=" + jti + ", issuedAt=" + issuedAt + ", jwt=****]";
  }
}
