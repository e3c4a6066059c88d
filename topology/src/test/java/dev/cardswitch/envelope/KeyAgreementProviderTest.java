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

class KeyAgreementProviderTest {

  private static final byte[] DOCUMENT = "{\"card\":{\"number\":\"4242424242424242\"}}".getBytes(StandardCharsets.UTF_8);

  @Test
  void prefersCorrettoWhereItRunsAndSaysWhyNotElsewhere() {
    String reason = KeyAgreementProvider.CORRETTO.unavailableReason();
    if (reason == null) {
      assertEquals(KeyAgreementProvider.CORRETTO, KeyAgreementProvider.preferred());
      assertTrue(KeyAgreementProvider.CORRETTO.description().matches(
          "corretto \\(Amazon Corretto Crypto Provider [0-9.]+, native AWS-LC v[0-9.]+\\)"),
          KeyAgreementProvider.CORRETTO.description());
      assertEquals("bouncycastle (pure Java)", KeyAgreementProvider.BOUNCY_CASTLE.description());
    } else {
      assertEquals(KeyAgreementProvider.BOUNCY_CASTLE, KeyAgreementProvider.preferred());
      assertTrue(KeyAgreementProvider.BOUNCY_CASTLE.description().contains("not corretto: " + reason),
          KeyAgreementProvider.BOUNCY_CASTLE.description());
    }
    assertNull(KeyAgreementProvider.BOUNCY_CASTLE.unavailableReason());
    assertNull(KeyAgreementProvider.JDK_DEFAULT.unavailableReason());
  }

  @Test
  void readsItsSetting() {
    assertEquals(KeyAgreementProvider.preferred(), KeyAgreementProvider.fromSetting("S", null));
    assertEquals(KeyAgreementProvider.preferred(), KeyAgreementProvider.fromSetting("S", " "));
    assertEquals(KeyAgreementProvider.preferred(), KeyAgreementProvider.fromSetting("S", "Auto"));
    assertEquals(KeyAgreementProvider.BOUNCY_CASTLE, KeyAgreementProvider.fromSetting("S", "BouncyCastle"));
    assertEquals(KeyAgreementProvider.JDK_DEFAULT, KeyAgreementProvider.fromSetting("S", "jdk"));
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> KeyAgreementProvider.fromSetting("S", "sunec"));
    assertEquals("S is \"sunec\": give auto (the default), corretto, bouncycastle or jdk", unknown.getMessage());
  }

  @ParameterizedTest
  @EnumSource(KeyAgreementProvider.class)
  void whatOneProviderSealsEveryOtherOpens(KeyAgreementProvider sealer) {
    ECKey key = JwkSetKeyRing.generate("k");
    String envelope = new EnvelopeEncrypter(key, sealer).encrypt(DOCUMENT);
    for (KeyAgreementProvider opener : KeyAgreementProvider.values()) {
      JwkSetKeyRing ring = JwkSetKeyRing.of(List.of(key), JwkSetKeyRing.Options.DEFAULT.withKeyAgreementProvider(opener));
      assertEquals(new String(DOCUMENT, StandardCharsets.UTF_8), new String(ring.decrypt(envelope), StandardCharsets.UTF_8),
          sealer + " -> " + opener);
    }
  }
}
