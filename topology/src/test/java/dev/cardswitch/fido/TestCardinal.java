package dev.cardswitch.fido;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A test double of Cardinal FIDO: writes response JWTs as Cardinal does (seed 004's response
 * example), HS256 with the shared API key, by hand (Jackson + javax.crypto.Mac), so the verifier is
 * checked against an implementation other than its own. Each setter changes one thing. Not thread-safe.
 */
public final class TestCardinal {

  private static final ObjectMapper JSON = new ObjectMapper();

  private String secret;
  private final Map<String, Object> claims = new LinkedHashMap<>();
  private final Map<String, Object> payload = new LinkedHashMap<>();

  /** A valid response to the request {@code aud} (its jti) about {@code referenceId}, issued at {@code iat}. */
  public static TestCardinal response(String secret, String aud, String referenceId, Instant iat) {
    TestCardinal t = new TestCardinal();
    t.secret = secret;
    t.claims.put("iss", "5b5a345a2f3e7330d088c15c");
    t.claims.put("iat", iat.getEpochSecond());
    t.claims.put("exp", iat.getEpochSecond() + 7200);
    t.claims.put("jti", java.util.UUID.randomUUID().toString());
    t.claims.put("aud", aud);
    t.payload.put("ChallengeState", "ENROLLED");
    t.payload.put("ReferenceId", referenceId);
    t.payload.put("ErrorNumber", "0");
    t.payload.put("ErrorDescription", "Success");
    return t;
  }

  public TestCardinal claim(String name, Object value) {
    if (value == null) {
      claims.remove(name);
    } else {
      claims.put(name, value);
    }
    return this;
  }

  public TestCardinal payload(String name, Object value) {
    payload.put(name, value);
    return this;
  }

  public TestCardinal signedWith(String otherSecret) {
    this.secret = otherSecret;
    return this;
  }

  public String jti() {
    return (String) claims.get("jti");
  }

  public String jwt() {
    try {
      Map<String, Object> body = new LinkedHashMap<>(claims);
      body.put("Payload", payload);
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      String signingInput = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
          + "." + b64.encodeToString(JSON.writeValueAsBytes(body));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return signingInput + "." + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
