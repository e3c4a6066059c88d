package dev.cardswitch.envelope;

import com.nimbusds.jose.jwk.ECKey;

/**
 * The service's card-data keys, as the topology sees them: opens the envelopes (seed 003: JWE
 * compact, {@code alg=ECDH-ES}, {@code enc=A256GCM}, {@code kid} header, EC P-256) that card
 * references carry, and names the key producers should encrypt to now. Implementations are
 * thread-safe.
 */
public interface KeyRing {

  /**
   * Opens an envelope with the private key its {@code kid} header names.
   *
   * @return the clear bytes (the card document); the caller owns them and zeroes them after use
   * @throws EnvelopeException {@link EnvelopeException#UNKNOWN_ENVELOPE_KEY} when the ring holds no
   *     key with that kid; {@link EnvelopeException#UNDECRYPTABLE_ENVELOPE} for anything else (not a
   *     JWE, another alg or enc, altered ciphertext or tag, another key under the same kid)
   */
  byte[] decrypt(String compactJwe);

  /** The kid of the key producers should encrypt new envelopes to. */
  String currentKid();

  /** The public half of the current key, with its kid (what {@code GET /keys} will serve). */
  ECKey currentPublicKey();
}
