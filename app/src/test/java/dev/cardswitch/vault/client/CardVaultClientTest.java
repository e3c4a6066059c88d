package dev.cardswitch.vault.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cardswitch.schemas.DeadLetterReason;
import dev.cardswitch.vault.CardVaultException;
import dev.cardswitch.vault.standin.CardVaultStandIn;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The card-vault client against the stand-in over real HTTP on 127.0.0.1, with real crypto. */
class CardVaultClientTest {

  static final byte[] CARD = ("{\"user\":{\"name\":{\"first_name\":\"Ada\",\"last_name\":\"Lovelace\"}},"
      + "\"card\":{\"number\":\"4242424242424242\",\"expiration\":\"08/2030\",\"cvv\":\"012\"}}")
      .getBytes(StandardCharsets.UTF_8);

  CardVaultStandIn vault;
  CardVaultClient client;

  @BeforeEach
  void start() {
    vault = CardVaultStandIn.start();
    vault.putCard("tok-1", CARD);
    client = new CardVaultClient(CardVaultClientConfig.builder(URI.create(vault.baseUrl()), vault.credentials())
        .callTimeout(Duration.ofSeconds(2)).build());
  }

  @AfterEach
  void stop() {
    client.close();
    vault.close();
  }

  byte[] lookUp(String token, Duration within) throws Exception {
    return client.cardDocument(token, Instant.now().plus(within)).get(20, TimeUnit.SECONDS);
  }

  CardVaultException failure(String token, Duration within) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> lookUp(token, within));
    assertTrue(e.getCause() instanceof CardVaultException, String.valueOf(e.getCause()));
    CardVaultException failure = (CardVaultException) e.getCause();
    assertFalse(failure.getMessage().contains(token), "no card token in a message");
    assertFalse(failure.getMessage().contains("4242424242424242"), "no card number in a message");
    return failure;
  }

  @Test
  void fetchesTheCardEncryptedToAOneUseKeyAndKeepsThePlatformKey() throws Exception {
    assertArrayEquals(CARD, lookUp("tok-1", Duration.ofSeconds(15)));
    assertArrayEquals(CARD, lookUp("tok-1", Duration.ofSeconds(15)));
    assertEquals(1, vault.keyFetches(), "the platform's key is cached");
    assertEquals(2, vault.lookups());
  }

  @Test
  void anUnknownTokenBecomesCardNotFound() {
    CardVaultException failure = failure("tok-unknown", Duration.ofSeconds(15));
    assertEquals(DeadLetterReason.CARD_NOT_FOUND, failure.deadLetterReason());
    assertEquals(404, failure.httpStatus());
    assertTrue(failure.getMessage().contains("does not know the card reference's card_token"), failure.getMessage());
    assertEquals(1, vault.lookups(), "a 404 is an answer, not retried");
  }

  @Test
  void anAnswerEncryptedToAnotherKeyIsRefused() {
    vault.encryptToAnotherKey(true);
    CardVaultException failure = failure("tok-1", Duration.ofSeconds(15));
    assertEquals(DeadLetterReason.CARD_VAULT_RESPONSE_INVALID, failure.deadLetterReason());
    assertTrue(failure.getMessage().contains("does not open with the one-use key"), failure.getMessage());
  }

  @Test
  void aTamperedAnswerIsRefused() {
    vault.tamper(true);
    CardVaultException failure = failure("tok-1", Duration.ofSeconds(15));
    assertEquals(DeadLetterReason.CARD_VAULT_RESPONSE_INVALID, failure.deadLetterReason());
    assertTrue(failure.getMessage().contains("altered on the way"), failure.getMessage());
  }

  @Test
  void aRotatedPlatformKeyIsFetchedAgainAndTheLookupRepeatedOnce() throws Exception {
    assertArrayEquals(CARD, lookUp("tok-1", Duration.ofSeconds(15)));
    String before = vault.currentKid();
    String after = vault.rotateKey();

    assertArrayEquals(CARD, lookUp("tok-1", Duration.ofSeconds(15)));
    assertTrue(!before.equals(after));
    assertEquals(1, vault.unknownKidAnswers(), "the platform refused the old kid once");
    assertEquals(2, vault.keyFetches(), "then its new key was fetched");
    assertEquals(3, vault.lookups());
  }

  @Test
  void aTimeOutNearTheDeadlineBecomesDeadlineExceeded() {
    vault.latency(Duration.ofSeconds(3));
    Instant start = Instant.now();
    CardVaultException failure = failure("tok-1", Duration.ofMillis(400));
    assertEquals(DeadLetterReason.DEADLINE_EXCEEDED, failure.deadLetterReason());
    assertTrue(failure.getMessage().contains("ms left of the window"), failure.getMessage());
    assertTrue(Duration.between(start, Instant.now()).compareTo(Duration.ofSeconds(2)) < 0, "gave up at the deadline");
    assertEquals(1, vault.lookups(), "no retry that could not get a full time-out");
  }

  @Test
  void aSlowVaultWithTimeLeftIsRetriedThenUnavailable() {
    vault.latency(Duration.ofSeconds(3));
    CardVaultClient quick = new CardVaultClient(CardVaultClientConfig.builder(URI.create(vault.baseUrl()),
        vault.credentials()).callTimeout(Duration.ofMillis(300)).maxAttempts(2).build());
    try {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> quick.cardDocument("tok-1", Instant.now().plusSeconds(15)).get(20, TimeUnit.SECONDS));
      CardVaultException failure = (CardVaultException) e.getCause();
      assertEquals(DeadLetterReason.CARD_VAULT_UNAVAILABLE, failure.deadLetterReason());
      assertTrue(failure.getMessage().contains("did not answer within CARD_VAULT_CALL_TIMEOUT"), failure.getMessage());
      assertEquals(2, vault.lookups());
    } finally {
      quick.close();
    }
  }

  @Test
  void aPassing5xxIsRetried() throws Exception {
    vault.failNext(1, 503);
    assertArrayEquals(CARD, lookUp("tok-1", Duration.ofSeconds(15)));
    assertEquals(2, vault.lookups());
  }

  @Test
  void aLasting5xxBecomesVaultUnavailable() {
    vault.failNext(100, 502);
    CardVaultException failure = failure("tok-1", Duration.ofSeconds(15));
    assertEquals(DeadLetterReason.CARD_VAULT_UNAVAILABLE, failure.deadLetterReason());
    assertTrue(failure.getMessage().contains("HTTP 502"), failure.getMessage());
    assertEquals(CardVaultClientConfig.DEFAULT_CARD_VAULT_MAX_ATTEMPTS, vault.lookups());
  }

  @Test
  void refusedCredentialsNameTheSettings() {
    CardVaultClient wrong = new CardVaultClient(CardVaultClientConfig.builder(URI.create(vault.baseUrl()),
        new CardVaultCredentials("card-switch-dev", "not-the-secret")).build());
    try {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> wrong.cardDocument("tok-1", Instant.now().plusSeconds(15)).get(20, TimeUnit.SECONDS));
      CardVaultException failure = (CardVaultException) e.getCause();
      assertEquals(DeadLetterReason.CARD_VAULT_UNAVAILABLE, failure.deadLetterReason());
      assertTrue(failure.getMessage().contains("CARD_VAULT_CLIENT_ID and CARD_VAULT_SECRET"), failure.getMessage());
      assertFalse(failure.getMessage().contains("not-the-secret"));
    } finally {
      wrong.close();
    }
  }

  @Test
  void aLookupNeverBlocksItsCaller() throws Exception {
    vault.latency(Duration.ofMillis(500));
    CompletableFuture<byte[]> pending = client.cardDocument("tok-1", Instant.now().plusSeconds(15));
    assertFalse(pending.isDone(), "the call returned before the platform answered");
    assertArrayEquals(CARD, pending.get(20, TimeUnit.SECONDS));
  }

  @Test
  void missingCredentialsNameTheFix() {
    CardVaultConfigException e = assertThrows(CardVaultConfigException.class,
        () -> CardVaultClientConfig.builder(URI.create("https://cards.example.com"), null).build());
    assertEquals(CardVaultClientConfig.CARD_VAULT_CLIENT_ID, e.setting());
    assertTrue(e.getMessage().contains("unset CARD_VAULT_BASE_URL to use the embedded stand-in"), e.getMessage());
  }
}
