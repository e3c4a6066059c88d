package dev.cardswitch.knot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KnotJwkTest {

  private static Map<String, Object> rsa2048;
  private static Map<String, Object> rsa1024;

  @BeforeAll
  static void generateKeys() throws Exception {
    rsa2048 = new RSAKeyGenerator(2048).generate().toPublicJWK().toJSONObject();
    rsa1024 = new RSAKeyGenerator(1024, true).generate().toPublicJWK().toJSONObject();
  }

  /** A JWK shaped exactly as seed 000's answer to GET /jwe/key, altered by {@code change}. */
  private static String seedShaped(Map<String, Object> base, Consumer<Map<String, Object>> change) {
    Map<String, Object> jwk = new LinkedHashMap<>(base);
    jwk.put("alg", "RSA-OAEP-256");
    jwk.put("key_ops", List.of("encrypt"));
    jwk.put("kid", "knot-key-1");
    jwk.put("use", "enc");
    change.accept(jwk);
    return JSONObjectUtils.toJSONString(jwk);
  }

  private static InvalidKnotJwkException rejected(String json) {
    return assertThrows(InvalidKnotJwkException.class, () -> KnotJwk.parse(json));
  }

  private static void assertOnlyFailure(InvalidKnotJwkException e, String check) {
    assertEquals(List.of(check), e.failedChecks().stream().map(KnotJwkCheck::name).toList(), e.getMessage());
    assertTrue(e.getMessage().contains(check + ": "), e.getMessage());
    assertEquals(InvalidKnotJwkException.REASON, e.reason());
  }

  @Test
  void acceptsTheShapeOfSeed000() {
    KnotJwk key = KnotJwk.parse(seedShaped(rsa2048, jwk -> {}));
    assertEquals("knot-key-1", key.kid());
    assertEquals(2048, key.modulusBits());
    assertTrue(KnotJwk.inspect(seedShaped(rsa2048, jwk -> {})).stream().allMatch(KnotJwkCheck::passed));
  }

  @Test
  void acceptsAbsentOptionalMembers() {
    KnotJwk key = KnotJwk.parse(seedShaped(rsa2048, jwk -> {
      jwk.remove("use");
      jwk.remove("key_ops");
      jwk.remove("alg");
    }));
    assertEquals("knot-key-1", key.kid());
  }

  @Test
  void acceptsWrapKeyAsKeyOperation() {
    KnotJwk.parse(seedShaped(rsa2048, jwk -> jwk.put("key_ops", List.of("wrapKey"))));
  }

  @Test
  void rejectsNonRsaKey() throws Exception {
    Map<String, Object> ec = new ECKeyGenerator(Curve.P_256).generate().toPublicJWK().toJSONObject();
    InvalidKnotJwkException e = rejected(seedShaped(ec, jwk -> {}));
    assertEquals("kty", e.failedChecks().get(0).name());
    assertTrue(e.getMessage().contains("must be RSA"), e.getMessage());
  }

  @Test
  void rejectsModulusBelow2048Bits() {
    InvalidKnotJwkException e = rejected(seedShaped(rsa1024, jwk -> {}));
    assertOnlyFailure(e, "modulus");
    assertTrue(e.getMessage().contains("1024 bits"), e.getMessage());
  }

  @Test
  void rejectsMissingModulus() {
    assertOnlyFailure(rejected(seedShaped(rsa2048, jwk -> jwk.remove("n"))), "modulus");
  }

  @Test
  void rejectsSigningUse() {
    InvalidKnotJwkException e = rejected(seedShaped(rsa2048, jwk -> jwk.put("use", "sig")));
    assertOnlyFailure(e, "use");
    assertTrue(e.getMessage().contains("\"sig\""), e.getMessage());
  }

  @Test
  void rejectsKeyOpsWithoutEncrypt() {
    assertOnlyFailure(rejected(seedShaped(rsa2048, jwk -> jwk.put("key_ops", List.of("verify")))), "key_ops");
  }

  @Test
  void rejectsAnotherAlgorithm() {
    InvalidKnotJwkException e = rejected(seedShaped(rsa2048, jwk -> jwk.put("alg", "RSA1_5")));
    assertOnlyFailure(e, "alg");
    assertTrue(e.getMessage().contains("must be RSA-OAEP-256"), e.getMessage());
  }

  @Test
  void rejectsMissingKid() {
    assertOnlyFailure(rejected(seedShaped(rsa2048, jwk -> jwk.remove("kid"))), "kid");
  }

  @Test
  void rejectsBlankKid() {
    assertOnlyFailure(rejected(seedShaped(rsa2048, jwk -> jwk.put("kid", " "))), "kid");
  }

  @Test
  void reportsEveryFailedCheckAtOnce() {
    InvalidKnotJwkException e = rejected(seedShaped(rsa1024, jwk -> {
      jwk.put("use", "sig");
      jwk.remove("kid");
    }));
    assertEquals(List.of("modulus", "use", "kid"), e.failedChecks().stream().map(KnotJwkCheck::name).toList());
  }

  @Test
  void rejectsSomethingThatIsNotJson() {
    List<KnotJwkCheck> checks = KnotJwk.inspect("<html>Moved</html>");
    assertEquals(1, checks.size());
    assertFalse(checks.get(0).passed());
    assertOnlyFailure(rejected("<html>Moved</html>"), "json");
  }

  @Test
  void keepsOnlyThePublicPartOfAKeyServedWithPrivateMembers() throws Exception {
    Map<String, Object> withPrivate = new RSAKeyGenerator(2048).keyID("k").generate().toJSONObject();
    KnotJwk key = KnotJwk.parse(seedShaped(withPrivate, jwk -> {}));
    assertFalse(key.publicJwk().isPrivate());
  }

  @Test
  void tellsKeysApartByKidAndMaterial() throws Exception {
    KnotJwk a = KnotJwk.parse(seedShaped(rsa2048, jwk -> {}));
    KnotJwk sameAgain = KnotJwk.parse(seedShaped(rsa2048, jwk -> {}));
    KnotJwk otherKid = KnotJwk.parse(seedShaped(rsa2048, jwk -> jwk.put("kid", "knot-key-2")));
    assertTrue(a.sameKeyAs(sameAgain));
    assertFalse(a.sameKeyAs(otherKid));
  }
}
