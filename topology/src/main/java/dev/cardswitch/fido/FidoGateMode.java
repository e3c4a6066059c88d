package dev.cardswitch.fido;

import java.util.Locale;

/**
 * What the switch does with the cardholder's Cardinal FIDO result (FIDO_GATE). Thread-safe (an enum).
 */
public enum FidoGateMode {
  /** The FIDO response JWT is ignored (the default: most issuers do not require FIDO). */
  OFF,
  /** Every card is switched; the result of the check is recorded in the outcome ({@code fido_check}). */
  AUDIT,
  /** Only cards with a verified FIDO result are switched; the others become CARDHOLDER_NOT_AUTHENTICATED dead letters. */
  REQUIRED;

  public static final FidoGateMode DEFAULT = OFF;

  /** Parses FIDO_GATE ({@code off}, {@code audit}, {@code required}; any case). */
  public static FidoGateMode parse(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT;
    }
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("FIDO_GATE must be off, audit or required, was '" + value
          + "': set one of them (off is the default)");
    }
  }

  /** The value as written in FIDO_GATE. */
  public String settingValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
