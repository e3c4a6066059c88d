package dev.cardswitch.knot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.cardswitch.envelope.CardCryptoProvider;
import java.nio.charset.StandardCharsets;
import java.security.spec.MGF1ParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KnotJweEncrypterTest {

  private static final byte[] DOCUMENT =
      "{\"user\":{\"name\":{\"first_name\":\"Ada\",\"last_name\":\"Lovelace\"}},\"card\":{\"number\":\"4242424242424242\",\"expiration\":\"08/2030\",\"cvv\":\"012\"}}"
          .getBytes(StandardCharsets.UTF_8);

  private static RSAKey privateKey;
  private static KnotJwk knotKey;

  @BeforeAll
  static void generateKey() throws Exception {
    privateKey = new RSAKeyGenerator(2048).keyID("kid-1").keyUse(KeyUse.ENCRYPTION).generate();
    knotKey = KnotJwk.of(privateKey);
  }

  /**
   * Opens a compact JWE with the JDK alone (no nimbus): RSA-OAEP with SHA-256 and MGF1-SHA-256
   * unwraps the content key, AES-GCM with the protected header as AAD decrypts the content.
   */
  static byte[] decryptWithJdk(String compact, java.security.PrivateKey key) throws Exception {
    String[] parts = compact.split("\\.", -1);
    assertEquals(5, parts.length);
    Base64.Decoder b64 = Base64.getUrlDecoder();
    Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
    rsa.init(Cipher.DECRYPT_MODE, key,
        new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
    byte[] cek = rsa.doFinal(b64.decode(parts[1]));
    assertEquals(32, cek.length, "A256GCM uses a 256-bit content key");
    Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
    aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, b64.decode(parts[2])));
    aes.updateAAD(parts[0].getBytes(StandardCharsets.US_ASCII));
    byte[] ciphertext = b64.decode(parts[3]);
    byte[] tag = b64.decode(parts[4]);
    byte[] both = new byte[ciphertext.length + tag.length];
    System.arraycopy(ciphertext, 0, both, 0, ciphertext.length);
    System.arraycopy(tag, 0, both, ciphertext.length, tag.length);
    return aes.doFinal(both);
  }

  @Test
  void jweDecryptsWithTheJdkAlone() throws Exception {
    String jwe = new KnotJweEncrypter().encrypt(knotKey, DOCUMENT);
    assertArrayEquals(DOCUMENT, decryptWithJdk(jwe, privateKey.toPrivateKey()));
  }

  @ParameterizedTest
  @EnumSource(CardCryptoProvider.class)
  void jweDecryptsWithTheJdkAloneWhicheverProviderWrapsTheKey(CardCryptoProvider provider) throws Exception {
    KnotJweEncrypter encrypter = new KnotJweEncrypter(provider);
    String first = encrypter.encrypt(knotKey, DOCUMENT);
    String second = encrypter.encrypt(knotKey, DOCUMENT);
    assertArrayEquals(DOCUMENT, decryptWithJdk(first, privateKey.toPrivateKey()));
    assertArrayEquals(DOCUMENT, decryptWithJdk(second, privateKey.toPrivateKey()));
    assertNotEquals(first.split("\\.")[1], second.split("\\.")[1], "a fresh content key each time");
  }

  @Test
  void headerCarriesAlgEncAndKidOnly() throws Exception {
    String jwe = new KnotJweEncrypter().encrypt(knotKey, DOCUMENT);
    JsonNode header = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(jwe.split("\\.")[0]));
    assertEquals("RSA-OAEP-256", header.get("alg").asText());
    assertEquals("A256GCM", header.get("enc").asText());
    assertEquals("kid-1", header.get("kid").asText());
    assertEquals(3, header.size(), header.toString());
  }

  @Test
  void leavesTheCallersBufferUntouched() {
    byte[] copy = DOCUMENT.clone();
    new KnotJweEncrypter().encrypt(knotKey, copy);
    assertArrayEquals(DOCUMENT, copy);
  }

  @Test
  void followsAKeyChange() throws Exception {
    RSAKey second = new RSAKeyGenerator(2048).keyID("kid-2").generate();
    KnotJweEncrypter encrypter = new KnotJweEncrypter();
    String first = encrypter.encrypt(knotKey, DOCUMENT);
    String afterRotation = encrypter.encrypt(KnotJwk.of(second), DOCUMENT);
    assertArrayEquals(DOCUMENT, decryptWithJdk(first, privateKey.toPrivateKey()));
    assertArrayEquals(DOCUMENT, decryptWithJdk(afterRotation, second.toPrivateKey()));
    assertNotEquals(first.split("\\.")[0], afterRotation.split("\\.")[0]);
  }

  @Test
  void isSafeToShareBetweenThreads() throws Exception {
    KnotJweEncrypter encrypter = new KnotJweEncrypter();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> jwes = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        jwes.add(pool.submit(() -> encrypter.encrypt(knotKey, DOCUMENT)));
      }
      for (Future<String> jwe : jwes) {
        assertArrayEquals(DOCUMENT, decryptWithJdk(jwe.get(), privateKey.toPrivateKey()));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void jweNeverContainsTheClearDocument() {
    String jwe = new KnotJweEncrypter().encrypt(knotKey, DOCUMENT);
    assertFalse(jwe.contains("4242"));
    assertFalse(new String(Base64.getUrlDecoder().decode(jwe.split("\\.")[0]), StandardCharsets.UTF_8).contains("Ada"));
  }
}
