package dev.cardswitch.replay;

import dev.cardswitch.schemas.DeadLetter;
import java.util.Objects;

/**
 * One dead letter as read from the dead-letter topic, with its address. Holds no card data (dead
 * letters hold none; the embedded event holds the issuer's card id, not card data). Immutable as
 * long as nobody changes the (generated, mutable) dead letter; the replay never does.
 */
public record ReplayCandidate(DeadLetterAddress address, DeadLetter deadLetter) {

  public ReplayCandidate {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(deadLetter, "deadLetter");
  }

  /** The task id, or null when the source record could not be read. */
  public Long taskId() {
    return deadLetter.getTaskId();
  }
}
