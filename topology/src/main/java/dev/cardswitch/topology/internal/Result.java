package dev.cardswitch.topology.internal;

import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.SwitchOutcome;

/** What a switch ended in: an outcome or a dead letter (exactly one is set). Never serialized. */
record Result(SwitchOutcome outcome, DeadLetter deadLetter) {

  static Result of(SwitchOutcome outcome) {
    return new Result(outcome, null);
  }

  static Result of(DeadLetter deadLetter) {
    return new Result(null, deadLetter);
  }
}
