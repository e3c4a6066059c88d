package dev.cardswitch.loader;

import dev.cardswitch.CardSwitchException;

/**
 * A load that cannot go on: the file cannot be read or has no usable header, the service's key or
 * the Kafka cluster or registry cannot be reached. Per-row problems are not exceptions: they are
 * counted in the report. Messages name the problem and the fix, never a value of the file.
 */
public final class LoadException extends CardSwitchException {

  /** The input file cannot be read, or its header or format is unusable. */
  public static final String BAD_FILE = "BAD_INPUT_FILE";
  /** The service's public key could not be fetched or read. */
  public static final String NO_SERVICE_KEY = "NO_SERVICE_KEY";
  /** The broker or the schema registry is not reachable, or refused records. */
  public static final String UNREACHABLE = "STACK_UNREACHABLE";

  public LoadException(String reason, String message) {
    super(reason, message);
  }

  public LoadException(String reason, String message, Throwable cause) {
    super(reason, message, cause);
  }
}
