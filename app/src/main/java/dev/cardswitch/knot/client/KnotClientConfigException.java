package dev.cardswitch.knot.client;

import dev.cardswitch.CardSwitchException;

/**
 * A Knot client setting is missing or invalid. The message names the setting (its environment
 * variable), the bad value unless it is secret, and the fix.
 */
public final class KnotClientConfigException extends CardSwitchException {

  /** The {@link #reason()} of this exception. */
  public static final String REASON = "INVALID_KNOT_CONFIG";

  private final String setting;

  KnotClientConfigException(String setting, String message) {
    super(REASON, message);
    this.setting = setting;
  }

  /** The environment variable of the offending setting, e.g. {@code KNOT_CLIENT_ID}. */
  public String setting() {
    return setting;
  }
}
