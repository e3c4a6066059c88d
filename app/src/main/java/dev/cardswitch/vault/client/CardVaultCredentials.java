package dev.cardswitch.vault.client;

import dev.cardswitch.auth.BasicCredentials;

/**
 * The card-management platform's API credentials ({@code CARD_VAULT_CLIENT_ID},
 * {@code CARD_VAULT_SECRET}), sent as HTTP Basic auth. The secret never appears in
 * {@link #toString()}. Immutable and thread-safe.
 */
public final class CardVaultCredentials extends BasicCredentials {

  public CardVaultCredentials(String clientId, String secret) {
    super("card vault", clientId, secret);
  }
}
