package dev.cardswitch.vault;

import dev.cardswitch.CardSwitchException;
import dev.cardswitch.schemas.DeadLetterReason;
import java.util.Objects;

/**
 * A card-vault lookup that failed for one switch; {@link #deadLetterReason()} is the dead letter it
 * becomes ({@code CARD_NOT_FOUND}, {@code CARD_VAULT_UNAVAILABLE}, {@code CARD_VAULT_RESPONSE_INVALID}
 * or, when the window closed while the platform was still being asked, {@code DEADLINE_EXCEEDED}).
 * The message names the problem and the fix; it never holds the card token, card data or a secret.
 * Immutable.
 */
public final class CardVaultException extends CardSwitchException {

  private final DeadLetterReason deadLetterReason;
  private final Integer httpStatus;

  public CardVaultException(DeadLetterReason deadLetterReason, String message) {
    this(deadLetterReason, message, null, null);
  }

  /**
   * @param httpStatus the platform's last HTTP status, or null when it never answered
   * @param cause the underlying failure (its message must be as safe as this one's), or null
   */
  public CardVaultException(DeadLetterReason deadLetterReason, String message, Integer httpStatus, Throwable cause) {
    super(Objects.requireNonNull(deadLetterReason, "deadLetterReason").name(), message, cause);
    this.deadLetterReason = deadLetterReason;
    this.httpStatus = httpStatus;
  }

  /** The dead letter this failure becomes. */
  public DeadLetterReason deadLetterReason() {
    return deadLetterReason;
  }

  /** The platform's last HTTP status, or null when it never answered. */
  public Integer httpStatus() {
    return httpStatus;
  }
}
