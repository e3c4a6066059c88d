package dev.cardswitch.knot;

import dev.cardswitch.CardSwitchException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Knot served a key that cannot be used for Knot's JWE recipe (RSA-OAEP-256 with an RSA key of at
 * least 2048 bits, meant for encryption, with a {@code kid}). Carries every failed check, so the
 * message says which rule the key broke.
 */
public final class InvalidKnotJwkException extends CardSwitchException {

  /** The {@link #reason()} of this exception. */
  public static final String REASON = "INVALID_KNOT_JWK";

  private final List<KnotJwkCheck> failedChecks;

  InvalidKnotJwkException(List<KnotJwkCheck> failedChecks) {
    super(REASON, message(failedChecks));
    this.failedChecks = List.copyOf(failedChecks);
  }

  private static String message(List<KnotJwkCheck> failed) {
    return "Knot's JWK is not acceptable for RSA-OAEP-256 + A256GCM: "
        + failed.stream().map(c -> c.name() + ": " + c.detail()).collect(Collectors.joining("; "))
        + " (check KNOT_BASE_URL points at Knot, and tell Knot if its /jwe/key answer is wrong)";
  }

  /** The checks the key failed, in the order they were made; never empty. */
  public List<KnotJwkCheck> failedChecks() {
    return failedChecks;
  }
}
