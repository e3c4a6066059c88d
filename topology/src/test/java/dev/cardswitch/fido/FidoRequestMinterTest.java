package dev.cardswitch.fido;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class FidoRequestMinterTest {

  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00.750Z");
  private final String secret = randomSecret();
  private final CardinalApiKey key = new CardinalApiKey("MyMerchant-Api-Key-Id", secret);
  private final CardinalFidoConfig config =
      new CardinalFidoConfig(key, "M59c2745f2f3e7357b4aa516a", "https://issuer.example/fido/return");
  private final FidoRequestMinter minter =
      new FidoRequestMinter(config, new HmacIssuedJtis(key), Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void mintedRequestVerifiesWithAnIndependentHs256AndCarriesEverySeedClaimWithItsType() throws Exception {
    FidoRequest request = minter.mint("1234-54322-12354-6454");
    String[] parts = request.jwt().split("\\.");
    assertEquals(3, parts.length);

    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertArrayEquals(expected, Base64.getUrlDecoder().decode(parts[2]), "HS256 over base64url(header).base64url(payload)");

    ObjectMapper json = new ObjectMapper();
    JsonNode header = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
    assertEquals("HS256", header.get("alg").asText());

    JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
    Set<String> names = new java.util.TreeSet<>();
    claims.fieldNames().forEachRemaining(names::add);
    assertEquals(new java.util.TreeSet<>(List.of("iss", "OrgUnitId", "ReturnUrl", "jti", "ObjectifyPayload", "iat",
        "ReferenceId")), names, "exactly the claims of seed 004");
    // Seed 004's table says iss is a Number; its example writes a string, and an API key identifier
    // is a name: the example's type is pinned. iat is a string of epoch seconds as in the example.
    assertTrue(claims.get("iss").isTextual());
    assertEquals("MyMerchant-Api-Key-Id", claims.get("iss").asText());
    assertTrue(claims.get("OrgUnitId").isTextual());
    assertEquals("M59c2745f2f3e7357b4aa516a", claims.get("OrgUnitId").asText());
    assertTrue(claims.get("ReturnUrl").isTextual());
    assertEquals("https://issuer.example/fido/return", claims.get("ReturnUrl").asText());
    assertTrue(claims.get("jti").isTextual());
    assertEquals(request.jti(), claims.get("jti").asText());
    assertTrue(claims.get("ObjectifyPayload").isBoolean());
    assertTrue(claims.get("ObjectifyPayload").asBoolean());
    assertTrue(claims.get("iat").isTextual(), "iat is a string, as in the seed's example");
    assertEquals(Long.toString(NOW.getEpochSecond()), claims.get("iat").asText(), "epoch seconds");
    assertTrue(claims.get("ReferenceId").isTextual());
    assertEquals("1234-54322-12354-6454", claims.get("ReferenceId").asText());
    assertEquals(Instant.ofEpochSecond(NOW.getEpochSecond()), request.issuedAt());
  }

  @Test
  void everyRequestGetsAFreshJti() {
    assertNotEquals(minter.mint("ref-1").jti(), minter.mint("ref-1").jti());
  }

  @Test
  void issuedJtiIsRecognisedByAnotherInstanceWithTheSameKeyOnlyForItsReferenceId() {
    String jti = minter.mint("ref-1").jti();
    HmacIssuedJtis other = new HmacIssuedJtis(new CardinalApiKey("MyMerchant-Api-Key-Id", secret));
    assertEquals(IssuedJtis.Recognition.ISSUED, other.recognise(jti, "ref-1"));
    assertEquals(IssuedJtis.Recognition.OTHER_REFERENCE, other.recognise(jti, "ref-2"));
    HmacIssuedJtis otherKey = new HmacIssuedJtis(new CardinalApiKey("MyMerchant-Api-Key-Id", randomSecret()));
    assertEquals(IssuedJtis.Recognition.UNKNOWN, otherKey.recognise(jti, "ref-1"));
    assertEquals(IssuedJtis.Recognition.UNKNOWN, other.recognise("415780e0-5e6b-11ef-85a0-c73c743c3ef2", "ref-1"));
    String tampered = jti.replaceFirst("\\.([0-9]+)\\.", ".1.");
    assertEquals(IssuedJtis.Recognition.UNKNOWN, other.recognise(tampered, "ref-1"), "the iat is under the tag");
  }

  @Test
  void refusesABlankReferenceId() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> minter.mint(" "));
    assertTrue(e.getMessage().contains("reference_id"), e.getMessage());
  }

  @Test
  void apiKeyIsMaskedAndMustBeLongEnoughForHs256() {
    assertFalse(key.toString().contains(secret));
    assertFalse(config.toString().contains(secret));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CardinalApiKey("id", "short-key"));
    assertTrue(e.getMessage().startsWith("CARDINAL_API_KEY is too short"), e.getMessage());
    assertFalse(e.getMessage().contains("short-key"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new CardinalApiKey("", secret))
        .getMessage().startsWith("CARDINAL_API_KEY_ID is not set"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new CardinalFidoConfig(key, "", "https://a.example"))
        .getMessage().startsWith("CARDINAL_ORG_UNIT_ID is not set"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new CardinalFidoConfig(key, "org", "not a url"))
        .getMessage().startsWith("CARDINAL_RETURN_URL must be an absolute"));
  }

  @Test
  void gateModeParsesTheSettingAndNamesItWhenWrong() {
    assertEquals(FidoGateMode.OFF, FidoGateMode.parse(null));
    assertEquals(FidoGateMode.REQUIRED, FidoGateMode.parse("required"));
    assertEquals(FidoGateMode.AUDIT, FidoGateMode.parse(" Audit "));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> FidoGateMode.parse("on"))
        .getMessage().startsWith("FIDO_GATE must be off, audit or required"));
  }

  static String randomSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
