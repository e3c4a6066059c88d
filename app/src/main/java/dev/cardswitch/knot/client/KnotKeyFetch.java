package dev.cardswitch.knot.client;

import dev.cardswitch.knot.KnotError;
import dev.cardswitch.knot.KnotJwk;
import java.util.Optional;

/**
 * What one {@code GET /jwe/key} brought back, for tools that show it ({@code knot-check}): the HTTP
 * status (0 when none), the body as received (a public key, or Knot's error), the accepted key
 * when it passed every check, Knot's error when it sent one, and otherwise the problem. Immutable.
 */
public record KnotKeyFetch(int httpStatus, String body, KnotJwk key, KnotError knotError, String problem) {

  /** The key, when Knot served an acceptable one. */
  public Optional<KnotJwk> acceptedKey() {
    return Optional.ofNullable(key);
  }

  public Optional<KnotError> error() {
    return Optional.ofNullable(knotError);
  }
}
