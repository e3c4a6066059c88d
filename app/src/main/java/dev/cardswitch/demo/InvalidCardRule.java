package dev.cardswitch.demo;

/**
 * The one rule an invalid demo card breaks, so that every rule of Knot's document is exercised in
 * turn. Each names the field path the validator reports (never a value). Immutable; thread-safe.
 */
public enum InvalidCardRule {
  /** Fewer than 5 or more than 10 characters. */
  POSTAL_CODE("user.address.postal_code"),
  /** A month before the current one. */
  EXPIRED("card.expiration"),
  /** A wrong Luhn check digit. */
  LUHN("card.number"),
  /** A Canadian province given with country US. */
  REGION("user.address.region"),
  /** Not E.164: no plus sign, or punctuation. */
  PHONE("user.phone_number");

  private final String fieldPath;

  InvalidCardRule(String fieldPath) {
    this.fieldPath = fieldPath;
  }

  /** The path of the field the broken rule is about, e.g. {@code user.address.region}. */
  public String fieldPath() {
    return fieldPath;
  }
}
