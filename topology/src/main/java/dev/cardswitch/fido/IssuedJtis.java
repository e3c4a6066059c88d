package dev.cardswitch.fido;

import java.time.Instant;

/**
 * Where the {@code jti} of each request JWT comes from, and how a response's {@code aud} is
 * recognised as one of them (Cardinal copies the request's {@code jti} into the response's
 * {@code aud}). Implementations must be thread-safe.
 */
public interface IssuedJtis {

  /** What {@link #recognise} found. */
  enum Recognition {
    /** This service issued the jti, for this ReferenceId. */
    ISSUED,
    /** This service did not issue the jti (or issued it under another API key). */
    UNKNOWN,
    /** This service issued the jti, but for another ReferenceId. */
    OTHER_REFERENCE
  }

  /** A fresh jti for a request JWT about {@code referenceId}, issued at {@code issuedAt}. */
  String issue(String referenceId, Instant issuedAt);

  /** Whether {@code jti} was issued by this service for {@code referenceId}. */
  Recognition recognise(String jti, String referenceId);
}
