package dev.cardswitch.app.runtime;

import dev.cardswitch.CardSwitchException;

/** A setting is missing or invalid; the message names it, the bad value (unless secret) and the fix. */
public final class SettingException extends CardSwitchException {

  private final String setting;

  public SettingException(String setting, String message) {
    super("INVALID_CONFIG", message);
    this.setting = setting;
  }

  /** The environment variable at fault. */
  public String setting() {
    return setting;
  }
}
