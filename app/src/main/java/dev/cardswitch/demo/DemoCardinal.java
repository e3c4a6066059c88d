package dev.cardswitch.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import dev.cardswitch.fido.CardinalFidoConfig;
import dev.cardswitch.fido.FidoGateMode;
import dev.cardswitch.fido.FidoRequest;
import dev.cardswitch.fido.FidoRequestMinter;
import dev.cardswitch.fido.HmacIssuedJtis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The demo's stand-in for the issuer's front end and Cardinal FIDO: for a card it mints the request
 * JWT through card-switch's own library call (as {@code POST /fido/jwt} does), then answers it as
 * Cardinal does (seed 004's response: {@code aud} = the request's {@code jti}, {@code Payload}
 * with ChallengeState, ReferenceId, ErrorNumber), HS256 with the same API key, as Cardinal signs
 * with the merchant's key. A failed authentication takes one of four forms in turn, each a check
 * the gate makes. The key is the service's (generated for the sandbox unless configured); it is
 * never shown. Thread-safe: no mutable state.
 */
public final class DemoCardinal {

  /** The ways a planned failure fails, in turn: what the dead letter's detail will name. */
  public enum Failure {
    /** Cardinal's ChallengeState {@code Failure}: the cardholder did not authenticate. */
    CHALLENGE_NOT_AUTHENTICATED,
    /** Cardinal answered with ErrorNumber 1000 (an error has occurred in the Service). */
    ERROR_NUMBER,
    /** The card reference carries no FIDO result at all. */
    MISSING,
    /** The response answers a request card-switch never issued. */
    UNKNOWN_AUD
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final CardinalFidoConfig config;
  private final FidoGateMode mode;
  private final FidoRequestMinter minter;
  private final Clock clock;

  public DemoCardinal(CardinalFidoConfig config, FidoGateMode mode, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.minter = new FidoRequestMinter(config, new HmacIssuedJtis(config.apiKey()), clock);
  }

  /** Whether failed authentications become dead letters (FIDO_GATE=required), so the plan has some. */
  public boolean required() {
    return mode == FidoGateMode.REQUIRED;
  }

  /** A response JWT that passes every check, for {@code cardId}'s cardholder. */
  public String authenticated(String cardId) {
    return respond(cardId, "ENROLLED", "0", "Success", true);
  }

  /** What the card reference carries for a failed authentication of kind {@code failure} (null: nothing). */
  public String failed(String cardId, Failure failure) {
    return switch (failure) {
      case CHALLENGE_NOT_AUTHENTICATED -> respond(cardId, "Failure", "0", "Success", true);
      case ERROR_NUMBER -> respond(cardId, "ENROLLED", "1000", "An error has occurred in the Service", true);
      case MISSING -> null;
      case UNKNOWN_AUD -> respond(cardId, "ENROLLED", "0", "Success", false);
    };
  }

  private String respond(String cardId, String state, String errorNumber, String description, boolean issued) {
    String referenceId = "ref-" + cardId;
    FidoRequest request = minter.mint(referenceId);
    Instant now = clock.instant();
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("ChallengeState", state);
    payload.put("ReferenceId", referenceId);
    payload.put("ErrorNumber", errorNumber);
    payload.put("ErrorDescription", description);
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", config.apiKey().keyId());
    claims.put("iat", now.getEpochSecond());
    claims.put("exp", now.plus(Duration.ofHours(2)).getEpochSecond());
    claims.put("jti", UUID.randomUUID().toString());
    claims.put("aud", issued ? request.jti() : UUID.randomUUID().toString());
    claims.put("Payload", payload);
    try {
      JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
          new Payload(JSON.writeValueAsString(claims)));
      byte[] secret = config.apiKey().revealSecret();
      try {
        jws.sign(new MACSigner(secret));
      } finally {
        java.util.Arrays.fill(secret, (byte) 0);
      }
      return jws.serialize();
    } catch (JOSEException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new DemoException(DemoException.FIDO_UNAVAILABLE, "the demo could not sign a Cardinal response: "
          + e.getClass().getSimpleName(), e);
    }
  }

  /** The gate's mode and the API key id, for the demo's banner (the key itself is never printed). */
  @Override
  public String toString() {
    return "FIDO_GATE=" + mode.settingValue() + ", Cardinal API key id " + config.apiKey().keyId();
  }
}
