package dev.cardswitch.replay;

import dev.cardswitch.CardSwitchException;

/**
 * A replay that cannot go on: the broker or the registry is unreachable, a topic is missing, a
 * transaction failed or another replay took over. Dead letters that are not replayed are not
 * exceptions: they are counted in the report with their skip reason. Messages name the problem and
 * the fix, never card data.
 */
public final class ReplayException extends CardSwitchException {

  /** The broker or the schema registry is not reachable, or a topic is missing. */
  public static final String UNREACHABLE = "STACK_UNREACHABLE";
  /** A replay transaction could not be committed; nothing of it is visible. */
  public static final String TRANSACTION_FAILED = "REPLAY_TRANSACTION_FAILED";
  /** Another replay run started with the same transactional id and fenced this one. */
  public static final String FENCED = "REPLAY_FENCED";
  /** An option of the command is invalid. */
  public static final String BAD_OPTION = "BAD_OPTION";

  public ReplayException(String reason, String message) {
    super(reason, message);
  }

  public ReplayException(String reason, String message, Throwable cause) {
    super(reason, message, cause);
  }
}
