package dev.cardswitch.fido;

import java.util.Objects;

/**
 * The result of checking one Cardinal FIDO response JWT: a {@link Reason} ({@link Reason#PASSED} or
 * the precise check that failed), the ReferenceId when it could be read from a correctly signed
 * token, and a sentence naming the problem and the fix. Never holds the JWT (a credential) nor a
 * secret. Immutable.
 */
public record FidoCheck(Reason reason, String referenceId, String detail) {

  /** The precise outcome of the check; every failure has its own. */
  public enum Reason {
    PASSED("the cardholder authenticated with Cardinal FIDO", ""),
    MISSING("the card reference carries no FIDO response JWT",
        "have the issuer's front end run Cardinal FIDO and put the response JWT in fido_response_jwt of the card reference, then replay"),
    MALFORMED("the FIDO response is not a readable HS256 JWT with Cardinal's claims",
        "put Cardinal's response JWT unchanged in fido_response_jwt"),
    BAD_SIGNATURE("the FIDO response JWT's HS256 signature does not verify under CARDINAL_API_KEY",
        "check that CARDINAL_API_KEY is the key of the Cardinal account the front end uses"),
    UNKNOWN_AUD("the FIDO response's aud is not the jti of a request JWT card-switch issued",
        "mint the request JWT with card-switch (POST /fido/jwt) and run Cardinal FIDO again"),
    REFERENCE_ID_MISMATCH("the FIDO response's Payload.ReferenceId is not the ReferenceId of the request it answers",
        "run Cardinal FIDO again for this cardholder"),
    ISSUED_IN_FUTURE("the FIDO response's iat is in the future",
        "check the clocks of card-switch's hosts (NTP)"),
    EXPIRED("the FIDO response is older than 2 hours or past its exp",
        "run Cardinal FIDO again: a result is valid for 2 hours at most"),
    CHALLENGE_NOT_AUTHENTICATED("Cardinal's Payload.ChallengeState is neither ENROLLED nor AUTHENTICATED",
        "the cardholder did not authenticate: ask them to authenticate with FIDO again"),
    ERROR_NUMBER("Cardinal's Payload.ErrorNumber is not 0",
        "see Payload.ErrorDescription in Cardinal's console; run Cardinal FIDO again once it is fixed"),
    REPLAYED("the FIDO response's jti was already accepted for another card",
        "a Cardinal FIDO result authorises the card it was obtained for only: run Cardinal FIDO for this cardholder");

    private final String problem;
    private final String fix;

    Reason(String problem, String fix) {
      this.problem = problem;
      this.fix = fix;
    }

    /** What failed, in a sentence. */
    public String problem() { return problem; }

    /** What to do about it (empty for {@link #PASSED}). */
    public String fix() { return fix; }
  }

  public FidoCheck {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }

  static FidoCheck passed(String referenceId) {
    return new FidoCheck(Reason.PASSED, referenceId, Reason.PASSED.problem());
  }

  static FidoCheck failed(Reason reason, String referenceId, String particulars) {
    return new FidoCheck(reason, referenceId,
        reason.problem() + (particulars == null || particulars.isEmpty() ? "" : " (" + particulars + ")")
            + ": " + reason.fix());
  }

  public boolean passed() {
    return reason == Reason.PASSED;
  }

  /**
   * The value of the outcome's {@code fido_check}: the reason, and the ReferenceId when it was
   * read from a signed token, e.g. {@code PASSED ReferenceId=1234-54322}.
   */
  public String outcomeValue() {
    return referenceId == null ? reason.name() : reason.name() + " ReferenceId=" + referenceId;
  }

  @Override
  public String toString() {
    return "FidoCheck[" + reason + (referenceId == null ? "" : ", ReferenceId=" + referenceId) + ": " + detail + "]";
  }
}
