package dev.cardswitch.vault.client;

import dev.cardswitch.CardSwitchException;

/**
 * A card-vault setting is missing or invalid. The message names the setting (its environment
 * variable), the bad value unless it is secret, and the fix. Immutable.
 */
public final class CardVaultConfigException extends CardSwitchException {

  /** The {@link #reason()} of this exception. */
  public static final String REASON = "INVALID_CARD_VAULT_CONFIG";

  private final String setting;

  public CardVaultConfigException(String setting, String message) {
    super(REASON, message);
    this.setting = setting;
  }

  /** The environment variable of the offending setting, e.g. {@code CARD_VAULT_CLIENT_ID}. */
  public String setting() {
    return setting;
  }
}
