package dev.cardswitch.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.ECKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The project's envelopes are standard JWE: an implementation on the JDK's raw primitives reads and writes them. */
class EnvelopeInteropTest {

  private static final byte[] DOCUMENT =
      "{\"card\":{\"number\":\"4242424242424242\",\"expiration\":\"08/2030\",\"cvv\":\"012\"}}"
          .getBytes(StandardCharsets.UTF_8);

  private final ECKey key = JwkSetKeyRing.generate("service-2026-11");

  @ParameterizedTest
  @EnumSource(CardCryptoProvider.class)
  void envelopeMadeByTheProjectOpensWithTheJdkAlone(CardCryptoProvider provider) throws Exception {
    String envelope = new EnvelopeEncrypter(key.toPublicJWK(), provider).encrypt(DOCUMENT);

    JsonNode header = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(envelope.split("\\.")[0]));
    assertEquals("ECDH-ES", header.get("alg").asText());
    assertEquals("A256GCM", header.get("enc").asText());
    assertEquals("service-2026-11", header.get("kid").asText());
    assertArrayEquals(DOCUMENT, JdkJwe.decrypt(envelope, JdkJwe.privateKey(key.toJSONString())));
  }

  @ParameterizedTest
  @EnumSource(CardCryptoProvider.class)
  void envelopeMadeByTheJdkAloneOpensWithTheRing(CardCryptoProvider provider) throws Exception {
    String envelope = JdkJwe.encrypt(DOCUMENT, JdkJwe.publicKey(key.toPublicJWK().toJSONString()), "service-2026-11");

    JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(key), JwkSetKeyRing.Options.DEFAULT.withCardCryptoProvider(provider));

    assertArrayEquals(DOCUMENT, ring.decrypt(envelope));
  }

  @Test
  void independentImplementationRejectsAnotherKey() {
    String envelope = new EnvelopeEncrypter(key).encrypt(DOCUMENT);
    ECKey other = JwkSetKeyRing.generate("service-2026-11");
    org.junit.jupiter.api.Assertions.assertThrows(
        javax.crypto.AEADBadTagException.class, () -> JdkJwe.decrypt(envelope, JdkJwe.privateKey(other.toJSONString())));
  }
}
