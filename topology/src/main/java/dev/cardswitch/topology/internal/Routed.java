package dev.cardswitch.topology.internal;

import dev.cardswitch.deadletter.DeadLetterExceptionHandler;
import dev.cardswitch.schemas.DeadLetter;
import dev.cardswitch.schemas.SwitchOutcome;
import dev.cardswitch.schemas.internal.SwitchRequest;

/**
 * Where the router sends one webhook event: straight to an outcome, straight to a dead letter, or on
 * to the switch as a request (re-keyed by card_id). Exactly one field is set. Never serialized.
 */
record Routed(SwitchOutcome outcome, DeadLetter deadLetter, SwitchRequest request)
    implements DeadLetterExceptionHandler.RequestCarrier {

  @Override
  public SwitchRequest switchRequest() {
    return request;
  }

  static Routed outcome(SwitchOutcome outcome) {
    return new Routed(outcome, null, null);
  }

  static Routed deadLetter(DeadLetter deadLetter) {
    return new Routed(null, deadLetter, null);
  }

  static Routed request(SwitchRequest request) {
    return new Routed(null, null, request);
  }
}
