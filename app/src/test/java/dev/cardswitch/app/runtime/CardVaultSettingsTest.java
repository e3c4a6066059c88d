package dev.cardswitch.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.CardSwitchException;
import dev.cardswitch.vault.client.CardVaultClientConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The card-vault settings: CARD_SOURCE and CARD_VAULT_*, each error naming the setting and the fix. */
class CardVaultSettingsTest {

  private static AppConfig configure(Map<String, String> env) {
    return Launch.configure(env, List.of());
  }

  @Test
  void envelopeIsTheDefaultAndHasNoVault() {
    AppConfig config = configure(Map.of());
    assertFalse(config.cardVault());
    assertNull(config.cardVaultClientConfig(null));
  }

  @Test
  void vaultWithoutABaseUrlUsesTheEmbeddedStandIn() {
    AppConfig config = configure(Map.of("CARD_SOURCE", "vault"));
    assertTrue(config.cardVault());
    assertFalse(config.cardVaultConfigured());
    assertTrue(String.join("\n", config.describe()).contains("embedded card vault stand-in"));
  }

  @Test
  void aRealPlatformTakesItsSettingsAndNeverPrintsTheSecret() {
    AppConfig config = configure(Map.of("CARD_SOURCE", "vault", "CARD_VAULT_BASE_URL", "https://cards.example.com/",
        "CARD_VAULT_CLIENT_ID", "issuer-1", "CARD_VAULT_SECRET", "s3cret-vault", "CARD_VAULT_CALL_TIMEOUT", "1500ms",
        "CARD_VAULT_MAX_ATTEMPTS", "2"));
    CardVaultClientConfig vault = config.cardVaultClientConfig(null);
    assertEquals("https://cards.example.com", vault.baseUrl().toString());
    assertEquals(Duration.ofMillis(1500), vault.callTimeout());
    assertEquals(2, vault.maxAttempts());
    assertFalse(vault.toString().contains("s3cret-vault"));
    assertFalse(String.join("\n", config.describe()).contains("s3cret-vault"));
  }

  @Test
  void aBaseUrlWithoutCredentialsNamesTheMissingSetting() {
    CardSwitchException e = assertThrows(CardSwitchException.class, () -> configure(Map.of("CARD_SOURCE", "vault",
        "CARD_VAULT_BASE_URL", "https://cards.example.com", "CARD_VAULT_CLIENT_ID", "issuer-1")));
    assertTrue(e.getMessage().startsWith("CARD_VAULT_SECRET is not set"), e.getMessage());
    assertTrue(e.getMessage().contains("unset CARD_VAULT_BASE_URL to use the embedded stand-in"), e.getMessage());
  }

  @Test
  void aBaseUrlWithTheEnvelopeSourceIsRefused() {
    CardSwitchException e = assertThrows(CardSwitchException.class,
        () -> configure(Map.of("CARD_VAULT_BASE_URL", "https://cards.example.com")));
    assertTrue(e.getMessage().contains("set CARD_SOURCE=vault"), e.getMessage());
  }

  @Test
  void anUnknownSourceNamesTheChoices() {
    CardSwitchException e = assertThrows(CardSwitchException.class, () -> configure(Map.of("CARD_SOURCE", "kafka")));
    assertTrue(e.getMessage().contains("use envelope") && e.getMessage().contains("or vault"), e.getMessage());
  }
}
