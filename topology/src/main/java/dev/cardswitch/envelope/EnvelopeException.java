package dev.cardswitch.envelope;

import dev.cardswitch.CardSwitchException;
import java.util.Optional;

/**
 * An envelope that cannot be opened. The reason says why: {@value #UNKNOWN_ENVELOPE_KEY} (its kid is
 * not in the ring: a key was retired too early or the producer uses a key the service never had) or
 * {@value #UNDECRYPTABLE_ENVELOPE} (anything else). The message never holds plaintext (none exists
 * when decryption fails) nor key material; it may name the kid, which is public. A cause, when
 * attached, is a JOSE library exception about the format or the cipher, never about content.
 */
public final class EnvelopeException extends CardSwitchException {

  /** Not a JWE, another alg or enc, altered ciphertext or tag, or encrypted to another key. */
  public static final String UNDECRYPTABLE_ENVELOPE = "UNDECRYPTABLE_ENVELOPE";

  /** The envelope's kid names no key of the ring. */
  public static final String UNKNOWN_ENVELOPE_KEY = "UNKNOWN_ENVELOPE_KEY";

  private final String kid;

  private EnvelopeException(String reason, String kid, String message, Throwable cause) {
    super(reason, message, cause);
    this.kid = kid;
  }

  static EnvelopeException undecryptable(String kid, String message) {
    return new EnvelopeException(UNDECRYPTABLE_ENVELOPE, kid, message, null);
  }

  static EnvelopeException undecryptable(String kid, String message, Throwable cause) {
    return new EnvelopeException(UNDECRYPTABLE_ENVELOPE, kid, message, cause);
  }

  static EnvelopeException unknownKey(String kid, String message) {
    return new EnvelopeException(UNKNOWN_ENVELOPE_KEY, kid, message, null);
  }

  /** The envelope's kid header (control characters and quotes replaced, cut if long), when it had one. */
  public Optional<String> kid() {
    return Optional.ofNullable(kid);
  }
}
