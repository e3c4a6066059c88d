package dev.cardswitch.status;

import dev.cardswitch.schemas.internal.SwitchHistory;

/**
 * Where the status of one switch task is: here (found or not), on another instance, or nowhere
 * for now (rebalancing, restoring). Implementations are thread-safe.
 */
public interface StatusLookup {

  /** The answer for {@code taskId}; never throws for a task that is merely unknown. */
  Answer find(long taskId);

  /** What a lookup found. */
  sealed interface Answer permits Found, Missing, Elsewhere, Unavailable {}

  /** This instance holds the task's status. */
  record Found(SwitchHistory status) implements Answer {}

  /** This instance would hold the task's status, and has none: no record of the task was read. */
  record Missing() implements Answer {}

  /** Another instance holds the task's status, at {@code host:port} (its admin endpoint). */
  record Elsewhere(String host, int port) implements Answer {
    public String endpoint() {
      return host + ":" + port;
    }
  }

  /** No instance can answer now; {@code why} says what is going on, for the caller to retry. */
  record Unavailable(String why) implements Answer {}
}
