package dev.cardswitch.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRingLoadingTest {

  private final ECKey first = JwkSetKeyRing.generate("first");
  private final ECKey second = JwkSetKeyRing.generate("second");

  @TempDir Path directory;

  @Test
  void loadsFromFileNamedByCardKeysFile() throws Exception {
    Path file = directory.resolve("card-keys.json");
    Files.writeString(file, set(first, second));

    JwkSetKeyRing ring = JwkSetKeyRing.fromEnvironment(Map.of("CARD_KEYS_FILE", file.toString()));

    assertEquals(List.of("first", "second"), ring.kids());
    assertEquals("first", ring.currentKid());
    assertRoundTrip(ring, second);
  }

  @Test
  void loadsFromCardKeysValueWithCurrentKid() {
    JwkSetKeyRing ring =
        JwkSetKeyRing.fromEnvironment(Map.of("CARD_KEYS", set(first, second), "CARD_KEYS_CURRENT_KID", "second"));

    assertEquals("second", ring.currentKid());
    assertEquals(second.toPublicJWK(), ring.currentPublicKey());
    assertRoundTrip(ring, first);
  }

  @Test
  void cardKeysKeyAgreementChoosesTheProviderAndRefusesAnUnknownOne() {
    for (CardCryptoProvider provider : CardCryptoProvider.values()) {
      JwkSetKeyRing ring = JwkSetKeyRing.fromEnvironment(
          Map.of("CARD_KEYS", set(first), "CARD_CRYPTO_PROVIDER", " " + provider.settingValue().toUpperCase() + " "));
      assertEquals(provider, ring.keyAgreementProvider());
      assertRoundTrip(ring, first);
    }
    assertEquals(CardCryptoProvider.preferred(),
        JwkSetKeyRing.fromEnvironment(Map.of("CARD_KEYS", set(first), "CARD_CRYPTO_PROVIDER", "auto")).keyAgreementProvider());
    assertEquals(CardCryptoProvider.preferred(),
        JwkSetKeyRing.fromEnvironment(Map.of("CARD_KEYS", set(first))).keyAgreementProvider());

    String message = rejected(() -> JwkSetKeyRing.fromEnvironment(Map.of("CARD_KEYS", set(first), "CARD_CRYPTO_PROVIDER", "openssl")));
    assertEquals("CARD_CRYPTO_PROVIDER is \"openssl\": give auto (the default), corretto, bouncycastle or jdk", message);
  }

  @Test
  void namesBothSettingsWhenNeitherIsSet() {
    InvalidEnvelopeKeyException thrown =
        assertThrows(InvalidEnvelopeKeyException.class, () -> JwkSetKeyRing.fromEnvironment(Map.of("CARD_KEYS", " ")));
    assertTrue(thrown.getMessage().contains("CARD_KEYS_FILE"), thrown.getMessage());
    assertTrue(thrown.getMessage().contains("CARD_KEYS "), thrown.getMessage());
    assertEquals("INVALID_ENVELOPE_KEY", thrown.reason());
  }

  @Test
  void refusesBothSettingsAtOnce() {
    String message =
        assertThrows(
                InvalidEnvelopeKeyException.class,
                () -> JwkSetKeyRing.fromEnvironment(Map.of("CARD_KEYS", set(first), "CARD_KEYS_FILE", "/keys.json")))
            .getMessage();
    assertTrue(message.contains("set only one"), message);
  }

  @Test
  void reportsMissingFileWithItsPath() {
    Path missing = directory.resolve("nowhere.json");
    String message = rejected(() -> JwkSetKeyRing.fromFile(missing));
    assertTrue(message.contains(missing.toString()) && message.contains("does not exist"), message);
  }

  @Test
  void rejectsCurrentKidNotInTheSet() {
    String message =
        rejected(() -> JwkSetKeyRing.fromJwkSetJson(set(first), JwkSetKeyRing.Options.DEFAULT.withCurrentKid("third")));
    assertTrue(message.contains("\"third\"") && message.contains("CARD_KEYS_CURRENT_KID") && message.contains("\"first\""), message);
  }

  @Test
  void rejectsInputThatIsNotAJwkSet() {
    String privateMaterial = first.getD().toString();
    String broken = set(first).substring(0, 60);
    String message = rejected(() -> JwkSetKeyRing.fromJwkSetJson(broken));
    assertTrue(message.contains("is not JSON"), message);
    assertFalse(message.contains(privateMaterial.substring(0, 10)), message);

    assertTrue(rejected(() -> JwkSetKeyRing.fromJwkSetJson(first.toJSONString())).contains("no \"keys\" array"));
    assertTrue(rejected(() -> JwkSetKeyRing.fromJwkSetJson("{\"keys\":[]}")).contains("holds no keys"));
    assertTrue(rejected(() -> JwkSetKeyRing.fromJwkSetJson("{\"keys\":[\"x\"]}")).contains("key #1"));
  }

  @Test
  void rejectsRsaKey() throws Exception {
    JWK rsa = new RSAKeyGenerator(2048).keyID("rsa-key").generate();
    String message = rejectedSet(first, rsa);
    assertTrue(message.contains("key #2") && message.contains("\"rsa-key\"") && message.contains("RSA"), message);
  }

  @Test
  void rejectsPublicOnlyKey() {
    String message = rejectedSet(first.toPublicJWK());
    assertTrue(message.contains("public key only") && message.contains("\"first\""), message);
  }

  @Test
  void rejectsKeyWithoutKid() throws Exception {
    ECKey anonymous = new ECKeyGenerator(Curve.P_256).generate();
    assertTrue(rejectedSet(first, anonymous).contains("key #2 of the card key set has no \"kid\""));
  }

  @Test
  void rejectsDuplicateKids() {
    String message = rejectedSet(first, JwkSetKeyRing.generate("first"));
    assertTrue(message.contains("key #2") && message.contains("repeats a kid"), message);
  }

  @Test
  void rejectsCurvesOtherThanP256() throws Exception {
    ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("p384").generate();
    String message = rejectedSet(p384);
    assertTrue(message.contains("P-384") && message.contains("P-256 only"), message);
  }

  @Test
  void rejectsKeysNotMeantForEncryption() throws Exception {
    ECKey signing = new ECKeyGenerator(Curve.P_256).keyID("signing").keyUse(KeyUse.SIGNATURE).generate();
    assertTrue(rejectedSet(signing).contains("\"use\": \"sig\""));

    ECKey signOps = new ECKeyGenerator(Curve.P_256).keyID("sign-ops").keyOperations(Set.of(KeyOperation.SIGN)).generate();
    assertTrue(rejectedSet(signOps).contains("key_ops"));

    ECKey es256 = new ECKeyGenerator(Curve.P_256).keyID("es256").algorithm(JWSAlgorithm.ES256).generate();
    assertTrue(rejectedSet(es256).contains("\"alg\": \"ES256\""));

    ECKey derive = new ECKeyGenerator(Curve.P_256).keyID("derive")
        .keyOperations(Set.of(KeyOperation.DERIVE_KEY)).algorithm(JWEAlgorithm.ECDH_ES).generate();
    assertEquals("derive", JwkSetKeyRing.fromJwkSetJson(set(derive)).currentKid());
  }

  @Test
  void rejectsInvalidJwkWithoutPrintingKeyMaterial() {
    String x = first.getX().toString();
    String y = second.getY().toString();
    // A point not on the curve: x of one key with y of another.
    String json =
        "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"mixed\",\"x\":\"" + x + "\",\"y\":\"" + y
            + "\",\"d\":\"" + first.getD() + "\"}]}";
    String message = rejected(() -> JwkSetKeyRing.fromJwkSetJson(json));
    assertTrue(message.contains("\"mixed\"") && message.contains("not a valid JWK"), message);
    for (String material : List.of(x, y, first.getD().toString())) {
      assertFalse(message.contains(material.substring(0, 12)), message);
    }
  }

  @Test
  void fileLoadingWorksWithTheJdkProviderToo() throws Exception {
    Path file = directory.resolve("keys.json");
    Files.write(file, set(first).getBytes(StandardCharsets.UTF_8));
    JwkSetKeyRing ring =
        JwkSetKeyRing.fromFile(file, JwkSetKeyRing.Options.DEFAULT.withCardCryptoProvider(CardCryptoProvider.JDK_DEFAULT));
    assertEquals(CardCryptoProvider.JDK_DEFAULT, ring.keyAgreementProvider());
    assertRoundTrip(ring, first);
  }

  @Test
  void generatesEncryptionKeysForEnvelopes() {
    ECKey key = JwkSetKeyRing.generate("demo");
    assertEquals("demo", key.getKeyID());
    assertEquals(Curve.P_256, key.getCurve());
    assertEquals(KeyUse.ENCRYPTION, key.getKeyUse());
    assertEquals(JWEAlgorithm.ECDH_ES, key.getAlgorithm());
    assertTrue(key.isPrivate());
    assertFalse(key.getD().equals(JwkSetKeyRing.generate("demo").getD()));
  }

  @Test
  void encrypterRefusesKeysThatCannotSealEnvelopes() throws Exception {
    ECKey noKid = new ECKeyGenerator(Curve.P_256).generate();
    assertThrows(InvalidEnvelopeKeyException.class, () -> new EnvelopeEncrypter(noKid));
    ECKey p521 = new ECKeyGenerator(Curve.P_521).keyID("p521").generate();
    assertThrows(InvalidEnvelopeKeyException.class, () -> new EnvelopeEncrypter(p521));
    EnvelopeEncrypter encrypter = new EnvelopeEncrypter(first); // a private key: only its public half is kept
    assertEquals("first", encrypter.kid());
    assertEquals("EnvelopeEncrypter[kid=\"first\"]", encrypter.toString());
  }

  private static void assertRoundTrip(KeyRing ring, ECKey key) {
    byte[] plaintext = "{\"card\":{}}".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(plaintext, ring.decrypt(new EnvelopeEncrypter(key.toPublicJWK()).encrypt(plaintext)));
  }

  private static String set(JWK... keys) {
    return new JWKSet(List.of(keys)).toString(false);
  }

  private static String rejectedSet(JWK... keys) {
    String message = rejected(() -> JwkSetKeyRing.fromJwkSetJson(set(keys)));
    for (JWK key : keys) {
      if (key instanceof ECKey ec && ec.getD() != null) {
        assertFalse(message.contains(ec.getD().toString()), message);
      }
    }
    return message;
  }

  private static String rejected(org.junit.jupiter.api.function.Executable load) {
    return assertThrows(InvalidEnvelopeKeyException.class, load).getMessage();
  }
}
