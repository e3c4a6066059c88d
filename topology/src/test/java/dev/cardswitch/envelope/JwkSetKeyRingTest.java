package dev.cardswitch.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.CompressionAlgorithm;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JwkSetKeyRingTest {

  private static final String CARD = "{\"card\":{\"number\":\"4242424242424242\",\"cvv\":\"012\"}}";

  private final ECKey oldKey = JwkSetKeyRing.generate("card-key-2026-01");
  private final ECKey newKey = JwkSetKeyRing.generate("card-key-2026-11");

  @Test
  void decryptsWhatTheEncrypterSealed() {
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(newKey), JwkSetKeyRing.Options.DEFAULT);
    String envelope = new EnvelopeEncrypter(ring.currentPublicKey()).encrypt(card());

    assertArrayEquals(card(), ring.decrypt(envelope));
    assertFalse(envelope.contains("4242"));
  }

  @Test
  void decryptsEnvelopesOfOldAndNewKeyAfterRotation() {
    JwkSetKeyRing ring = JwkSetKeyRing.fromJwkSetJson(jwkSet(newKey, oldKey));
    String sealedToOld = new EnvelopeEncrypter(oldKey.toPublicJWK()).encrypt(card());
    String sealedToNew = new EnvelopeEncrypter(newKey.toPublicJWK()).encrypt(card());

    assertArrayEquals(card(), ring.decrypt(sealedToOld));
    assertArrayEquals(card(), ring.decrypt(sealedToNew));
    assertEquals("card-key-2026-11", ring.currentKid());
    assertEquals(newKey.toPublicJWK(), ring.currentPublicKey());
    assertFalse(ring.currentPublicKey().isPrivate());
    assertEquals(List.of("card-key-2026-11", "card-key-2026-01"), ring.kids());
  }

  @Test
  void currentKidIsConfigurable() {
    JwkSetKeyRing ring =
        JwkSetKeyRing.fromJwkSetJson(jwkSet(oldKey, newKey), JwkSetKeyRing.Options.DEFAULT.withCurrentKid("card-key-2026-11"));
    assertEquals("card-key-2026-11", ring.currentKid());
    assertEquals(newKey.toPublicJWK(), ring.currentPublicKey());
  }

  @Test
  void unknownKidIsReportedWithTheKid() {
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(newKey), JwkSetKeyRing.Options.DEFAULT);
    ECKey retired = JwkSetKeyRing.generate("card-key-2025-06");
    String envelope = new EnvelopeEncrypter(retired).encrypt(card());

    EnvelopeException thrown = assertThrows(EnvelopeException.class, () -> ring.decrypt(envelope));

    assertEquals(EnvelopeException.UNKNOWN_ENVELOPE_KEY, thrown.reason());
    assertEquals("card-key-2025-06", thrown.kid().orElseThrow());
    assertTrue(thrown.getMessage().contains("card-key-2025-06"), thrown.getMessage());
    assertTrue(thrown.getMessage().contains("card-key-2026-11"), thrown.getMessage());
  }

  @Test
  void rejectsTamperedCiphertext() {
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(newKey), JwkSetKeyRing.Options.DEFAULT);
    String[] parts = new EnvelopeEncrypter(newKey).encrypt(card()).split("\\.", -1);
    parts[3] = flipFirstCharacter(parts[3]);
    assertUndecryptable(ring, String.join(".", parts));
  }

  @Test
  void rejectsTamperedTag() {
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(newKey), JwkSetKeyRing.Options.DEFAULT);
    String[] parts = new EnvelopeEncrypter(newKey).encrypt(card()).split("\\.", -1);
    parts[4] = flipFirstCharacter(parts[4]);
    assertUndecryptable(ring, String.join(".", parts));
  }

  @Test
  void rejectsTamperedHeader() {
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(newKey), JwkSetKeyRing.Options.DEFAULT);
    String envelope = new EnvelopeEncrypter(newKey).encrypt(card());
    String[] parts = envelope.split("\\.", -1);
    // A header parameter added: the header is authenticated as sent, so the tag no longer matches.
    String header = new String(java.util.Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
    String changed = "{\"x-note\":\"changed\"," + header.substring(1);
    parts[0] = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(changed.getBytes(StandardCharsets.UTF_8));
    assertUndecryptable(ring, String.join(".", parts));
  }

  @Test
  void rejectsTruncatedEnvelope() {
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(newKey), JwkSetKeyRing.Options.DEFAULT);
    String envelope = new EnvelopeEncrypter(newKey).encrypt(card());
    assertUndecryptable(ring, envelope.substring(0, envelope.lastIndexOf('.')));
    assertUndecryptable(ring, envelope.substring(0, envelope.length() - 4));
  }

  @Test
  void rejectsWhatIsNotAJwe() {
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(newKey), JwkSetKeyRing.Options.DEFAULT);
    assertUndecryptable(ring, "not a jwe");
    assertUndecryptable(ring, "");
    assertUndecryptable(ring, null);
    assertUndecryptable(ring, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"); // a JWS
    assertUndecryptable(ring, "a".repeat(EnvelopeFormat.MAX_COMPACT_CHARS + 1));
  }

  @Test
  void rejectsRsaOaepJweEvenWithAKnownKid() throws Exception {
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(newKey), JwkSetKeyRing.Options.DEFAULT);
    RSAKey rsa = new RSAKeyGenerator(2048).generate();
    JWEObject jwe =
        new JWEObject(
            new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM).keyID(newKey.getKeyID()).build(),
            new Payload(card()));
    jwe.encrypt(new RSAEncrypter(rsa));
    EnvelopeException thrown = assertUndecryptable(ring, jwe.serialize());
    assertTrue(thrown.getMessage().contains("RSA-OAEP-256"), thrown.getMessage());
  }

  @Test
  void rejectsDirectEncryption() throws Exception {
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(newKey), JwkSetKeyRing.Options.DEFAULT);
    JWEObject jwe =
        new JWEObject(
            new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM).keyID(newKey.getKeyID()).build(),
            new Payload(card()));
    jwe.encrypt(new DirectEncrypter(new byte[32]));
    assertUndecryptable(ring, jwe.serialize());
  }

  @Test
  void rejectsOtherEcdhVariantsAndContentEncryption() throws Exception {
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(newKey), JwkSetKeyRing.Options.DEFAULT);
    assertUndecryptable(ring, ecdhJwe(JWEAlgorithm.ECDH_ES_A256KW, EncryptionMethod.A256GCM, null));
    assertUndecryptable(ring, ecdhJwe(JWEAlgorithm.ECDH_ES, EncryptionMethod.A128GCM, null));
    assertUndecryptable(ring, ecdhJwe(JWEAlgorithm.ECDH_ES, EncryptionMethod.A256GCM, CompressionAlgorithm.DEF));
  }

  @Test
  void rejectsEnvelopeWithoutKid() throws Exception {
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(newKey), JwkSetKeyRing.Options.DEFAULT);
    JWEObject jwe = new JWEObject(new JWEHeader(JWEAlgorithm.ECDH_ES, EncryptionMethod.A256GCM), new Payload(card()));
    jwe.encrypt(new ECDHEncrypter(newKey.toPublicJWK()));
    EnvelopeException thrown = assertUndecryptable(ring, jwe.serialize());
    assertTrue(thrown.kid().isEmpty());
  }

  @Test
  void rejectsEnvelopeSealedToAnotherKeyUnderTheSameKid() {
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(newKey), JwkSetKeyRing.Options.DEFAULT);
    ECKey impostor = JwkSetKeyRing.generate(newKey.getKeyID());
    EnvelopeException thrown = assertUndecryptable(ring, new EnvelopeEncrypter(impostor).encrypt(card()));
    assertEquals(newKey.getKeyID(), thrown.kid().orElseThrow());
  }

  @Test
  void usesCorrettoForKeyAgreementByDefaultOnLinuxX86AndOthersOnRequest() {
    JwkSetKeyRing fast = JwkSetKeyRing.of(List.of(newKey), JwkSetKeyRing.Options.DEFAULT);
    JwkSetKeyRing bouncyCastle = JwkSetKeyRing.of(
        List.of(newKey), JwkSetKeyRing.Options.DEFAULT.withCardCryptoProvider(CardCryptoProvider.BOUNCY_CASTLE));
    JwkSetKeyRing jdk =
        JwkSetKeyRing.of(
            List.of(newKey), JwkSetKeyRing.Options.DEFAULT.withCardCryptoProvider(CardCryptoProvider.JDK_DEFAULT));

    // The project's machines and CI are Linux x86-64, where Corretto's native library loads.
    boolean linuxX86 = System.getProperty("os.name").equals("Linux")
        && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
    assertEquals(linuxX86 ? CardCryptoProvider.CORRETTO : CardCryptoProvider.BOUNCY_CASTLE, fast.keyAgreementProvider());
    ECDHDecrypter fastDecrypter = (ECDHDecrypter) fast.decrypter(newKey.getKeyID());
    assertEquals(linuxX86 ? "AmazonCorrettoCryptoProvider" : "BC",
        fastDecrypter.getJCAContext().getKeyEncryptionProvider().getName());
    if (linuxX86) {
      // The key is Corretto's own, converted once at load rather than on every key agreement.
      assertTrue(fastDecrypter.getPrivateKey().getClass().getName().startsWith("com.amazon.corretto."),
          fastDecrypter.getPrivateKey().getClass().getName());
    }
    assertEquals("BC",
        ((ECDHDecrypter) bouncyCastle.decrypter(newKey.getKeyID())).getJCAContext().getKeyEncryptionProvider().getName());
    assertNull(((ECDHDecrypter) jdk.decrypter(newKey.getKeyID())).getJCAContext().getKeyEncryptionProvider());
    assertNull(fastDecrypter.getJCAContext().getContentEncryptionProvider());
    String envelope = new EnvelopeEncrypter(newKey, CardCryptoProvider.JDK_DEFAULT).encrypt(card());
    assertArrayEquals(card(), jdk.decrypt(envelope));
    assertArrayEquals(card(), bouncyCastle.decrypt(envelope));
    assertArrayEquals(card(), fast.decrypt(envelope));
  }

  @ParameterizedTest
  @EnumSource(CardCryptoProvider.class)
  void rejectsAnEphemeralKeyOffTheCurveWithEveryProvider(CardCryptoProvider provider) {
    // An invalid-curve attack sends a point off P-256 to learn the private key from the answers: no
    // provider may be handed one.
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(newKey), JwkSetKeyRing.Options.DEFAULT.withCardCryptoProvider(provider));
    String[] parts = new EnvelopeEncrypter(newKey, provider).encrypt(card()).split("\\.");
    String header = new String(java.util.Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
    String otherY = JwkSetKeyRing.generate("other").getY().toString();
    String offCurve = header.replaceFirst("\"y\":\"[^\"]+\"", "\"y\":\"" + otherY + "\"");
    assertFalse(offCurve.equals(header), header);
    parts[0] = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(offCurve.getBytes(StandardCharsets.UTF_8));

    EnvelopeException thrown = assertUndecryptable(ring, String.join(".", parts));
    assertFalse(thrown.getMessage().contains(otherY), thrown.getMessage());
  }

  @Test
  void reusesOneDecrypterPerKidAcrossThreads() throws Exception {
    JwkSetKeyRing ring = JwkSetKeyRing.fromJwkSetJson(jwkSet(newKey, oldKey));
    assertSame(ring.decrypter(newKey.getKeyID()), ring.decrypter(newKey.getKeyID()));
    List<String> envelopes = new ArrayList<>();
    List<byte[]> plaintexts = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      byte[] plaintext = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
      plaintexts.add(plaintext);
      envelopes.add(new EnvelopeEncrypter(i % 2 == 0 ? newKey : oldKey).encrypt(plaintext));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<byte[]>> results = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        for (String envelope : envelopes) {
          results.add(pool.submit(() -> ring.decrypt(envelope)));
        }
      }
      for (int i = 0; i < results.size(); i++) {
        assertArrayEquals(plaintexts.get(i % envelopes.size()), results.get(i).get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void describesItselfWithoutKeyMaterial() {
    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(newKey, oldKey), JwkSetKeyRing.Options.DEFAULT);
    String text = ring.toString();
    assertTrue(text.contains("card-key-2026-11") && text.contains("keyAgreement=" + ring.keyAgreementProvider()), text);
    assertFalse(text.contains(newKey.getD().toString()));
  }

  private String ecdhJwe(JWEAlgorithm alg, EncryptionMethod enc, CompressionAlgorithm zip) throws Exception {
    JWEObject jwe =
        new JWEObject(
            new JWEHeader.Builder(alg, enc).keyID(newKey.getKeyID()).compressionAlgorithm(zip).build(),
            new Payload(card()));
    jwe.encrypt(new ECDHEncrypter(newKey.toPublicJWK()));
    return jwe.serialize();
  }

  private static EnvelopeException assertUndecryptable(KeyRing ring, String envelope) {
    EnvelopeException thrown = assertThrows(EnvelopeException.class, () -> ring.decrypt(envelope));
    assertEquals(EnvelopeException.UNDECRYPTABLE_ENVELOPE, thrown.reason(), thrown.getMessage());
    assertFalse(thrown.getMessage().contains("4242"), thrown.getMessage());
    return thrown;
  }

  private static String flipFirstCharacter(String base64url) {
    char first = base64url.charAt(0);
    return (first == 'A' ? 'B' : 'A') + base64url.substring(1);
  }

  static String jwkSet(ECKey... keys) {
    return new com.nimbusds.jose.jwk.JWKSet(List.of(keys)).toString(false);
  }

  private static byte[] card() {
    return CARD.getBytes(StandardCharsets.UTF_8);
  }
}
