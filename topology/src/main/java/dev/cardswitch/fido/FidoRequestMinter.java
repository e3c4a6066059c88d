package dev.cardswitch.fido;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Mints the Cardinal FIDO request JWT (seed 004) for the issuer's front end: HS256 under the
 * Cardinal API key, with exactly the claims the seed lists.
 *
 * <p>JSON types: the seed's claim table says {@code iss} is a Number and its example writes a
 * string ({@code "MyMerchant-Api-Key-Id"}); an API key identifier is a name, so the example is
 * followed and {@code iss} is a string. {@code iat} is written as a string of epoch seconds
 * ({@code "1448997865"}) as the request example does, not as the JSON number RFC 7519 uses (the
 * response example uses a number: the verifier accepts both). {@code ObjectifyPayload} is the
 * boolean {@code true}. The payload is written with Jackson rather than nimbus's claims set, which
 * would turn a string {@code iat} into a date.
 *
 * <p>Thread-safe: the signer is made per call (it holds the key only while signing).
 */
public final class FidoRequestMinter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final CardinalFidoConfig config;
  private final IssuedJtis jtis;
  private final Clock clock;

  public FidoRequestMinter(CardinalFidoConfig config, IssuedJtis jtis, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.jtis = Objects.requireNonNull(jtis, "jtis");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A fresh request JWT for {@code referenceId} (the ID Cardinal returned from the FIDO Init request).
   *
   * @throws IllegalArgumentException when the reference id is blank
   */
  public FidoRequest mint(String referenceId) {
    if (referenceId == null || referenceId.isBlank()) {
      throw new IllegalArgumentException("reference_id is required: pass the ReferenceId Cardinal returned from"
          + " the FIDO Init request");
    }
    Instant issuedAt = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    String jti = jtis.issue(referenceId, issuedAt);
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", config.apiKey().keyId());
    claims.put("OrgUnitId", config.orgUnitId());
    claims.put("ReturnUrl", config.returnUrl());
    claims.put("jti", jti);
    claims.put("ObjectifyPayload", Boolean.TRUE);
    claims.put("iat", Long.toString(issuedAt.getEpochSecond()));
    claims.put("ReferenceId", referenceId);
    JWSObject jws;
    try {
      jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
          new Payload(JSON.writeValueAsString(claims)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the request claims could not be written as JSON", e);
    }
    byte[] secret = config.apiKey().secret();
    try {
      jws.sign(new MACSigner(secret));
    } catch (JOSEException e) {
      // CardinalApiKey guarantees the key length; anything else is a broken JCA provider.
      throw new IllegalStateException("HS256 signing failed: " + e.getClass().getSimpleName(), e);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    return new FidoRequest(jws.serialize(), jti, issuedAt);
  }
}
