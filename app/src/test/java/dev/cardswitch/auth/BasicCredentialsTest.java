package dev.cardswitch.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.knot.client.KnotCredentials;
import dev.cardswitch.vault.client.CardVaultCredentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BasicCredentialsTest {

  @Test
  void sendsIdAndSecretAsBasicAuthAndRecognisesOnlyThatHeader() {
    KnotCredentials knot = new KnotCredentials("client-1", "s3cr3t-value");
    String expected = "Basic " + Base64.getEncoder().encodeToString("client-1:s3cr3t-value".getBytes(StandardCharsets.UTF_8));
    assertEquals(expected, knot.basicAuthorization());
    assertTrue(knot.matchesAuthorization(expected));
    assertFalse(knot.matchesAuthorization("Basic " + Base64.getEncoder().encodeToString("client-1:other".getBytes(StandardCharsets.UTF_8))));
    assertFalse(knot.matchesAuthorization(null));
  }

  @Test
  void neverPrintsTheSecret() {
    assertEquals("CardVaultCredentials[clientId=vault-client, secret=****]",
        new CardVaultCredentials("vault-client", "s3cr3t-value").toString());
    assertFalse(new KnotCredentials("client-1", "s3cr3t-value").toString().contains("s3cr3t"));
  }

  @Test
  void refusesBlankPartsAndAColonInTheIdNamingWhoseCredentials() {
    IllegalArgumentException blank = assertThrows(IllegalArgumentException.class, () -> new CardVaultCredentials("id", " "));
    assertEquals("card vault client id and secret must not be blank", blank.getMessage());
    IllegalArgumentException colon = assertThrows(IllegalArgumentException.class, () -> new KnotCredentials("a:b", "secret"));
    assertEquals("a Knot client id cannot contain ':'", colon.getMessage());
  }
}
