package dev.cardswitch.soak;

import dev.cardswitch.CardSwitchException;

/**
 * A fault run could not be carried out (a service that would not start, a broker that would not
 * come back): not a finding about card-switch's behaviour, which {@link ScenarioResult} reports, but
 * a failure of the run itself. The message names what and the fix.
 */
public final class SoakException extends CardSwitchException {

  public static final String NOT_STARTED = "SOAK_SERVICE_NOT_STARTED";
  public static final String STOP_FAILED = "SOAK_SERVICE_STOP_FAILED";
  public static final String BROKER = "SOAK_BROKER";
  public static final String INTERRUPTED = "SOAK_INTERRUPTED";

  public SoakException(String reason, String message) {
    super(reason, message);
  }

  public SoakException(String reason, String message, Throwable cause) {
    super(reason, message, cause);
  }
}
