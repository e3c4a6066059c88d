package dev.cardswitch;

/**
 * The one unchecked base exception of card-switch. Subclasses carry structured fields (a reason
 * code, a field path, a key id, ...) so that a dead letter or a log line is built from those fields,
 * never from {@link #getMessage()} of something that may have seen card data.
 *
 * <p>Contract for every subclass: the message names the problem and, where there is one, the fix;
 * it never contains card data (PAN, CVV, expiry, name, address, phone) nor a secret.
 */
public class CardSwitchException extends RuntimeException {

  private final String reason;

  /**
   * @param reason a stable, machine-readable code (for a record-level failure, the dead-letter
   *     reason it maps to, e.g. {@code INVALID_CARD_DATA}); never null
   * @param message a human message without card data or secrets
   */
  public CardSwitchException(String reason, String message) {
    this(reason, message, null);
  }

  public CardSwitchException(String reason, String message, Throwable cause) {
    super(message, cause);
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("reason must be a non-blank code");
    }
    this.reason = reason;
  }

  /** The stable, machine-readable code of this failure. */
  public String reason() {
    return reason;
  }
}
