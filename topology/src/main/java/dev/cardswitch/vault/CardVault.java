package dev.cardswitch.vault;

import dev.cardswitch.schemas.DeadLetterReason;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * The port through which the topology fetches a card document from the issuer's card-management
 * platform in card-vault lookup mode (a card reference carrying {@code card_token} instead of an
 * envelope): seed 003's response flow, in which the caller generates a key pair, sends the public
 * key with the request, and the platform encrypts its answer to it.
 *
 * <p>Implementations are thread-safe and never block the calling thread (the topology calls from a
 * Kafka Streams thread): the exchange, retries and back-off happen asynchronously.
 */
public interface CardVault {

  /**
   * Fetches one card document, within the deadline.
   *
   * @param cardToken the platform's token of the card ({@code CardReference.card_token})
   * @param deadline when the switch becomes pointless; no attempt is started after it
   * @return a future completing with the clear card document JSON (Knot's {@code {user, card}}
   *     document), which the caller owns and wipes; or exceptionally with a {@link CardVaultException}
   *     naming the dead letter it becomes
   */
  CompletableFuture<byte[]> cardDocument(String cardToken, Instant deadline);

  /**
   * The vault of a deployment that has none ({@code CARD_SOURCE=envelope}): every lookup fails as
   * {@code CARD_VAULT_UNAVAILABLE}, so a token reference written by mistake becomes a replayable
   * dead letter instead of a stuck switch.
   */
  CardVault NONE = (cardToken, deadline) -> CompletableFuture.failedFuture(new CardVaultException(
      DeadLetterReason.CARD_VAULT_UNAVAILABLE,
      "the card reference carries a card_token but this deployment has no card vault: set CARD_SOURCE=vault"
          + " (and CARD_VAULT_BASE_URL), or write the card reference with a card_envelope, then replay"));
}
