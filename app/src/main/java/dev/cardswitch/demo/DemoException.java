package dev.cardswitch.demo;

import dev.cardswitch.CardSwitchException;

/**
 * The demo could not run to the end: records could not be produced, or the result topics could not
 * be read. The message names what failed and the fix; it never holds card data (the demo's card
 * data exists only inside envelopes). Reason codes: {@value #PRODUCE_FAILED}, {@value
 * #RESULTS_UNREADABLE}.
 */
public final class DemoException extends CardSwitchException {

  /** Card references or events could not be written to Kafka. */
  public static final String PRODUCE_FAILED = "DEMO_PRODUCE_FAILED";

  /** The outcome or dead-letter topic could not be read. */
  public static final String RESULTS_UNREADABLE = "DEMO_RESULTS_UNREADABLE";
  /** The demo's stand-in for Cardinal could not sign a FIDO response. */
  public static final String FIDO_UNAVAILABLE = "DEMO_FIDO_UNAVAILABLE";

  public DemoException(String reason, String message) {
    super(reason, message);
  }

  public DemoException(String reason, String message, Throwable cause) {
    super(reason, message, cause);
  }
}
