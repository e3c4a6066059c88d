package dev.cardswitch.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CardCryptoProviderTest {

  private static final byte[] DOCUMENT = "{\"card\":{\"number\":\"4242424242424242\"}}".getBytes(StandardCharsets.UTF_8);

  @Test
  void prefersCorrettoWhereItRunsAndSaysWhyNotElsewhere() {
    String reason = CardCryptoProvider.CORRETTO.unavailableReason();
    if (reason == null) {
      assertEquals(CardCryptoProvider.CORRETTO, CardCryptoProvider.preferred());
      assertTrue(CardCryptoProvider.CORRETTO.description().matches(
          "corretto \\(Amazon Corretto Crypto Provider [0-9.]+, native AWS-LC v[0-9.]+\\)"),
          CardCryptoProvider.CORRETTO.description());
      assertEquals("bouncycastle (pure Java)", CardCryptoProvider.BOUNCY_CASTLE.description());
    } else {
      assertEquals(CardCryptoProvider.BOUNCY_CASTLE, CardCryptoProvider.preferred());
      assertTrue(CardCryptoProvider.BOUNCY_CASTLE.description().contains("not corretto: " + reason),
          CardCryptoProvider.BOUNCY_CASTLE.description());
    }
    assertNull(CardCryptoProvider.BOUNCY_CASTLE.unavailableReason());
    assertNull(CardCryptoProvider.JDK_DEFAULT.unavailableReason());
  }

  @Test
  void readsItsSetting() {
    assertEquals(CardCryptoProvider.preferred(), CardCryptoProvider.fromSetting("S", null));
    assertEquals(CardCryptoProvider.preferred(), CardCryptoProvider.fromSetting("S", " "));
    assertEquals(CardCryptoProvider.preferred(), CardCryptoProvider.fromSetting("S", "Auto"));
    assertEquals(CardCryptoProvider.BOUNCY_CASTLE, CardCryptoProvider.fromSetting("S", "BouncyCastle"));
    assertEquals(CardCryptoProvider.JDK_DEFAULT, CardCryptoProvider.fromSetting("S", "jdk"));
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> CardCryptoProvider.fromSetting("S", "sunec"));
    assertEquals("S is \"sunec\": give auto (the default), corretto, bouncycastle or jdk", unknown.getMessage());
  }

  @ParameterizedTest
  @EnumSource(CardCryptoProvider.class)
  void whatOneProviderSealsEveryOtherOpens(CardCryptoProvider sealer) {
    ECKey key = JwkSetKeyRing.generate("k");
    String envelope = new EnvelopeEncrypter(key, sealer).encrypt(DOCUMENT);
    for (CardCryptoProvider opener : CardCryptoProvider.values()) {
      JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(key), JwkSetKeyRing.Options.DEFAULT.withCardCryptoProvider(opener));
      assertEquals(new String(DOCUMENT, StandardCharsets.UTF_8), new String(ring.decrypt(envelope), StandardCharsets.UTF_8),
          sealer + " -> " + opener);
    }
  }
}
