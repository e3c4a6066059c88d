package dev.cardswitch.envelope;

import dev.cardswitch.CardSwitchException;

/**
 * A card key set or envelope key that cannot be used: not a JWK set, a key that is not an EC P-256
 * key with a kid, a public key where a private one is needed, duplicate kids, settings missing. A
 * start-up error: the message names the key (by position and kid) and the fix, never key material.
 * Reason code {@value #REASON}.
 */
public final class InvalidEnvelopeKeyException extends CardSwitchException {

  public static final String REASON = "INVALID_ENVELOPE_KEY";

  InvalidEnvelopeKeyException(String message) {
    super(REASON, message);
  }
}
