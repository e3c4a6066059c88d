package dev.cardswitch.fido;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies the Cardinal FIDO response JWT a card reference carries (seed 004), check by check, and
 * says which one failed: presence and form, the HS256 signature under the Cardinal API key (nimbus
 * compares MACs in constant time), {@code aud} equal to a jti this service issued
 * ({@link IssuedJtis}), {@code Payload.ReferenceId} the one that jti was issued for, {@code iat}
 * and {@code exp} within the 2-hour rule, {@code Payload.ChallengeState} ENROLLED or AUTHENTICATED,
 * {@code Payload.ErrorNumber} 0, and last (so a failing token never uses up its jti) the response's
 * {@code jti} accepted once ({@link AcceptedJtis}).
 *
 * <p>The 2-hour rule: a response is valid until {@code iat + 2 h}, or its {@code exp} when that is
 * earlier; an {@code exp} beyond {@code iat + 2 h} is capped, not trusted, as Cardinal ignores it.
 *
 * <p>JSON types are taken as Cardinal writes them: {@code iat} and {@code exp} as a number or a
 * string of digits (the seed's response example uses numbers, its table says String),
 * {@code ErrorNumber} as a string or a number, {@code aud} a string (or a one-element array, as
 * RFC 7519 allows), {@code Payload} an object or, with {@code ObjectifyPayload=false}, a string
 * holding one. ChallengeState is compared without regard to case: the seed's prose writes
 * "Enrolled", its example "ENROLLED", and the value is under the signature, so folding case admits
 * nothing unsigned.
 *
 * <p>Never logs, and never puts the JWT in a result. Thread-safe: no mutable state; the MAC
 * verifier is made per call.
 */
public final class FidoResponseVerifier {

  /** Cardinal's rule: a response JWT older than 2 hours is expired, whatever its exp says. */
  public static final Duration MAX_AGE = Duration.ofHours(2);
  /** How far in the future an iat may be before it is refused (hosts' clocks drift a little). */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofMinutes(1);

  private static final Set<String> AUTHENTICATED_STATES = Set.of("ENROLLED", "AUTHENTICATED");

  private final CardinalApiKey apiKey;
  private final IssuedJtis issued;
  private final Clock clock;
  private final Duration clockSkew;

  public FidoResponseVerifier(CardinalApiKey apiKey, IssuedJtis issued, Clock clock) {
    this(apiKey, issued, clock, DEFAULT_CLOCK_SKEW);
  }

  public FidoResponseVerifier(CardinalApiKey apiKey, IssuedJtis issued, Clock clock, Duration clockSkew) {
    this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    this.issued = Objects.requireNonNull(issued, "issued");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
  }

  /**
   * Checks {@code responseJwt}; when every other check passes, accepts its jti for {@code owner}.
   *
   * @param responseJwt the compact JWT, or null when the card reference carries none
   * @param accepted where accepted jtis are remembered
   * @param owner what the token is used for (the switch uses the card_id, see AcceptedJtis)
   */
  public FidoCheck verify(String responseJwt, AcceptedJtis accepted, String owner) {
    if (responseJwt == null || responseJwt.isBlank()) {
      return FidoCheck.failed(FidoCheck.Reason.MISSING, null, null);
    }
    JWSObject jws;
    try {
      jws = JWSObject.parse(responseJwt.trim());
    } catch (ParseException e) {
      return FidoCheck.failed(FidoCheck.Reason.MALFORMED, null, "not a compact JWS");
    }
    if (!JWSAlgorithm.HS256.equals(jws.getHeader().getAlgorithm())) {
      return FidoCheck.failed(FidoCheck.Reason.MALFORMED, null,
          "alg is " + jws.getHeader().getAlgorithm() + ", Cardinal signs with HS256");
    }
    byte[] secret = apiKey.secret();
    try {
      if (!jws.verify(new MACVerifier(secret))) {
        return FidoCheck.failed(FidoCheck.Reason.BAD_SIGNATURE, null, null);
      }
    } catch (JOSEException e) {
      return FidoCheck.failed(FidoCheck.Reason.BAD_SIGNATURE, null, e.getClass().getSimpleName());
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    // Signed by Cardinal from here on: its values may be named in the result (never the token).
    Map<String, Object> claims = jws.getPayload().toJSONObject();
    if (claims == null) {
      return FidoCheck.failed(FidoCheck.Reason.MALFORMED, null, "the payload is not a JSON object");
    }
    Map<String, Object> payload;
    try {
      payload = payload(claims.get("Payload"));
    } catch (ParseException e) {
      return FidoCheck.failed(FidoCheck.Reason.MALFORMED, null, "Payload is not a JSON object");
    }
    if (payload == null) {
      return FidoCheck.failed(FidoCheck.Reason.MALFORMED, null, "Payload is missing");
    }
    String referenceId = payload.get("ReferenceId") instanceof String s && !s.isBlank() ? s : null;
    if (referenceId == null) {
      return FidoCheck.failed(FidoCheck.Reason.MALFORMED, null, "Payload.ReferenceId is missing");
    }
    String jti = claims.get("jti") instanceof String s && !s.isBlank() ? s : null;
    if (jti == null) {
      return FidoCheck.failed(FidoCheck.Reason.MALFORMED, referenceId, "jti is missing");
    }
    Long iat = epochSeconds(claims.get("iat"));
    if (iat == null) {
      return FidoCheck.failed(FidoCheck.Reason.MALFORMED, referenceId, "iat is missing or not epoch seconds");
    }
    Long exp = null;
    if (claims.get("exp") != null) {
      exp = epochSeconds(claims.get("exp"));
      if (exp == null) {
        return FidoCheck.failed(FidoCheck.Reason.MALFORMED, referenceId, "exp is not epoch seconds");
      }
    }
    String aud = audience(claims.get("aud"));
    switch (issued.recognise(aud, referenceId)) {
      case UNKNOWN -> {
        return FidoCheck.failed(FidoCheck.Reason.UNKNOWN_AUD, referenceId, aud == null ? "aud is missing" : null);
      }
      case OTHER_REFERENCE -> {
        return FidoCheck.failed(FidoCheck.Reason.REFERENCE_ID_MISMATCH, referenceId, null);
      }
      case ISSUED -> { }
    }
    Instant now = clock.instant();
    Instant issuedAt = Instant.ofEpochSecond(iat);
    if (issuedAt.isAfter(now.plus(clockSkew))) {
      return FidoCheck.failed(FidoCheck.Reason.ISSUED_IN_FUTURE, referenceId,
          "iat " + issuedAt + " is after now " + now);
    }
    Instant capped = issuedAt.plus(MAX_AGE);
    Instant expiresAt = exp == null || Instant.ofEpochSecond(exp).isAfter(capped) ? capped : Instant.ofEpochSecond(exp);
    if (!now.isBefore(expiresAt)) {
      String why = exp != null && Instant.ofEpochSecond(exp).isAfter(capped)
          ? "exp " + Instant.ofEpochSecond(exp) + " is beyond iat + 2 h and is capped at " + capped
          : expiresAt.equals(capped) ? "iat " + issuedAt + " is more than 2 h before now " + now
          : "exp " + expiresAt + " has passed";
      return FidoCheck.failed(FidoCheck.Reason.EXPIRED, referenceId, why);
    }
    Object state = payload.get("ChallengeState");
    if (!(state instanceof String s) || !AUTHENTICATED_STATES.contains(s.toUpperCase(Locale.ROOT))) {
      return FidoCheck.failed(FidoCheck.Reason.CHALLENGE_NOT_AUTHENTICATED, referenceId,
          "ChallengeState " + (state instanceof String ? state : "missing"));
    }
    Object errorNumber = payload.get("ErrorNumber");
    if (!isZero(errorNumber)) {
      return FidoCheck.failed(FidoCheck.Reason.ERROR_NUMBER, referenceId,
          "ErrorNumber " + (errorNumber == null ? "missing" : errorNumber));
    }
    if (!accepted.acceptOnce(jti, owner, expiresAt)) {
      return FidoCheck.failed(FidoCheck.Reason.REPLAYED, referenceId, null);
    }
    return FidoCheck.passed(referenceId);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> payload(Object value) throws ParseException {
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    if (value instanceof String text) {
      return JSONObjectUtils.parse(text);
    }
    return null;
  }

  private static String audience(Object value) {
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof List<?> list && list.size() == 1 && list.get(0) instanceof String s) {
      return s;
    }
    return null;
  }

  private static Long epochSeconds(Object value) {
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    if (value instanceof String s && s.matches("[0-9]{1,12}")) {
      return Long.parseLong(s);
    }
    return null;
  }

  private static boolean isZero(Object value) {
    return value instanceof Number n ? n.doubleValue() == 0
        : value instanceof String s && s.trim().matches("0+");
  }

  @Override
  public String toString() {
    return "FidoResponseVerifier[apiKey=" + apiKey + "]";
  }
}
